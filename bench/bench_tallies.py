"""Benchmark of the reviewers' reads at national scale (not a test).

Loads N comments (default 1,000,000) on one document of 64 sections straight into a fresh
PostgreSQL database (the projection's tables and its counters, as the consumer leaves them;
going through the consumer would time the clustering, not the reads), then times:

- the tallies (what ``GET /api/documents/{id}/tallies`` runs), against the GROUP BY over
  every comment that the counters replaced, measured in the same run;
- a section page: the first page, a page deep in the section (keyset), and a search;
- the synthesis report for the first 100,000 comments (``--report N`` to change).

Usage: python bench/bench_tallies.py [N] [--report N] [--url postgresql+asyncpg://...]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, text  # noqa: E402
from sqlmodel import col  # noqa: E402

from services.aggregator import report, search, service  # noqa: E402
from services.aggregator.models import AggregatedComment  # noqa: E402
from shared import migrate  # noqa: E402
from shared.db import create_engine, session_factory  # noqa: E402

SECTIONS = 64
TEXTS = [
    "Đề nghị ưu tiên đầu tư hạ tầng giao thông nông thôn",
    "Cần bổ sung số liệu về lao động việc làm",
    "Đề nghị làm rõ nguồn vốn xây dựng nông thôn mới",
    "Báo cáo chưa đánh giá ô nhiễm môi trường làng nghề",
]


async def _load(url: str, n: int) -> tuple[uuid.UUID, list[uuid.UUID]]:
    engine = create_engine(url)
    document_id = uuid.uuid4()
    parts = [uuid.uuid4() for _ in range(8)]
    leaves = [uuid.uuid4() for _ in range(SECTIONS - 8)]
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO aggregator_documents (id, slug, title, status, event_at, closes_at) "
                "VALUES (:id, 'bench', 'Dự thảo đo hiệu năng', 'open', now(), "
                "now() + interval '30 days')"
            ),
            {"id": document_id},
        )
        position = 0
        for p, part in enumerate(parts):
            rows = [(part, None, 1, f"{p + 1}", [f"{p + 1}"])]
            rows += [
                (leaf, part, 2, f"{p + 1}.{k + 1}", [f"{p + 1}", f"{p + 1}.{k + 1}"])
                for k, leaf in enumerate(leaves[p * 7 : p * 7 + 7])
            ]
            for sid, parent, level, number, path in rows:
                await conn.execute(
                    text(
                        "INSERT INTO aggregator_sections (id, document_id, parent_id, position, "
                        "level, number, title, path) VALUES (:id, :d, :parent, :pos, :level, "
                        ":number, :title, CAST(:path AS json))"
                    ),
                    {
                        "id": sid,
                        "d": document_id,
                        "parent": parent,
                        "pos": position,
                        "level": level,
                        "number": number,
                        "title": f"Mục {number}",
                        "path": str(path).replace("'", '"'),
                    },
                )
                position += 1
        leaf_array = "ARRAY[" + ",".join(f"'{leaf}'::uuid" for leaf in leaves) + "]"
        text_array = "ARRAY[" + ",".join(f"'{t}'" for t in TEXTS) + "]"
        folded = (
            "ARRAY["
            + ",".join(f"' {' '.join(search.folded_words(t).split())} '" for t in TEXTS)
            + "]"
        )
        await conn.execute(
            text(
                f"""
            INSERT INTO aggregator_comments (comment_id, document_id, section_id, channel, text,
                status, state_version, submitted_at, folded_text, cluster_id)
            SELECT id, :d, ({leaf_array})[1 + (i % {len(leaves)})],
                (ARRAY['web','web','email','post'])[1 + (i % 4)],
                ({text_array})[1 + (i / 7) % 4] || ' ' || i,
                CASE WHEN i % 50 = 0 THEN 'spam' ELSE 'active' END, 1,
                now() - (i % 30) * interval '1 day' - (i % 86400) * interval '1 second',
                ({folded})[1 + (i / 7) % 4] || i || ' ', id
            FROM (SELECT gen_random_uuid() AS id, i FROM generate_series(1, :n) AS i) AS s
            """
            ),
            {"d": document_id, "n": n},
        )
        await conn.execute(  # clustered (cluster_id set): in the clusterer's search index
            text(
                "INSERT INTO aggregator_comment_words (comment_id, folded_text) "
                "SELECT comment_id, folded_text FROM aggregator_comments"
            )
        )
        await conn.execute(
            text(
                "INSERT INTO aggregator_section_counts "
                "(document_id, section_key, channel, comments) "
                "SELECT document_id, section_id, channel, count(*) FROM aggregator_comments "
                "WHERE status = 'active' GROUP BY document_id, section_id, channel"
            )
        )
        await conn.execute(
            text(
                "INSERT INTO aggregator_daily_counts (document_id, day, channel, comments) "
                "SELECT document_id, (submitted_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, "
                "channel, "
                "count(*) FROM aggregator_comments WHERE status = 'active' "
                "GROUP BY 1, 2, 3"
            )
        )
    async with engine.connect() as conn:
        await conn.execute(text("COMMIT"))
        await conn.execute(text("ANALYZE"))
    await engine.dispose()
    return document_id, parts


async def _times(call: Callable[[], Awaitable[object]], repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.99))]


async def _measure(
    url: str, document_id: uuid.UUID, part: uuid.UUID, report_n: int
) -> dict[str, float]:
    """Each read's p50 and p99 in ms (``tallies_p99_ms`` is issue 15's figure); printed too."""
    figures: dict[str, float] = {}
    engine = create_engine(url)
    sessions = session_factory(engine)
    async with sessions() as session:
        count = await session.scalar(select(func.count()).select_from(AggregatedComment))
        print(f"comments loaded: {count:,}")

        async def tallies() -> object:
            return await service.tallies(session, document_id)

        async def group_by() -> object:
            return (
                await session.execute(
                    select(
                        col(AggregatedComment.section_id),
                        col(AggregatedComment.channel),
                        func.count(),
                    )
                    .where(
                        col(AggregatedComment.document_id) == document_id,
                        col(AggregatedComment.status) == "active",
                    )
                    .group_by(col(AggregatedComment.section_id), col(AggregatedComment.channel))
                )
            ).all()

        section = search.CommentFilter(section_id=part)
        _rows, deep_cursor = await search.list_comments(session, document_id, section, None, 30)
        for _ in range(200):  # walk 6,000 comments into the section
            _rows, deep_cursor = await search.list_comments(
                session, document_id, section, deep_cursor, 30
            )

        async def first_page() -> object:
            return await search.list_comments(session, document_id, section, None, 30)

        async def deep_page() -> object:
            return await search.list_comments(session, document_id, section, deep_cursor, 30)

        found = search.CommentFilter(section_id=part, q="ha tang giao thong")
        rare = search.CommentFilter(section_id=part, q="ha tang 8008")  # a few comments
        found_deep = await search.list_comments(session, document_id, found, None, 30)
        for _ in range(20):  # 600 matches into the section
            found_deep = await search.list_comments(session, document_id, found, found_deep[1], 30)

        async def searched() -> object:
            return await search.list_comments(session, document_id, found, None, 30)

        async def searched_deep() -> object:
            return await search.list_comments(session, document_id, found, found_deep[1], 30)

        async def searched_rare() -> object:
            return await search.list_comments(session, document_id, rare, None, 30)

        async def index_only() -> object:  # the query before the walk in arrival order
            return await search.list_comments(session, document_id, found, None, 30, walk=0)

        async def index_only_rare() -> object:
            return await search.list_comments(session, document_id, rare, None, 30, walk=0)

        for key, name, call, repeat in (
            ("tallies", "tallies (counters)", tallies, 200),
            ("tallies_group_by", "tallies as before (GROUP BY every comment)", group_by, 10),
            ("section_page", "section page, first 30", first_page, 100),
            ("section_page_deep", "section page, 30 after 6,000 (keyset)", deep_page, 100),
            ("section_search", "section page, search 'ha tang giao thong'", searched, 20),
            ("section_search_deep", "  the same, 30 after 600 matches", searched_deep, 20),
            ("section_search_index", "  the same, text index only (before)", index_only, 5),
            ("section_search_rare", "section page, search 'ha tang 8008'", searched_rare, 20),
            ("section_search_rare_index", "  the same, text index only", index_only_rare, 20),
        ):
            p50, p99 = await _times(call, repeat)
            figures[f"{key}_p50_ms"], figures[f"{key}_p99_ms"] = round(p50, 2), round(p99, 2)
            print(f"{name:46s} p50 {p50:8.2f} ms   p99 {p99:8.2f} ms   ({repeat} calls)")
    if report_n:
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "DELETE FROM aggregator_comments WHERE comment_id IN (SELECT comment_id FROM "
                    "aggregator_comments ORDER BY submitted_at OFFSET :n)"
                ),
                {"n": report_n},
            )
        async with sessions() as session:
            start = time.perf_counter()
            body = await report.render(session, document_id)
            seconds = time.perf_counter() - start
        print(f"report.docx for {report_n:,} comments: {seconds:.1f} s, {len(body) / 1e6:.1f} MB")
        figures["report_s"] = round(seconds, 1)
    await engine.dispose()
    return figures


async def _create(admin_url: str, name: str) -> None:
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    await engine.dispose()


def measure(
    n: int = 1_000_000, report_n: int = 0, server: str = "postgresql+asyncpg://127.0.0.1:5432"
) -> dict[str, float]:
    """Load ``n`` comments into a throwaway database, time the reads, drop the database."""
    name = f"gopy_bench_tallies_{uuid.uuid4().hex[:6]}"
    asyncio.run(_create(f"{server}/test", name))
    url = f"{server}/{name}"
    try:
        migrate.upgrade("aggregator", url)
        start = time.perf_counter()
        document_id, parts = asyncio.run(_load(url, n))
        print(f"loaded in {time.perf_counter() - start:.0f} s")
        figures = asyncio.run(_measure(url, document_id, parts[0], report_n))
        return {"tallies_comments": n, **figures}
    finally:

        async def drop() -> None:
            engine = create_engine(f"{server}/test", isolation_level="AUTOCOMMIT")
            async with engine.connect() as conn:
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            await engine.dispose()

        asyncio.run(drop())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=1_000_000)
    parser.add_argument("--report", type=int, default=100_000)
    parser.add_argument("--server", default="postgresql+asyncpg://127.0.0.1:5432")
    args = parser.parse_args()
    measure(args.n, args.report, args.server)


if __name__ == "__main__":
    main()
