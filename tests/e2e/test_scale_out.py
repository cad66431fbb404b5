"""Scaled out: two feedback and two aggregator processes on one broker and one database.

docs/scaling.md runs many of each; this shows the totals stay exact when comments arrive
at two intake instances at once and two aggregators share the consumer group.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from tests.helpers import eventually
from tests.stack import ServiceProcess, Stack

PER_SECTION = 15


async def test_two_of_each_count_every_comment_exactly_once(stack: Stack, tmp_path: Path) -> None:
    extra = [ServiceProcess(name, stack.env, tmp_path) for name in ("feedback", "aggregator")]
    try:
        for process in extra:
            process.launch()
        for process in extra:
            process.wait_healthy()
        document = await stack.publish_draft()
        tree = document["sections"]
        leaves = [  # sections with no sub-section: each tally is its own comments alone
            s["id"]
            for i, s in enumerate(tree)
            if i + 1 == len(tree) or tree[i + 1]["level"] <= s["level"]
        ]
        sections = leaves[:3]
        intakes = [stack.url("feedback"), extra[0].url]

        async def post(n: int) -> Any:
            body = {
                "document_id": document["id"],
                "section_id": sections[n % len(sections)],
                "text": f"Ý kiến số {n} gửi qua phiên bản {n % 2 + 1}.",
            }
            answer = await stack.client.post(f"{intakes[n % 2]}/api/comments", json=body)
            assert answer.status_code == 201, answer.text
            return answer.json()["receipt"]

        receipts = await asyncio.gather(*(post(n) for n in range(PER_SECTION * len(sections))))
        assert len(set(receipts)) == len(receipts)

        async def counts() -> dict[str, int]:
            rows = await stack.tally_rows(document["id"])
            return {str(r["section_id"]): r["total"] for r in rows if r["section_id"] in sections}

        expected = {s: PER_SECTION for s in sections}
        assert await eventually(counts, lambda c: c == expected, timeout=120) == expected
        await stack.wait_consumed(timeout=60)
        assert await counts() == expected  # nothing counted twice once everything is applied
    finally:
        for process in extra:
            process.stop()
