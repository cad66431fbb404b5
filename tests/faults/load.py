"""A steady load of comments through the three ways in (JSON API, the HTML form with its
signed token, SMTP) while a fault is injected, and the reckoning afterwards: every receipted
comment (a receipt, or an SMTP 250) stored once and counted once, nothing else counted."""

from __future__ import annotations

import asyncio
import re
import smtplib
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP
from typing import Any

import httpx
from sqlalchemy import text

from shared.db import create_engine
from tests.helpers import eventually
from tests.stack import Stack

CONSULTATION = "vanphong@example.vn"  # the address SMALL_DRAFT's invitation gives
FORM_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')
RECEIPTS_COOKIE = "gopy_receipts"
# A form page is read again after this many comments (a per-page hourly limit applies).
COMMENTS_PER_PAGE = 10


@dataclass
class Load:
    """Citizens commenting in turn on the draft's top-level sections: ``workers`` through
    the API, ``form_workers`` through the reading page's form, ``smtp_workers`` by e-mail
    (when the stack's feedback service listens for SMTP)."""

    stack: Stack
    document: dict[str, Any]
    workers: int = 3
    form_workers: int = 1
    smtp_workers: int = 1
    pause: float = 0.05  # between one citizen's comments: a steady rate, not a flood
    receipts: list[str] = field(default_factory=list)  # API and form receipt codes
    mails: list[str] = field(default_factory=list)  # Message-IDs answered 250
    by_channel: Counter[str] = field(default_factory=Counter)  # receipts per way in
    statuses: Counter[int] = field(default_factory=Counter)  # every HTTP answer
    refusals: list[httpx.Response] = field(default_factory=list)  # the first 5xx answers
    errors: int = 0
    # sent, but the service died before answering: committed or not, nobody can tell
    unanswered: int = 0
    sent: int = 0
    in_flight: int = 0
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def start(self) -> Load:
        citizens = [self._api_citizen(n) for n in range(self.workers)]
        citizens += [self._form_citizen(n) for n in range(self.form_workers)]
        if self.stack.env.get("FEEDBACK_INTAKE_SMTP_PORT"):
            citizens += [self._smtp_citizen(n) for n in range(self.smtp_workers)]
        self._tasks = [asyncio.create_task(c) for c in citizens]
        return self

    async def stop(self) -> None:
        self._stop.set()
        await asyncio.gather(*self._tasks)

    @property
    def given(self) -> int:
        """Receipts and SMTP 250s: each promises one stored, counted comment."""
        return len(self.receipts) + len(self.mails)

    async def until_receipts(self, count: int, timeout: float = 60) -> None:
        """Until ``count`` more receipts (or 250s) than now have been given."""
        target = self.given + count

        async def given() -> int:
            return self.given

        await eventually(given, lambda n: n >= target, timeout=timeout)

    # -- the citizens ---------------------------------------------------------------------
    def _next(self, n: int, way: str) -> tuple[dict[str, Any], str]:
        self.sent += 1
        sections = [s for s in self.document["sections"] if s["level"] == 1]
        section = sections[self.sent % len(sections)]
        return section, f"Ý kiến tải đều số {self.sent} của người {n} qua {way}"

    def _answered(self, answer: httpx.Response) -> None:
        self.statuses[answer.status_code] += 1
        if answer.status_code >= 500 and len(self.refusals) < 5:
            self.refusals.append(answer)

    async def _send(self, request: Any) -> httpx.Response | None:
        """One request to the feedback service; None when it failed in transit."""
        self.in_flight += 1
        try:
            answer: httpx.Response = await request
        except httpx.ConnectError:  # never reached the service
            return None
        except httpx.TransportError:
            self.unanswered += 1
            return None
        finally:
            self.in_flight -= 1
        self._answered(answer)
        return answer

    async def _after(self, receipt: str | None, way: str) -> None:
        if receipt is not None:
            self.receipts.append(receipt)
            self.by_channel[way] += 1
        else:
            self.errors += 1
            await asyncio.sleep(self.pause)  # the service is down: do not spin
        await asyncio.sleep(self.pause)

    async def _api_citizen(self, n: int) -> None:
        url = f"{self.stack.url('feedback')}/api/comments"
        async with httpx.AsyncClient(timeout=10) as client:
            while not self._stop.is_set():
                section, words = self._next(n, "API")
                body = {"document_id": self.document["id"], "section_id": section["id"]}
                answer = await self._send(client.post(url, json={**body, "text": words}))
                ok = answer is not None and answer.status_code == 201
                await self._after(answer.json()["receipt"] if ok else None, "api")  # type: ignore[union-attr]

    async def _form_token(self, client: httpx.AsyncClient, section: dict[str, Any]) -> str | None:
        """The signed token of the section's reading page, as a browser gets it."""
        try:
            page = await client.get(section["url"], headers={"Accept": "text/html"})
        except httpx.TransportError:
            return None
        match = FORM_TOKEN.search(page.text) if page.status_code == 200 else None
        return match.group(1) if match else None

    async def _form_citizen(self, n: int) -> None:
        url = f"{self.stack.url('feedback')}/comments"
        token, used = None, 0
        async with httpx.AsyncClient(timeout=10, headers={"Accept": "text/html"}) as client:
            while not self._stop.is_set():
                section, words = self._next(n, "biểu mẫu")
                if token is None or used >= COMMENTS_PER_PAGE:
                    token, used = await self._form_token(client, section), 0
                    if token is None:  # the reading page is not there: nothing was sent
                        self.sent -= 1
                        await asyncio.sleep(self.pause * 2)
                        continue
                used += 1
                form = {"document_id": self.document["id"], "section_id": section["id"]}
                form |= {"form_token": token, "text": words}
                client.cookies.clear()  # each comment from a new browser (per-browser limit)
                answer = await self._send(client.post(url, data=form))
                receipt = None
                if answer is not None and answer.status_code == 303:
                    receipt = answer.cookies[RECEIPTS_COOKIE].split(".")[-1]
                await self._after(receipt, "form")

    async def _smtp_citizen(self, n: int) -> None:
        port = int(self.stack.env["FEEDBACK_INTAKE_SMTP_PORT"])
        while not self._stop.is_set():
            _section, words = self._next(n, "thư")
            message_id = f"<tai-{uuid.uuid4().hex}@dan.example>"
            sender = f"nguoi{self.sent}@dan.example"  # a per-sender hourly limit applies
            raw = letter(sender, message_id, f"Góp ý mục I phần thứ hai: {words}.")
            outcome = await asyncio.to_thread(send_mail, port, sender, raw)
            if outcome == "unanswered":
                self.unanswered += 1
            if outcome == "250":
                self.mails.append(message_id)
                self.by_channel["smtp"] += 1
            else:
                self.errors += 1
                await asyncio.sleep(self.pause)
            await asyncio.sleep(self.pause)


