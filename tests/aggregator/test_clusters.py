"""Campaigns: copies of a circulated text share a cluster; distinct comments do not."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from sqlalchemy import select

from services.aggregator.clusters import band_hashes, folded_words, same_position
from services.aggregator.models import AggregatedComment
from tests.aggregator.builders import comment
from tests.aggregator.campaigns import CAMPAIGNS, DISTINCT, labelled_set, pair_scores
from tests.aggregator.conftest import Workspace
from tests.factories import document_state, published
from tests.helpers import ROOT


class TestLabelledSet:
    async def test_precision_and_recall_on_the_labelled_set(self, workspace: Workspace) -> None:
        state = document_state(sections=4)
        items = labelled_set(copies=15, seed=13)
        events = [comment(state, i % 4, text) for i, (_label, text) in enumerate(items)]
        for start in range(0, len(events), 50):
            await workspace.apply(
                ([published(state)] if start == 0 else []) + events[start : start + 50]
            )
        async with workspace.sessions() as session:
            cluster_of = {
                c.comment_id: c.cluster_id
                for c in (await session.execute(select(AggregatedComment))).scalars()
            }
        clusters = [str(cluster_of[e.payload.comment_id]) for e in events]
        precision, recall = pair_scores([label for label, _ in items], clusters)
        assert precision >= 0.98 and recall >= 0.95, (precision, recall)
        assert len(set(clusters)) <= len(CAMPAIGNS) + len(DISTINCT) + 2

    async def test_an_other_seed_holds_too(self, workspace: Workspace) -> None:
        state = document_state()
        items = labelled_set(copies=10, seed=99)
        events = [comment(state, 0, text) for _label, text in items]
        await workspace.apply([published(state), *events])
        body = (
            await workspace.get(f"/api/documents/{state.document_id}/comments", limit=500)
        ).json()
        by_id = {i["comment_id"]: i["cluster_id"] for i in body["items"]}
        clusters = [by_id[str(e.payload.comment_id)] for e in events]
        precision, recall = pair_scores([label for label, _ in items], clusters)
        assert precision >= 0.98 and recall >= 0.9, (precision, recall)


class TestMatching:
    def test_reordered_sentences_and_a_greeting_match(self) -> None:
        a = folded_words("Đề nghị giữ nguyên điểm trường. Học sinh phải đi xa năm cây số.")
        b = folded_words(
            "Kính gửi Ban soạn thảo, học sinh phải đi xa năm cây số. Đề nghị giữ nguyên điểm trường. Trân trọng."
        )
        assert same_position(a, b)
        assert set(band_hashes(a)) & set(band_hashes(b))

    def test_a_short_comment_inside_a_long_one_does_not(self) -> None:
        short = folded_words("Đồng ý với dự thảo.")
        long = folded_words(
            "Tôi đồng ý với dự thảo nhưng đề nghị bổ sung số liệu về lao động việc làm và giải pháp."
        )
        assert not same_position(short, long)

    def test_signatures_are_stable_across_processes(self) -> None:
        """Another instance of the consumer group must compute the same bands."""
        words = "de nghi giu nguyen diem truong hoc sinh"
        other = subprocess.run(
            [
                sys.executable,
                "-c",
                f"from services.aggregator.clusters import band_hashes; print(band_hashes({words!r}))",
            ],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": "12345"},
        )
        assert other.stdout.strip() == str(band_hashes(words))
        assert band_hashes("") == []


class TestMerging:
    async def test_a_copy_close_to_two_clusters_merges_them_also_in_earlier_batches(
        self, workspace: Workspace
    ) -> None:
        """Two copies that each started a cluster, then the text itself, which both resemble."""
        original = CAMPAIGNS[4]
        first = (
            "Xin chào, đề nghị tăng mức hỗ trợ cho hộ nghèo và cận nghèo. Mức hỗ trợ hiện nay "
            "không đủ chi phí sinh hoạt tối thiểu. Cần điều chỉnh theo giá cả thị trường. "
            "Trân trọng cảm ơn."
        )
        second = (
            "Kiến nghị tăng mức hỗ trợ cho hộ nghèo và cận nghèo. Mức hỗ trợ hiện nay không đủ "
            "chi phí sinh tối thiểu. Phải điều chỉnh theo giá cả thị trường. Rất mong được tiếp thu."
        )
        a, b, bridge = folded_words(first), folded_words(second), folded_words(original)
        assert not same_position(a, b) and same_position(bridge, a) and same_position(bridge, b)
        state = document_state()
        events = [comment(state, 0, text) for text in (first, second, original)]
        await workspace.apply([published(state), events[0]])
        await workspace.apply([events[1]])
        clusters = await self._clusters(workspace, events)
        assert clusters[0] != clusters[1]
        await workspace.apply([events[2]])
        assert len(set(await self._clusters(workspace, events))) == 1

    async def _clusters(self, workspace: Workspace, events: list[Any]) -> list[Any]:
        async with workspace.sessions() as session:
            rows = await session.execute(
                select(AggregatedComment.comment_id, AggregatedComment.cluster_id)
            )
            cluster_of = dict(rows.all())
        return [cluster_of.get(e.payload.comment_id) for e in events]
