"""The reviewers' comment list: filters, diacritic-insensitive search and keyset paging.

Search runs on ``folded_text`` (the words lower-cased without diacritics, space-separated
and space-padded), so "ha tang giao thong" finds "hạ tầng giao thông"; each query word must
begin a word of the comment. Each database answers it from its own text index: PostgreSQL
with ``LIKE '% word%'`` served by a trigram index (pg_trgm) on ``aggregator_comment_words``,
which the clusterer fills (``models.CommentWords``), plus the comments still in its queue;
SQLite with ``MATCH`` on the
FTS5 table ``aggregator_comments_fts`` (unicode61, ``remove_diacritics 2``), each query word
a quoted prefix token, so FTS5's syntax (``"``, ``*``, ``OR``, ``NEAR``...) is never
interpreted. Paging is by (received time, comment id), so a page deep in 100,000 comments
costs what the first page costs. On PostgreSQL a search first walks the next ``WALK`` rows
in that order and filters them, which fills a page for a common word in a few milliseconds;
only when they hold less than a page does it ask the text index for the rest, which is cheap
exactly when matches are rare (the index alone would gather and sort every match of a
common word). SQLite's FTS5 query is as quick either way, and the walk only adds to it.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import (
    Select,
    Text,
    Uuid,
    and_,
    cast,
    column,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    text,
    tuple_,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col

from services.aggregator.clusters import folded_words
from services.aggregator.models import (
    AggregatedComment,
    AggregatedSection,
    CommentReview,
    CommentWords,
)
from shared.db import UTCDateTime
from shared.text import LOCAL_TZ
from shared.web import DomainError

STATUSES = ("active", "spam", "duplicate", "withdrawn")
DISPOSITIONS = ("taken_in", "explained", "set_aside")


@dataclass(frozen=True)
class CommentFilter:
    """What a reviewer asked for; every field optional."""

    section_id: uuid.UUID | None = None
    q: str = ""
    channel: str | None = None
    status: str = "active"  # one of STATUSES, or "all"
    disposition: str | None = None  # one of DISPOSITIONS, or "none" for not yet reviewed
    theme: str | None = None
    since: date | None = None  # local days, inclusive
    until: date | None = None
    cluster_id: uuid.UUID | None = None


@dataclass(frozen=True)
class CommentRow:
    comment: AggregatedComment
    review: CommentReview | None

    @property
    def disposition(self) -> str | None:
        return self.review.disposition if self.review else None


def encode_cursor(comment: AggregatedComment) -> str:
    raw = json.dumps([comment.submitted_at.isoformat(), str(comment.comment_id)])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        at, comment_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        return datetime.fromisoformat(at), uuid.UUID(comment_id)
    except (ValueError, TypeError) as exc:
        raise DomainError("Con trỏ trang không hợp lệ.", status_code=422) from exc


async def section_and_descendants(
    session: AsyncSession, document_id: uuid.UUID, section_id: uuid.UUID
) -> list[uuid.UUID]:
    """A section with every section under it (the tree is small: read it whole)."""
    rows = (
        await session.execute(
            select(col(AggregatedSection.id), col(AggregatedSection.parent_id)).where(
                col(AggregatedSection.document_id) == document_id
            )
        )
    ).all()
    children: dict[uuid.UUID | None, list[uuid.UUID]] = {}
    for sid, parent in rows:
        children.setdefault(parent, []).append(sid)
    if section_id not in {sid for sid, _ in rows}:
        raise DomainError("Không tìm thấy mục này trong dự thảo.", status_code=404)
    found, stack = [], [section_id]
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(children.get(node, []))
    return found


FTS_TABLE = "aggregator_comments_fts"  # SQLite only (migration 859d0872c612)


def _like_word(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"% {escaped}%"


def _indexed_matches(words: Sequence[str]) -> Select[tuple[uuid.UUID]]:
    """PostgreSQL: ids of the comments whose text has every word, from the trigram index
    of clustered comments and from the clusterer's queue (few rows, its partial index)."""
    indexed, queued = CommentWords, AggregatedComment
    in_index = select(col(indexed.comment_id)).where(
        *(col(indexed.folded_text).like(_like_word(w), escape="\\") for w in words)
    )
    in_queue = select(col(queued.comment_id)).where(
        col(queued.cluster_id).is_(None),
        *(col(queued.folded_text).like(_like_word(w), escape="\\") for w in words),
    )
    return in_index.union_all(in_queue)  # type: ignore[return-value]


