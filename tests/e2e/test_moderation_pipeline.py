"""Moderation end to end: a reviewer marks a comment as spam in the aggregator's workspace,
the request goes to the feedback service (which owns the comment), and the aggregator's
tallies and comment list change once the event comes back."""

from __future__ import annotations

from typing import Any

from tests.helpers import eventually
from tests.stack import Stack, StackFactory, section_id


async def test_a_comment_marked_spam_in_the_workspace_leaves_the_tallies(
    make_stack: StackFactory,
) -> None:
    stack: Stack = make_stack().start()
    document = await stack.publish_draft()
    target = section_id(document, "Phần thứ nhất", "I", "1", "1.1")
    kept = await stack.comment(document["id"], target, "Đề nghị bổ sung số liệu lúa.")
    spam = await stack.comment(document["id"], target, "Mua ngay vé số trúng thưởng!")
    aggregator = stack.url("aggregator")

    def total(rows: list[dict[str, Any]]) -> int:
        return next((int(r["total"]) for r in rows if r["section_id"] == target), -1)

    await eventually(lambda: stack.tally_rows(document["id"]), lambda r: total(r) == 2, timeout=60)
    sent = await stack.client.post(
        f"{aggregator}/tong-hop/d/{document['id']}/y-kien/{spam['comment_id']}/kiem-duyet",
        data={"action": "spam", "back": f"/tong-hop/d/{document['id']}/muc/{target}"},
        headers=stack.auth,
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    await eventually(lambda: stack.tally_rows(document["id"]), lambda r: total(r) == 1, timeout=60)
    await stack.wait_consumed()
    assert total(await stack.tally_rows(document["id"])) == 1
    listed = await stack.client.get(
        f"{aggregator}/api/documents/{document['id']}/comments",
        params={"status": "all"},
        headers=stack.auth,
    )
    statuses = {i["comment_id"]: i["status"] for i in listed.json()["items"]}
    assert statuses == {kept["comment_id"]: "active", spam["comment_id"]: "spam"}

    refused = await stack.client.post(
        f"{aggregator}/tong-hop/d/{document['id']}/y-kien/{kept['comment_id']}/kiem-duyet",
        data={"action": "reassign", "section_id": "not-a-section"},
        headers=stack.auth,
        follow_redirects=False,
    )
    assert refused.status_code == 422