def letter(sender: str, message_id: str, body: str) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = CONSULTATION
    message["Subject"] = "Góp ý dự thảo báo cáo chính trị"
    message["Message-ID"] = message_id
    message.set_content(body)
    return message.as_bytes(policy=SMTP)


def send_mail(port: int, sender: str, raw: bytes) -> str:
    """ "250", "refused" (never reached, or a 4xx/5xx) or "unanswered" (cut off after DATA)."""
    try:
        client = smtplib.SMTP("127.0.0.1", port, timeout=10)
    except OSError:
        return "refused"
    try:
        client.sendmail(sender, [CONSULTATION], raw)
    except smtplib.SMTPServerDisconnected:
        return "unanswered"  # perhaps after the message was stored: nobody can tell
    except (smtplib.SMTPException, OSError):
        return "refused"
    finally:
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            client.close()
    return "250"


@dataclass
class Reckoning:
    case: str
    sent: int
    receipts: int
    unanswered: int
    stored: int
    counted: int
    seconds_to_exact: float
    ways: str = ""  # receipts by way in: API / form / SMTP

    @property
    def lost(self) -> int:
        return max(0, self.receipts - self.stored) + max(0, self.stored - self.counted)

    @property
    def duplicated(self) -> int:
        """Counted beyond the receipts, except requests killed before their answer (each
        may have been committed: then it is counted once, as it should be)."""
        return max(0, self.counted - self.receipts - self.unanswered)

    def row(self) -> str:
        cells = (
            self.sent,
            self.receipts,
            self.unanswered,
            self.stored,
            self.counted,
            self.lost,
            self.duplicated,
        )
        numbers = " | ".join(f"{c:>7}" for c in cells)
        return f"| {self.case:<52} | {self.ways:>11} | {numbers} | {self.seconds_to_exact:>6.1f} |"


HEADER = (
    f"| {'case':<52} | {'api/form/smtp':>11} | {'sent':>7} | {'receipts':>7} "
    f"| {'unanswered':>7} | {'stored':>7} | {'counted':>7} "
    f"| {'lost':>7} | {'duplicated':>7} | {'exact after s':>6} |"
)


async def stored_mails(stack: Stack, message_ids: list[str]) -> int:
    """How many of these messages became exactly one comment in the feedback database."""
    if not message_ids:
        return 0
    engine = create_engine(stack.env["FEEDBACK_DATABASE_URL"])
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                text(
                    "SELECT source_ref, count(*) FROM comments WHERE channel = 'email' "
                    "GROUP BY source_ref"
                )
            )
            counts = {ref: n for ref, n in rows}
    finally:
        await engine.dispose()
    # stored as the reader compares them: no angle brackets, lower case
    return sum(counts.get(m.strip("<>").lower()) == 1 for m in message_ids)


async def reckon(case: str, load: Load, since: float, within: float = 60) -> Reckoning:
    """Wait (up to ``within`` seconds) until the aggregator counts every receipt, then until
    its consumer has read to the end of the topic, and count what is stored and counted."""
    stack, document_id = load.stack, load.document["id"]

    async def counted() -> int:
        tallies = await stack.tallies(document_id)
        return sum(total for path, total in tallies.items() if len(path) == 1)

    await eventually(counted, lambda n: n >= load.given, timeout=within)
    exact_after = time.monotonic() - since
    await stack.wait_consumed(timeout=within)
    stored = await stored_mails(stack, load.mails)
    for receipt in load.receipts:
        answer = await stack.client.get(f"{stack.url('feedback')}/api/receipts/{receipt}")
        stored += answer.status_code == 200
    ways = "/".join(str(load.by_channel[w]) for w in ("api", "form", "smtp"))
    return Reckoning(
        case, load.sent, load.given, load.unanswered, stored, await counted(), exact_after, ways
    )
