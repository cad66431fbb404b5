"""Diacritic-insensitive search on each database's own index (PostgreSQL: pg_trgm under
``LIKE``; SQLite: FTS5), with FTS5's syntax taken as plain words, the index kept current
through every write, and keyset paging over a 2,000-comment section."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from services.aggregator import clustering, search, service
from services.aggregator.clusters import folded_words
from services.aggregator.models import AggregatedComment, CommentWords
from shared import events as ev
from shared.db import create_engine, is_sqlite, unit_of_work
from tests.aggregator.builders import comment, status_change
from tests.conftest import truncate_all
from tests.factories import document_state, published

Sessions = async_sessionmaker[AsyncSession]

TEXTS = [
    "Cần ưu tiên Hạ tầng giao thông nông thôn miền núi.",
    "Giao thông đô thị ùn tắc, hạ tầng thoát nước kém.",
    "Đề nghị tăng hỗ trợ học phí (OR giảm) cho sinh viên.",
    'Điều 5 "NEAR" khoản 2: thay "hoặc" bằng "và"*.',
    "Quy định tại điểm_a chưa rõ; đề nghị bỏ.",
]
# FTS5 syntax, quoting and LIKE's wildcards: each must read as plain words
AWKWARD = [
    '"',
    '"ha tang',
    "ha*",
    "*",
    "(ha OR tang)",
    "ha OR xyz",
    "NEAR(ha tang)",
    "near",
    "ha AND NOT tang",
    "-ha",
    "^giao",
    "folded_text:ha",
    "{folded_text}: ha",
    "'",
    "\\",
    "100% _x",
    "diem_a",
    "diem",
    "a",
    "or",
    "hoac va",
]


def expected(texts: list[str], q: str) -> set[str]:
    """What search must find: every folded query word begins a folded word of the text."""
    wanted = folded_words(q).split()
    return {
        t
        for t in texts
        if all(any(w.startswith(q_word) for w in folded_words(t).split()) for q_word in wanted)
    }


async def found(sessions: Sessions, state: ev.DocumentState, q: str, **kw: object) -> set[str]:
    async with sessions() as session:
        f = search.CommentFilter(q=q, **kw)  # type: ignore[arg-type]
        rows = [
            r async for page in search.iterate_comments(session, state.document_id, f) for r in page
        ]
    return {r.comment.text for r in rows}


async def index_is_sound(sessions: Sessions) -> None:
    """On SQLite, FTS5's own check of the index against the comments (raises if not)."""
    async with sessions() as session:
        if is_sqlite(str(session.get_bind().url)):
            await session.execute(
                text(
                    f"INSERT INTO {search.FTS_TABLE}({search.FTS_TABLE}, rank) "
                    "VALUES ('integrity-check', 1)"
                )
            )


async def seeded(sessions: Sessions) -> tuple[ev.DocumentState, list[ev.CommentSubmitted]]:
    state = document_state()
    events = [comment(state, i % 3, t) for i, t in enumerate(TEXTS)]
    async with unit_of_work(sessions) as session:
        await service.apply_events(session, [published(state), *events])
    return state, events


class TestMatching:
    async def test_diacritics_case_and_word_starts(self, sessions: Sessions) -> None:
        state, _ = await seeded(sessions)
        for q in ("ha tang giao thong", "HẠ TẦNG giao", "giao th", "thong giao", "hạ"):
            assert await found(sessions, state, q) == expected(TEXTS, q), q
        assert await found(sessions, state, "ha tang giao thong nong") == {TEXTS[0]}
        assert await found(sessions, state, "iao") == set()  # inside a word: not a match
        assert await found(sessions, state, "") == set(TEXTS)

    @pytest.mark.parametrize("q", AWKWARD)
    async def test_syntax_characters_are_plain_words(self, sessions: Sessions, q: str) -> None:
        state, _ = await seeded(sessions)
        assert await found(sessions, state, q) == expected(TEXTS, q)

    async def test_with_the_other_filters(self, sessions: Sessions) -> None:
        state, events = await seeded(sessions)
        async with unit_of_work(sessions) as session:
            await service.apply_events(session, [status_change(ev.CommentMarkedSpam, events[1])])
        assert await found(sessions, state, "ha tang") == {TEXTS[0]}
        assert await found(sessions, state, "ha tang", status="all") == {TEXTS[0], TEXTS[1]}
        leaf, with_leaf = state.sections[2].id, state.sections[1].id  # 1.1 under 1
        assert await found(sessions, state, "de nghi", section_id=leaf) == {TEXTS[2]}
        assert await found(sessions, state, "de nghi", section_id=with_leaf) == {TEXTS[2], TEXTS[4]}


