"""MinHash LSH band hashes of many texts at once, in numpy.

The values are bit for bit those of datasketch 2.0's ``MinHash(num_perm=64, seed=7,
scheme="affine32")`` over SHA-1 of each word 3-gram (the bands already stored in every
aggregator database were made with it; tests/aggregator/test_minhash.py compares the two).
datasketch itself is no longer imported by the service: it pulls in SciPy (52 MB of
resident memory, a second of import on the first comment) and hashes one text per call,
while a consumer batch's texts go through one array operation here (issue 15).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

NUM_PERM = 64
SEED = 7
# LSH threshold near (1/32) ** (1/2) = 0.18 Jaccard on word 3-grams: a wide net; rapidfuzz
# then confirms. Measured on tests/aggregator/campaigns.py: 16x4 bands missed 30% of pairs.
BANDS, ROWS = 32, 2
_TEXTS_PER_ARRAY = 256  # bounds the (3-grams x permutations) array to a few MB


def shingles(words: str) -> set[bytes]:
    """The text's word 3-grams (the whole text when it has fewer than three words)."""
    tokens = words.split()
    if len(tokens) < 3:
        return {" ".join(tokens).encode()} if tokens else set()
    return {" ".join(tokens[i : i + 3]).encode() for i in range(len(tokens) - 2)}


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine32 permutations for ``SEED``: odd ``a`` and any ``b``, uint32."""
    generator = np.random.RandomState(SEED)
    a = generator.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, as datasketch pre-mixes each input hash."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))  # type: ignore[no-any-return]


def _signatures(texts: Sequence[set[bytes]]) -> np.ndarray:
    """One row of ``NUM_PERM`` minimum hash values per (non-empty) text."""
    digests = b"".join(hashlib.sha1(gram).digest()[:4] for grams in texts for gram in grams)
    hashed = _fmix32(np.frombuffer(digests, dtype="<u4").astype(np.uint32))
    a, b = _permutations()
    permuted = hashed[:, None] * a + b  # uint32 arithmetic wraps: modulo 2**32, as intended
    starts = np.cumsum([0] + [len(grams) for grams in texts[:-1]])
    return np.minimum.reduceat(permuted, starts, axis=0)  # type: ignore[no-any-return]


def _bands(signature: np.ndarray) -> list[int]:
    raw = signature.tobytes()
    width = ROWS * signature.itemsize
    return [
        int.from_bytes(
            hashlib.blake2b(raw[i : i + width], digest_size=8).digest(), "big", signed=True
        )
        for i in range(0, BANDS * width, width)
    ]


def band_hashes_of(texts: Sequence[str]) -> list[list[int]]:
    """For each folded text, one signed 64-bit hash per LSH band (empty for an empty text)."""
    grams = [shingles(words) for words in texts]
    result: list[list[int]] = [[] for _ in texts]
    filled = [i for i, g in enumerate(grams) if g]
    for start in range(0, len(filled), _TEXTS_PER_ARRAY):
        chunk = filled[start : start + _TEXTS_PER_ARRAY]
        for i, signature in zip(chunk, _signatures([grams[i] for i in chunk]), strict=True):
            result[i] = _bands(signature)
    return result


def band_hashes(words: str) -> list[int]:
    """One signed 64-bit hash per LSH band of the text's MinHash (empty for empty text)."""
    return band_hashes_of([words])[0]
