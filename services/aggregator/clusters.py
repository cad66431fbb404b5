"""Campaign detection: near-identical comments share a cluster.

Why these libraries: datasketch's MinHash gives a signature whose bands find candidate
near-copies in one indexed look-up (LSH), whatever the number of comments; its own LSH
index lives in memory (or Redis), so the bands are kept in the aggregator's database
instead, where every instance of the consumer group sees them. rapidfuzz then confirms a
candidate on the texts themselves (token-set and token-sort ratios), which drops the
occasional LSH false positive and accepts reordered sentences and added greetings.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import Table, and_, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.aggregator.models import AggregatedComment, ClusterBand
from shared.text import fold

NUM_PERM = 64
# LSH threshold near (1/32) ** (1/2) = 0.18 Jaccard on word 3-grams: a wide net; rapidfuzz
# then confirms. Measured on tests/aggregator/campaigns.py: 16x4 bands missed 30% of pairs.
BANDS, ROWS = 32, 2
SET_RATIO_MIN = 88.0  # same words, whatever their order or what was added around them
SORT_RATIO_MIN = 75.0  # ... and not a short text contained in a long, different one
_WORD = re.compile(r"\w+")


def folded_words(text: str) -> str:
    """The text as searched and compared: folded words separated by single spaces."""
    return " ".join(_WORD.findall(fold(text)))


def shingles(words: str) -> set[bytes]:
    tokens = words.split()
    if len(tokens) < 3:
        return {" ".join(tokens).encode()} if tokens else set()
    return {" ".join(tokens[i : i + 3]).encode() for i in range(len(tokens) - 2)}


@lru_cache(maxsize=1)
def _minhash() -> tuple[Any, Any]:
    """datasketch's MinHash class and its permutations, imported on first use: the package
    pulls in SciPy, which would slow every start of the service."""
    from datasketch import MinHash

    return MinHash, MinHash(num_perm=NUM_PERM, seed=7, scheme="affine32").permutations


def band_hashes(words: str) -> list[int]:
    """One signed 64-bit hash per LSH band of the text's MinHash (empty for empty text)."""
    grams = shingles(words)
    if not grams:
        return []
    minhash, permutations = _minhash()
    signature = minhash(num_perm=NUM_PERM, permutations=permutations, scheme="affine32")
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


def same_position(a: str, b: str) -> bool:
    """Whether two folded texts say the same thing in near-identical words."""
    return (
        fuzz.token_set_ratio(a, b) >= SET_RATIO_MIN
        and fuzz.token_sort_ratio(a, b) >= SORT_RATIO_MIN
    )


async def assign_clusters(
    session: AsyncSession, document_id: uuid.UUID, comments: list[tuple[uuid.UUID, str]]
) -> dict[uuid.UUID, uuid.UUID]:
    """The cluster of each new comment of one document, ``(id, words)`` in order: that of a
    confirmed near-copy, else its own id. One look-up of bands and texts and one insert for
    the whole batch, not three statements per comment (issue 15's aggregator figure); the
    bands an earlier comment of the batch keeps are seen by the later ones.
    """
    hashes = {comment_id: band_hashes(words) for comment_id, words in comments}
    wanted = sorted({(b, h) for hs in hashes.values() for b, h in enumerate(hs)})
    # (band, hash) -> (comment, cluster): the first comment kept per band, as the table does
    index: dict[tuple[int, int], tuple[uuid.UUID, uuid.UUID]] = {}
    for start in range(0, len(wanted), 2000):  # bounded statements (parameter limits)
        by_band: dict[int, list[int]] = {}
        for band, band_hash in wanted[start : start + 2000]:
            by_band.setdefault(band, []).append(band_hash)
        # band = b AND band_hash IN (...) per band: each an index range of the primary key
        rows = await session.execute(
            select(
                col(ClusterBand.band),
                col(ClusterBand.band_hash),
                col(ClusterBand.comment_id),
                col(ClusterBand.cluster_id),
            )
            .where(col(ClusterBand.document_id) == document_id)
            .where(
                or_(
                    *(
                        and_(col(ClusterBand.band) == b, col(ClusterBand.band_hash).in_(hs))
                        for b, hs in by_band.items()
                    )
                )
            )
        )
        for band, band_hash, comment_id, cluster_id in rows:
            index[(band, band_hash)] = (comment_id, cluster_id)
    stored = list({comment_id for comment_id, _cluster in index.values()})
    texts: dict[uuid.UUID, str] = {}
    for start in range(0, len(stored), 1000):
        texts.update(
            (
                await session.execute(
                    select(
                        col(AggregatedComment.comment_id), col(AggregatedComment.folded_text)
                    ).where(col(AggregatedComment.comment_id).in_(stored[start : start + 1000]))
                )
            ).all()
        )
    clusters: dict[uuid.UUID, uuid.UUID] = {}
    new_bands: list[dict[str, Any]] = []
    for comment_id, words in comments:
        if not hashes[comment_id]:
            clusters[comment_id] = comment_id
            continue
        keys = list(enumerate(hashes[comment_id]))
        candidates = {index[k][0]: index[k][1] for k in keys if k in index}
        cluster, best = comment_id, 0.0
        for candidate, candidate_cluster in candidates.items():
            text = texts.get(candidate)
            if text is not None and same_position(words, text):
                score = fuzz.token_sort_ratio(words, text)
                if score > best:
                    best, cluster = score, candidate_cluster
        clusters[comment_id] = cluster
        texts[comment_id] = f" {words} "
        for band, band_hash in keys:
            if (band, band_hash) not in index:
                index[(band, band_hash)] = (comment_id, cluster)
                new_bands.append(
                    {
                        "document_id": document_id,
                        "band": band,
                        "band_hash": band_hash,
                        "comment_id": comment_id,
                        "cluster_id": cluster,
                    }
                )
    if new_bands:
        table: Table = ClusterBand.__table__  # type: ignore[attr-defined]
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        # Another instance may have kept the same band meanwhile: the first one stays.
        await session.execute(insert(table).on_conflict_do_nothing(), new_bands)
    return clusters
