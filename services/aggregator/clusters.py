"""Campaign detection: near-identical comments share a cluster.

Why these tools: a MinHash signature (services.aggregator.minhash, the values of
datasketch's) has bands that find candidate near-copies in one indexed look-up (LSH),
whatever the number of comments; an LSH index in memory (or Redis) would be each
instance's own, so the bands are kept in the aggregator's database instead, where every
instance of the consumer group sees them. rapidfuzz then confirms a
candidate on the texts themselves (token-set and token-sort ratios), which drops the
occasional LSH false positive and accepts reordered sentences and added greetings.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.aggregator.minhash import band_hashes, band_hashes_of
from services.aggregator.models import AggregatedComment, ClusterBand
from shared.text import fold

SET_RATIO_MIN = 88.0  # same words, whatever their order or what was added around them
SORT_RATIO_MIN = 75.0  # ... and not a short text contained in a long, different one
_WORD = re.compile(r"\w+")
_NOT_WORD = re.compile(r"\W")


def folded_words(text: str) -> str:
    """The text as searched and compared: folded words separated by single spaces.

    That is the runs of word characters of ``fold(text)``, computed one character at a
    time through a table (``str.translate``: a third of the time, and folding was half of
    counting a comment, issue 15), and one whitespace-separated token at a time through a
    second table: comments repeat the same few thousand syllables, so most tokens are
    folded once per process (20 → 9 µs for a 300-character comment). Folding is per
    character except for the lower case of a capital sigma, which depends on its place in
    the word: such a text takes the whole-string way.
    """
    if "\u03a3" in text:
        return " ".join(_WORD.findall(fold(text)))
    return " ".join(filter(None, map(_FOLDED_TOKENS.__getitem__, text.split())))


class _FoldedCharacters(dict[int, str]):
    """Each character's folded form, its non-word characters turned into spaces; the ones
    below U+3000 (every script a comment is likely to use) are kept once computed."""

    def __missing__(self, code: int) -> str:
        folded = _NOT_WORD.sub(" ", fold(chr(code)))
        if code < 0x3000:
            self[code] = folded
        return folded


_FOLDED = _FoldedCharacters()


class _FoldedTokens(dict[str, str]):
    """Each token's folded words (punctuation inside a token splits it); the first
    ``TOKENS_KEPT`` tokens met are kept, a few MB, the common syllables among them."""

    def __missing__(self, token: str) -> str:
        folded = " ".join(token.translate(_FOLDED).split())
        if len(self) < TOKENS_KEPT:
            self[token] = folded
        return folded


TOKENS_KEPT = 20_000
_FOLDED_TOKENS = _FoldedTokens()


def same_position(a: str, b: str) -> bool:
    """Whether two folded texts say the same thing in near-identical words."""
    return resemblance(a, b) is not None


def resemblance(a: str, b: str) -> float | None:
    """How closely two folded texts that say the same thing match (their token-sort ratio),
    or None when they do not say the same thing."""
    if fuzz.token_set_ratio(a, b) < SET_RATIO_MIN:
        return None
    score = fuzz.token_sort_ratio(a, b)
    return score if score >= SORT_RATIO_MIN else None


@dataclass(eq=False)  # one per comment, hashed by identity: no UUID hashing per band
class _Owner:
    """The comment whose wording first gave a band its hash, and that comment's cluster."""

    comment_id: uuid.UUID
    cluster_id: uuid.UUID


_Band = tuple[int, int]  # band number, band hash (within one document)
_CHUNK = 5000  # values per IN (...): well under the drivers' parameter limits