async def index_words(session: AsyncSession, comments: Sequence[tuple[uuid.UUID, str]]) -> None:
    """PostgreSQL: put just-clustered comments (id, folded text) into the search index."""
    if comments:
        rows = [{"comment_id": c, "folded_text": folded} for c, folded in comments]
        table = CommentWords.__table__  # type: ignore[attr-defined]
        await session.execute(postgresql.insert(table).on_conflict_do_nothing(), rows)


def fts_query(words: Sequence[str]) -> str:
    """An FTS5 query where every word is a quoted prefix token, all required."""
    return " ".join('"' + word.replace('"', '""') + '"*' for word in words)


async def rebuild_fts(session: AsyncSession) -> None:
    """Re-read the whole FTS5 index from the comments (SQLite; nothing on PostgreSQL)."""
    if session.get_bind().dialect.name == "sqlite":
        await session.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"))


Page = Select[AggregatedComment, CommentReview]
# Rows a search walks in arrival order before it asks the text index (see _walked): at
# fewer than a page of matches per WALK rows the index is the cheaper way.
WALK = 1000


async def _filtered(session: AsyncSession, document_id: uuid.UUID, f: CommentFilter) -> Page:
    comments = AggregatedComment
    query: Page = (
        select(comments, CommentReview)
        .outerjoin(CommentReview, col(CommentReview.comment_id) == col(comments.comment_id))
        .where(col(comments.document_id) == document_id)
    )
    if f.section_id is not None:
        sections = await section_and_descendants(session, document_id, f.section_id)
        query = query.where(col(comments.section_id).in_(sections))
    words = folded_words(f.q).split()
    if words and session.get_bind().dialect.name == "sqlite":
        # external content: the index's rowid is the comment row's rowid
        index = table(FTS_TABLE, column("rowid"))
        matches = select(index.c.rowid).where(
            literal_column(FTS_TABLE).op("MATCH")(literal(fts_query(words), Text()))
        )
        query = query.where(literal_column("aggregator_comments.rowid").in_(matches))
    elif words:
        query = query.where(col(comments.comment_id).in_(_indexed_matches(words)))
    if f.channel:
        query = query.where(col(comments.channel) == f.channel)
    if f.status != "all":
        query = query.where(col(comments.status) == f.status)
    if f.disposition == "none":
        query = query.where(col(CommentReview.disposition).is_(None))
    elif f.disposition:
        query = query.where(col(CommentReview.disposition) == f.disposition)
    if f.theme:
        # themes are few words per review: matched on their JSON text, exact with quotes
        # the JSON column holds json.dumps output (ASCII escapes): match that exact string
        quoted = json.dumps(f.theme.strip())
        pattern = quoted.replace("!", "!!").replace("%", "!%").replace("_", "!_")
        query = query.where(cast(col(CommentReview.themes), Text).like(f"%{pattern}%", escape="!"))
    if f.since:
        start = datetime.combine(f.since, time.min, LOCAL_TZ)
        query = query.where(col(comments.submitted_at) >= start)
    if f.until:
        end = datetime.combine(f.until + timedelta(days=1), time.min, LOCAL_TZ)
        query = query.where(col(comments.submitted_at) < end)
    if f.cluster_id:
        query = query.where(col(comments.cluster_id) == f.cluster_id)
    return query


