"""Two aggregator processes in one consumer group keep the counters exact across a rebalance:
one is killed mid-stream, the other takes over its partitions and the redelivered events."""

from __future__ import annotations

import csv
import io
import random
import uuid
from datetime import timedelta
from pathlib import Path

import httpx

from shared import events as ev
from shared.auth import issue_token
from shared.broker import EmbeddedBroker
from shared.kafka import ensure_topics
from tests.aggregator.builders import comment, status_change
from tests.aggregator.publishing import send_events
from tests.factories import document_state, published
from tests.helpers import eventually
from tests.stack import KEYS, URL, ServiceProcess, stack_env


def subtree(state: ev.DocumentState, top: uuid.UUID) -> set[uuid.UUID]:
    """The section and every section below it."""
    found = {top}
    for s in state.sections:  # in document order: a parent comes before its children
        if s.parent_id in found:
            found.add(s.id)
    return found


async def test_two_instances_and_a_rebalance_keep_totals_exact(
    clean_databases: dict[str, str], broker: EmbeddedBroker, topic_prefix: str, tmp_path: Path
) -> None:
    await ensure_topics(broker.bootstrap, [ev.topics.DOCUMENTS, ev.topics.COMMENTS], topic_prefix)
    env = stack_env(clean_databases, broker.bootstrap, topic_prefix, URL)
    first = ServiceProcess("aggregator", env, tmp_path).start()
    second = ServiceProcess("aggregator", env, tmp_path).start()
    rng = random.Random(4)
    state = document_state(sections=5)
    comments = [
        comment(
            state,
            rng.choice([None, 0, 1, 2, 3, 4]),
            f"Ý kiến riêng số {i} "
            + " ".join(
                rng.sample(
                    [
                        "kinh",
                        "tế",
                        "xã",
                        "hội",
                        "giáo",
                        "dục",
                        "y",
                        "tế",
                        "đất",
                        "đai",
                        "môi",
                        "trường",
                    ],
                    6,
                )
            ),
            rng.choice(["web", "email", "post"]),
            commenter=f"nguoi-{i % 70}" if i % 7 else None,  # most write more than once
        )
        for i in range(300)
    ]
    spam = [status_change(ev.CommentMarkedSpam, c) for c in comments[::10]]
    keys = KEYS.split(",")
    token = issue_token(keys, "token:test", ["reviewer"], ttl=timedelta(minutes=10))
    url = f"{first.url}/api/documents/{state.document_id}/tallies"
    try:

        async def totals() -> dict[str, int]:
            async with httpx.AsyncClient(timeout=10) as client:
                response = await client.get(url, headers={"Authorization": f"Bearer {token}"})
            return (
                {r["section_id"]: r["total"] for r in response.json()}
                if response.status_code == 200
                else {}
            )

        await send_events(broker.bootstrap, topic_prefix, [published(state), *comments[:150]])
        await eventually(totals, lambda t: sum(t.values()) > 0, timeout=60)
        second.stop(kill=True)  # mid-stream: its partitions move to the first instance
        await send_events(broker.bootstrap, topic_prefix, [*comments[150:], *spam, *comments[:40]])

        active = [c for c in comments if c not in comments[::10]]
        expected = {
            s.id: sum(
                1
                for c in active
                if c.payload.section_id is not None
                and s.path
                == [p.path for p in state.sections if p.id == c.payload.section_id][0][
                    : len(s.path)
                ]
            )
            for s in state.sections
        }

        final = await eventually(
            totals, lambda t: t == {str(k): v for k, v in expected.items()}, timeout=90
        )
        assert sum(final.values()) > 0
        people = {
            s.number: len(
                {
                    c.payload.commenter_key or str(c.payload.comment_id)
                    for c in active
                    if c.payload.section_id in subtree(state, s.id)
                }
            )
            for s in state.sections
        }
        async with httpx.AsyncClient(timeout=10) as client:
            csv_url = url.replace("/tallies", "/tallies.csv")
            response = await client.get(csv_url, headers={"Authorization": f"Bearer {token}"})
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        numbers = {".".join(s.path): s.number for s in state.sections}
        assert {numbers[r[0]]: int(r[3]) for r in rows[1:]} == people
        assert 0 < people["I"] < expected[state.sections[0].id]
    except BaseException:  # what each instance saw, beside the failure
        print(f"first instance:\n{first.log()}\nsecond instance:\n{second.log()}")
        raise
    finally:
        first.stop()
        second.stop()