class BatchClusters:
    """Cluster assignment for one batch of new comments, in three statements, not three each.

    ``load`` reads the stored bands that the batch's comments share and the texts of their
    comments; ``assign`` then decides each comment in memory, in order, seeing the bands of
    the batch's earlier comments as if they were stored; ``save`` stores the new bands.
    The result is the one a comment-by-comment assignment gives, at a fraction of the round
    trips (a 10,000-copy campaign: tests/aggregator/test_campaign_scale.py).

    Two copies of one text can each start a cluster when they differ a little more than the
    threshold (one with a greeting, a closing and a dropped word; one with two words
    swapped). A later copy that is confirmed against both joins them: the clusters merge
    into the one it resembles most, here and, at ``save``, in the rows stored before.
    """

    def __init__(self) -> None:
        # per document: its bands' owners (a tuple of ints hashes in C; a UUID in Python,
        # and that was a third of ``assign``, issue 15)
        self._owners: dict[uuid.UUID, dict[_Band, _Owner]] = {}
        self._texts: dict[uuid.UUID, str] = {}
        self._new: list[dict[str, Any]] = []
        self._hashes: dict[uuid.UUID, list[int]] = {}
        self._merged_into: dict[uuid.UUID, uuid.UUID] = {}
        self._merges: list[tuple[uuid.UUID, uuid.UUID]] = []  # (document, merged cluster)

    def resolve(self, cluster: uuid.UUID) -> uuid.UUID:
        """The cluster that ``cluster`` has become after this batch's merges."""
        while cluster in self._merged_into:
            cluster = self._merged_into[cluster]
        return cluster

    @classmethod
    async def load(
        cls, session: AsyncSession, comments: list[tuple[uuid.UUID, uuid.UUID, str]]
    ) -> BatchClusters:
        """Prepare for ``comments``: (document id, comment id, folded words) each."""
        batch = cls()
        wanted: dict[uuid.UUID, set[int]] = {}
        every = band_hashes_of([words for _document, _comment, words in comments])
        for (document_id, comment_id, _words), hashes in zip(comments, every, strict=True):
            batch._hashes[comment_id] = hashes
            wanted.setdefault(document_id, set()).update(hashes)
        for document_id, shared in wanted.items():
            values = sorted(shared)
            owners = batch._owners.setdefault(document_id, {})
            of_comment: dict[uuid.UUID, _Owner] = {}
            for start in range(0, len(values), _CHUNK):
                rows = await session.execute(
                    select(
                        col(ClusterBand.band),
                        col(ClusterBand.band_hash),
                        col(ClusterBand.comment_id),
                        col(ClusterBand.cluster_id),
                    )
                    .where(col(ClusterBand.document_id) == document_id)
                    .where(col(ClusterBand.band_hash).in_(values[start : start + _CHUNK]))
                )
                for band, value, comment_id, cluster_id in rows:
                    owner = of_comment.get(comment_id)
                    if owner is None:
                        owner = of_comment[comment_id] = _Owner(comment_id, cluster_id)
                    owners[(band, value)] = owner
        texts_of = sorted(
            {o.comment_id for owners in batch._owners.values() for o in owners.values()}
        )
        for start in range(0, len(texts_of), _CHUNK):
            texts = await session.execute(
                select(col(AggregatedComment.comment_id), col(AggregatedComment.folded_text)).where(
                    col(AggregatedComment.comment_id).in_(texts_of[start : start + _CHUNK])
                )
            )
            batch._texts.update((comment_id, text) for comment_id, text in texts)
        return batch

    def assign(self, document_id: uuid.UUID, comment_id: uuid.UUID, words: str) -> uuid.UUID:
        """The cluster of a new comment: that of a confirmed near-copy, else its own id."""
        hashes = self._hashes.pop(comment_id, None)
        if hashes is None:
            hashes = band_hashes(words)
        if not hashes:
            return comment_id
        owners = self._owners.setdefault(document_id, {})
        bands = list(enumerate(hashes))
        # each candidate once, in the order of its first band
        candidates = {o: None for k in bands if (o := owners.get(k)) is not None}
        cluster, best = comment_id, 0.0
        confirmed: set[uuid.UUID] = set()
        for owner in candidates:
            candidate_cluster = owner.cluster_id
            text = self._texts.get(owner.comment_id)
            score = resemblance(words, text) if text is not None else None
            if score is not None:
                confirmed.add(self.resolve(candidate_cluster))
                if score > best:
                    best, cluster = score, self.resolve(candidate_cluster)
        for other in confirmed - {cluster}:
            self._merged_into[other] = cluster
            self._merges.append((document_id, other))
        self._texts[comment_id] = words
        mine = _Owner(comment_id, cluster)
        for key in bands:
            if key not in owners:  # the first wording with this band keeps it
                owners[key] = mine
                self._new.append(
                    {
                        "document_id": document_id,
                        "band": key[0],
                        "band_hash": key[1],
                        "comment_id": comment_id,
                        "cluster_id": cluster,
                    }
                )
        return cluster

    async def save(self, session: AsyncSession, assigned: dict[uuid.UUID, uuid.UUID]) -> None:
        """Give this batch's comments (comment id: what ``assign`` said) their final cluster,
        carry the merges over to the rows stored before, and store the bands first seen
        here, for later near-copies."""
        comments: Table = AggregatedComment.__table__  # type: ignore[attr-defined]
        given = (
            update(comments)
            .where(comments.c.comment_id == bindparam("b_comment"))
            .values(cluster_id=bindparam("b_cluster"))
        )
        rows = [
            {"b_comment": comment, "b_cluster": self.resolve(cluster)}
            for comment, cluster in sorted(assigned.items())
        ]
        for start in range(0, len(rows), _CHUNK):
            await session.execute(given, rows[start : start + _CHUNK])
        for document_id, merged in self._merges:
            into = self.resolve(merged)
            for model in (AggregatedComment, ClusterBand):
                await session.execute(
                    update(model)
                    .where(col(model.document_id) == document_id)
                    .where(col(model.cluster_id) == merged)
                    .values(cluster_id=into)
                    .execution_options(synchronize_session=False)
                )
        self._merges = []
        for row in self._new:
            row["cluster_id"] = self.resolve(row["cluster_id"])
        table: Table = ClusterBand.__table__  # type: ignore[attr-defined]
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        # executemany of one cached statement; another instance may have stored a band first
        statement = insert(table).on_conflict_do_nothing()
        # In key order: two instances inserting the same bands then wait on each other in
        # one order, never in a cycle (a deadlock, seen with two aggregators under load).
        self._new.sort(key=lambda row: (str(row["document_id"]), row["band"], row["band_hash"]))
        for start in range(0, len(self._new), _CHUNK):
            await session.execute(statement, self._new[start : start + _CHUNK])
        self._new = []