def _after(query: Page, position: tuple[datetime, uuid.UUID] | None) -> Page:
    if position is None:
        return query
    # a row comparison: PostgreSQL starts the index scan at the cursor
    return query.where(
        tuple_(col(AggregatedComment.submitted_at), col(AggregatedComment.comment_id))
        > tuple_(literal(position[0], UTCDateTime()), literal(position[1], Uuid()))
    )


def _in_order(query: Page, limit: int) -> Page:
    order = (col(AggregatedComment.submitted_at), col(AggregatedComment.comment_id))
    return query.order_by(*order).limit(limit)


async def _walked(
    session: AsyncSession,
    plain: Page,
    words: list[str],
    position: tuple[datetime, uuid.UUID] | None,
    limit: int,
    walk: int,
) -> tuple[list[CommentRow], tuple[datetime, uuid.UUID] | None]:
    """The matches among the next ``walk`` rows in arrival order, and the last row walked
    (None when the rows ran out first, or the page is full). A common word fills a page
    here from the rows it meets first, where the text index would gather and sort every
    match of the section."""
    order = (col(AggregatedComment.submitted_at), col(AggregatedComment.comment_id))
    walked = func.row_number().over(order_by=order).label("walked")
    window = _in_order(_after(plain, position), walk).add_columns(walked).subquery()
    comment, review = aliased(AggregatedComment, window), aliased(CommentReview, window)
    matched = and_(*(col(comment.folded_text).like(_like_word(w), escape="\\") for w in words))
    # the window's last row comes back too, matched or not: the text index goes on from it
    query = (
        select(comment, review, matched.label("matched"), window.c.walked)
        .where(or_(matched, window.c.walked == walk))
        .order_by(col(comment.submitted_at), col(comment.comment_id))
        .limit(limit)
    )
    found = (await session.execute(query)).all()
    rows = [CommentRow(row[0], row[1]) for row in found if row[2]]
    last = found[-1] if found and found[-1][3] == walk else None
    if len(rows) == limit or last is None:
        return rows, None
    return rows, (last[0].submitted_at, last[0].comment_id)


async def list_comments(
    session: AsyncSession,
    document_id: uuid.UUID,
    f: CommentFilter,
    cursor: str | None = None,
    limit: int = 50,
    walk: int | None = None,
) -> tuple[list[CommentRow], str | None]:
    """One page in arrival order and the cursor of the next page (None on the last).

    A search first walks ``walk`` rows in order (0: straight to the text index; by default
    WALK on PostgreSQL, 0 on SQLite), then asks the text index for the rest of the page
    beyond them."""
    if walk is None:  # SQLite's FTS5 plan is as quick for common words as for rare ones
        walk = WALK if session.get_bind().dialect.name == "postgresql" else 0
    position = decode_cursor(cursor) if cursor else None
    words = folded_words(f.q).split()
    rows: list[CommentRow] = []
    if words and walk:
        plain = await _filtered(session, document_id, replace(f, q=""))
        rows, position = await _walked(session, plain, words, position, limit + 1, walk)
        if position is None:  # a full page, or nothing beyond the rows walked
            more = len(rows) > limit
            rows = rows[:limit]
            return rows, (encode_cursor(rows[-1].comment) if more and rows else None)
    query = _in_order(
        _after(await _filtered(session, document_id, f), position), limit + 1 - len(rows)
    )
    rows += [CommentRow(row[0], row[1]) for row in (await session.execute(query)).all()]
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (encode_cursor(rows[-1].comment) if more and rows else None)


async def iterate_comments(
    session: AsyncSession, document_id: uuid.UUID, f: CommentFilter, page: int = 1000
) -> AsyncIterator[Sequence[CommentRow]]:
    """Every matching comment, page by page, for exports and the report."""
    cursor: str | None = None
    while True:
        rows, cursor = await list_comments(session, document_id, f, cursor, page)
        if rows:
            yield rows
        if cursor is None:
            return
