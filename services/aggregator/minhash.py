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
import itertools
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


# datasketch's affine32 permutations for SEED: np.random.RandomState(SEED) draws odd ``a``
# then any ``b`` (tests/aggregator/test_minhash.py draws them again); written out so the
# service never imports numpy.random (6.7 MB, and 50 ms on the first comment).
# fmt: off
_A = (
    655483231, 1952827785, 2404484147, 2739950573, 3765906567, 4107903399, 1919551279,
    3913444559, 4105898681, 2645809523, 330677021, 2266633263, 9624721, 745120435, 618914525,
    3602379861, 2305873333, 136668945, 4293957967, 238497741, 1539573897, 3167980385,
    2609098495, 2841887503, 3272259417, 3375348737, 566388887, 1497486959, 2475151861,
    1480194061, 3518381607, 1666718585, 1832966233, 2971884927, 3883715211, 3689619057,
    3704031537, 2255577455, 213882731, 2154035425, 863708663, 2189523323, 3866582913,
    3017597509, 1978286705, 1495101843, 416525213, 2497639501, 3514385929, 3759207389,
    1143916819, 3855384239, 201112519, 3304114567, 2151004305, 3070688935, 1451812705,
    1660912131, 4017966465, 863064865, 1759640301, 4145819455, 4215646907, 976705369,
)
_B = (
    1599380060, 4085580540, 2050422343, 1497897239, 1571487242, 1187621609, 3598830371,
    1917728192, 3301315901, 4114208135, 1348596887, 771276892, 2459407095, 612959456,
    1185621653, 358664548, 1944945571, 2350356961, 1516030531, 1332338555, 2823509211,
    1214271969, 1590645779, 3955637147, 1971789316, 1861190419, 3089473569, 1798548603,
    1773786398, 4235796153, 3893058277, 3408357193, 775033821, 1474484177, 3183081343,
    1289946527, 1814082690, 2164470867, 1831604146, 2676863378, 2724640789, 2821674615,
    2245865027, 1112979659, 1781921722, 1740316719, 6128400, 2865863180, 396263773, 1887643755,
    3046825705, 3357528457, 2252047180, 2940458819, 2989986414, 3163992718, 4103705212,
    2102055188, 2933092661, 4097361916, 228185999, 660304699, 1326512163, 2787944240,
)
# fmt: on


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    return np.array(_A, dtype=np.uint32), np.array(_B, dtype=np.uint32)


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, as datasketch pre-mixes each input hash."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))  # type: ignore[no-any-return]


def _signatures(texts: Sequence[set[bytes]]) -> np.ndarray:
    """One row of ``NUM_PERM`` minimum hash values per (non-empty) text.

    Each distinct 3-gram is hashed once: a campaign's copies share nearly all of theirs,
    and SHA-1 was half of the signatures' time (issue 15)."""
    digest_of = {gram: hashlib.sha1(gram).digest()[:4] for gram in set().union(*texts)}
    digests = b"".join(map(digest_of.__getitem__, itertools.chain.from_iterable(texts)))
    hashed = _fmix32(np.frombuffer(digests, dtype="<u4").astype(np.uint32))
    a, b = _permutations()
    permuted = hashed[:, None] * a + b  # uint32 arithmetic wraps: modulo 2**32, as intended
    starts = np.cumsum([0] + [len(grams) for grams in texts[:-1]])
    return np.minimum.reduceat(permuted, starts, axis=0)  # type: ignore[no-any-return]


def _bands(signatures: np.ndarray) -> list[list[int]]:
    """Each signature's band hashes: BLAKE2b of each band's bytes (``ROWS`` values), each
    distinct band hashed once."""
    assert ROWS * signatures.itemsize == 8  # a band is one 64-bit word of the row
    bands = np.ascontiguousarray(signatures).view(np.uint64)
    distinct, where = np.unique(bands, return_inverse=True)
    raw = distinct.tobytes()
    hashes = np.array(
        [
            int.from_bytes(
                hashlib.blake2b(raw[i : i + 8], digest_size=8).digest(), "big", signed=True
            )
            for i in range(0, len(raw), 8)
        ],
        dtype=np.int64,
    )
    return hashes[where.reshape(bands.shape)].tolist()  # type: ignore[no-any-return]


def band_hashes_of(texts: Sequence[str]) -> list[list[int]]:
    """For each folded text, one signed 64-bit hash per LSH band (empty for an empty text)."""
    grams = [shingles(words) for words in texts]
    result: list[list[int]] = [[] for _ in texts]
    filled = [i for i, g in enumerate(grams) if g]
    for start in range(0, len(filled), _TEXTS_PER_ARRAY):
        chunk = filled[start : start + _TEXTS_PER_ARRAY]
        bands = _bands(_signatures([grams[i] for i in chunk]))
        for i, text_bands in zip(chunk, bands, strict=True):
            result[i] = text_bands
    return result


def band_hashes(words: str) -> list[int]:
    """One signed 64-bit hash per LSH band of the text's MinHash (empty for empty text)."""
    return band_hashes_of([words])[0]