class TestIndexKeptCurrent:
    async def test_updates_deletes_and_rebuild(self, sessions: Sessions) -> None:
        state, events = await seeded(sessions)
        first = events[0].payload.comment_id
        async with unit_of_work(sessions) as session:
            await session.execute(
                update(AggregatedComment)
                .where(col(AggregatedComment.comment_id) == first)
                .values(folded_text=" bien gioi hai dao ")
            )
        assert await found(sessions, state, "hai dao") == {TEXTS[0]}
        assert await found(sessions, state, "nong thon") == set()
        await index_is_sound(sessions)
        async with unit_of_work(sessions) as session:
            await session.execute(delete(AggregatedComment))
            await search.rebuild_fts(session)
        assert await found(sessions, state, "hai dao") == set()
        await index_is_sound(sessions)
        await seeded(sessions)
        await index_is_sound(sessions)

    async def test_emptied_between_tests(self, database_url: str, sessions: Sessions) -> None:
        """truncate_all leaves FTS5's shadow tables to FTS5, and the index empty and sound."""
        await seeded(sessions)
        engine = create_engine(database_url)
        await truncate_all(engine)
        await engine.dispose()
        await index_is_sound(sessions)
        state, _ = await seeded(sessions)
        assert await found(sessions, state, "ha tang") == expected(TEXTS, "ha tang")
        await index_is_sound(sessions)


async def large_section(sessions: Sessions) -> tuple[ev.DocumentState, list[AggregatedComment]]:
    """2,000 comments on one section in arrival order, every third pair sharing a time."""
    state = document_state()
    section = state.sections[0].id
    async with unit_of_work(sessions) as session:
        await service.apply_events(session, [published(state)])
    start = ev.utcnow() - timedelta(days=3)
    rows = []
    for i in range(2000):
        body = f"{TEXTS[i % 4]} Ý kiến số {i}"
        rows.append(
            AggregatedComment(
                comment_id=uuid.uuid4(),
                document_id=state.document_id,
                section_id=section,
                channel="web",
                text=body,
                # every third pair shares a time: the comment id breaks the tie
                submitted_at=start + timedelta(seconds=i - i % 3),
                folded_text=f" {folded_words(body)} ",
            )
        )
    async with unit_of_work(sessions) as session:
        session.add_all(rows)
    return state, rows


async def paged(
    sessions: Sessions, state: ev.DocumentState, f: search.CommentFilter, walk: int
) -> list[uuid.UUID]:
    """Every comment ``f`` finds, page after page of 40, in the order they come."""
    seen: list[uuid.UUID] = []
    cursor: str | None = None
    async with sessions() as session:
        while True:
            page, cursor = await search.list_comments(
                session, state.document_id, f, cursor, 40, walk
            )
            seen += [r.comment.comment_id for r in page]
            if cursor is None:
                return seen


class TestLargeSection:
    @pytest.mark.parametrize("walk", [search.WALK, 0, 7, 120], ids=lambda w: f"walk{w}")
    async def test_search_and_paging_over_2000_comments(
        self, sessions: Sessions, walk: int
    ) -> None:
        """Every match once, in order, whether the page comes from the rows walked in order,
        the text index, or both (a walk shorter than, or a multiple of, the page)."""
        state, rows = await large_section(sessions)
        section = state.sections[0].id
        f = search.CommentFilter(section_id=section, q="ha tang GIAO so 1")
        wanted = [r for r in rows if expected([r.text], f.q)]
        wanted.sort(key=lambda r: (r.submitted_at, r.comment_id))
        seen = await paged(sessions, state, f, walk)
        assert len(wanted) == 555  # "1", "1x", "1xx", "1xxx" of the two texts with "ha tang giao"
        assert seen == [r.comment_id for r in wanted]
        assert await found(sessions, state, "so 1999") == {rows[1999].text}
        await index_is_sound(sessions)

    @pytest.mark.parametrize("walk", [search.WALK, 0], ids=lambda w: f"walk{w}")
    async def test_clustered_and_queued_comments_are_both_found(
        self, database_url: str, sessions: Sessions, walk: int
    ) -> None:
        """On PostgreSQL a clustered comment is found through the search index the clusterer
        fills, one still queued through the queue; half and half here, every match once."""
        state, rows = await large_section(sessions)
        async with unit_of_work(sessions) as session:
            assert await clustering.cluster_pending(session, 1000, wait=True) == 1000
        async with sessions() as session:
            queued = await clustering.pending(session)
            indexed = await session.scalar(select(func.count()).select_from(CommentWords))
        assert queued == 1000
        assert indexed == (0 if is_sqlite(database_url) else 1000)  # SQLite: FTS5 instead
        f = search.CommentFilter(section_id=state.sections[0].id, q="ha tang GIAO so 1")
        wanted = sorted(
            (r for r in rows if expected([r.text], f.q)),
            key=lambda r: (r.submitted_at, r.comment_id),
        )
        seen = await paged(sessions, state, f, walk)
        assert seen == [r.comment_id for r in wanted]
        assert await found(sessions, state, "so 1999") == {rows[1999].text}
        assert await found(sessions, state, "so 7") == expected([r.text for r in rows], "so 7")
