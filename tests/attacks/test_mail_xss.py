"""Stored XSS through e-mail: a hostile subject, sender name, HTML body and attachment name,
received by the SMTP listener and set aside for a clerk, show escaped on every clerk page
(found in the feedback app's routes) and attachments never come back as a page."""

from __future__ import annotations

import asyncio
import re
import smtplib
from collections.abc import AsyncIterator
from email.message import EmailMessage
from email.policy import SMTP

import pytest

from shared.broker import free_port
from tests.attacks.routes import all_routes
from tests.e2e.test_mail_pipeline import CONSULTATION
from tests.helpers import eventually
from tests.stack import FEEDBACK, HTML, Stack, StackFactory

SCRIPT = "<script>alert('thu')</script>"
IMG = '<img src=x onerror="alert(2)">'
HOSTILE = (SCRIPT, IMG, 'onerror="alert')


@pytest.fixture
async def mail_stack(make_stack: StackFactory) -> AsyncIterator[tuple[Stack, int]]:
    port = free_port()
    async with make_stack(FEEDBACK_INTAKE_SMTP_PORT=str(port)).in_process() as running:
        yield running, port


def hostile_letter() -> bytes:
    """A letter the reader sets aside (it only points to an unreadable attachment)."""
    message = EmailMessage()
    message["From"] = f'"Kẻ tấn công {SCRIPT}" <attacker@evil.example>'
    message["To"] = CONSULTATION
    message["Subject"] = f"Góp ý {SCRIPT} {IMG}"
    message["Message-ID"] = "<xss@evil.example>"
    message.set_content("Xem tệp đính kèm.")
    message.add_alternative(
        f"<html><body><p>Xem tệp đính kèm.</p>{SCRIPT}{IMG}</body></html>", subtype="html"
    )
    message.add_attachment(
        b"\x00\x01 not a document",
        maintype="application",
        subtype="octet-stream",
        filename=f"{IMG}.bin",
    )
    message.add_attachment(
        f"<svg xmlns='http://www.w3.org/2000/svg'>{SCRIPT}</svg>".encode(),
        maintype="image",
        subtype="svg+xml",
        filename="anh.svg",
    )
    return message.as_bytes(policy=SMTP)


async def test_a_hostile_letter_is_escaped_on_every_clerk_page(
    mail_stack: tuple[Stack, int],
) -> None:
    stack, port = mail_stack
    await stack.publish_draft()

    def send() -> None:
        with smtplib.SMTP("127.0.0.1", port, timeout=15) as client:
            client.sendmail("attacker@evil.example", [CONSULTATION], hostile_letter())

    await asyncio.to_thread(send)
    clerk = {"Authorization": f"Bearer {stack.token(['clerk'])}", **HTML}

    async def waiting() -> list[str]:
        page = await stack.client.get(f"{FEEDBACK}/van-thu", headers=clerk)
        return sorted(set(re.findall(r"/van-thu/thu/([0-9a-f-]{36})", page.text)))

    ids = await eventually(waiting, bool, timeout=60)
    pages = [
        route
        for route in all_routes(stack.apps["feedback"])
        if route.role is not None and route.method == "GET" and route.path.startswith("/van-thu")
    ]
    visited = 0
    for route in pages:
        for message_id in ids:
            path = route.path.replace("{message_id}", message_id)
            for index in range(3) if "{index}" in path else [None]:
                url = FEEDBACK + (
                    path.replace("{index}", str(index)) if index is not None else path
                )
                if "{" in url:
                    continue
                answer = await stack.client.get(url, headers=clerk)
                kind = answer.headers.get("content-type", "")
                if answer.status_code != 200:
                    continue
                visited += 1
                if "{index}" in route.path:
                    # an attachment is an image the page shows, or a download; never a page
                    assert kind.split(";")[0] in {"image/png", "image/jpeg"} or (
                        "attachment" in answer.headers.get("content-disposition", "")
                    ), (url, kind)
                    assert "svg" not in kind and "html" not in kind, (url, kind)
                elif kind.startswith("text/html"):
                    for payload in HOSTILE:
                        assert payload not in answer.text, (url, payload)
    assert visited >= 3, "the letter's pages were not found"
    listing = await stack.client.get(f"{FEEDBACK}/van-thu/thu/{ids[0]}", headers=clerk)
    assert "&lt;script&gt;" in listing.text, "the hostile subject is not on the page at all"
