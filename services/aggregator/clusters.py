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


async def assign_cluster(
    session: AsyncSession, document_id: uuid.UUID, comment_id: uuid.UUID, words: str
) -> uuid.UUID:
    """The cluster of a new comment: that of a confirmed near-copy, else its own id."""
    hashes = band_hashes(words)
    if not hashes:
        return comment_id
    bands = col(ClusterBand.band)
    values = col(ClusterBand.band_hash)
    rows = (
        await session.execute(
            select(col(ClusterBand.comment_id), col(ClusterBand.cluster_id))
            .where(col(ClusterBand.document_id) == document_id)
            .where(or_(*(and_(bands == b, values == h) for b, h in enumerate(hashes))))
        )
    ).all()
    cluster = comment_id
    candidates = {row[0]: row[1] for row in rows}
    if candidates:
        texts = await session.execute(
            select(col(AggregatedComment.comment_id), col(AggregatedComment.folded_text)).where(
                col(AggregatedComment.comment_id).in_(list(candidates))
            )
        )
        best = 0.0
        for candidate, text in texts:
            if same_position(words, text):
                score = fuzz.token_sort_ratio(words, text)
                if score > best:
                    best, cluster = score, candidates[candidate]
    await _remember(session, document_id, comment_id, cluster, hashes)
    return cluster


async def _remember(
    session: AsyncSession,
    document_id: uuid.UUID,
    comment_id: uuid.UUID,
    cluster: uuid.UUID,
    hashes: list[int],
) -> None:
    """Keep the bands not seen before, so later near-copies of this wording find the cluster."""
    table: Table = ClusterBand.__table__  # type: ignore[attr-defined]
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    rows = [
        {
            "document_id": document_id,
            "band": b,
            "band_hash": h,
            "comment_id": comment_id,
            "cluster_id": cluster,
        }
        for b, h in enumerate(hashes)
    ]
    await session.execute(insert(table).values(rows).on_conflict_do_nothing())
