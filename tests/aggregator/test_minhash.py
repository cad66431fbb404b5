"""The service's own MinHash gives the band hashes datasketch gave: stored bands stay valid."""

from __future__ import annotations

import hashlib

import numpy as np
from datasketch import MinHash

from services.aggregator.clusters import folded_words
from services.aggregator.minhash import (
    BANDS,
    NUM_PERM,
    ROWS,
    SEED,
    _permutations,
    band_hashes_of,
    shingles,
)
from tests.aggregator.campaigns import labelled_set


def datasketch_bands(words: str) -> list[int]:
    """What the aggregator stored before it had its own MinHash (datasketch 2.0)."""
    grams = shingles(words)
    if not grams:
        return []
    signature = MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32")
    signature.update_batch(list(grams))
    values = signature.hashvalues
    return [
        int.from_bytes(
            hashlib.blake2b(values[b * ROWS : (b + 1) * ROWS].tobytes(), digest_size=8).digest(),
            "big",
            signed=True,
        )
        for b in range(BANDS)
    ]


class TestSameBandsAsDatasketch:
    def test_campaign_texts_distinct_texts_and_short_ones(self) -> None:
        texts = [folded_words(text) for _label, text in labelled_set(copies=5, seed=3)]
        texts += ["", "mot", "mot hai", "mot hai ba", "a " * 400]
        assert band_hashes_of(texts) == [datasketch_bands(words) for words in texts]

    def test_more_texts_than_one_array_holds(self) -> None:
        texts = [f"gop y so {n} ve pham vi dieu chinh cua muc nay" for n in range(600)]
        assert band_hashes_of(texts) == [datasketch_bands(words) for words in texts]

    def test_the_written_out_permutations_are_datasketchs(self) -> None:
        generator = np.random.RandomState(SEED)
        a = generator.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
        b = generator.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
        ours = _permutations()
        assert (ours[0] == a).all() and (ours[1] == b).all()
        assert (
            ours[0] == MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32").permutations[0]
        ).all()
