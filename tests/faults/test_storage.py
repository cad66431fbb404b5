"""The database under load: PostgreSQL restarted (a private cluster, never the machine's
shared one), the SQLite default on a full disk and on a read-only file. Meanwhile every
service answers 503 (507: no space) with a Vietnamese page or JSON and ``Retry-After``,
never a 500; afterwards it recovers by itself, and every receipt is stored and counted once."""

from __future__ import annotations

import asyncio
import errno
import smtplib
import sqlite3
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from shared import form_tokens, migrate
from shared.broker import EmbeddedBroker
from tests.faults.conftest import smtp_env
from tests.faults.load import CONSULTATION, Load, Reckoning, letter, reckon
from tests.faults.postgres import PrivateCluster
from tests.helpers import eventually
from tests.stack import HTML, Stack, StackFactory

WITHIN = 60
SERVICES = ("documents", "feedback", "aggregator")
T = TypeVar("T")
KEPT = "Góp ý gửi khi cơ sở dữ liệu vắng mặt, phải được giữ lại trên trang"


def check(result: Reckoning, load: Load, record: list[Reckoning]) -> None:
    record.append(result)
    assert result.lost == 0 and result.duplicated == 0, result
    assert result.stored == result.receipts, result
    assert result.receipts <= result.counted <= result.receipts + result.unanswered, result
    assert result.seconds_to_exact < WITHIN, result
    crashes = {status: n for status, n in load.statuses.items() if status >= 500}
    assert set(crashes) <= {503, 507}, [(r.status_code, r.text[:300]) for r in load.refusals]


async def _value(value: T) -> T:
    return value


def assert_unavailable(answer: httpx.Response, status: int, words: str, *, html: bool) -> None:
    """The answer of a service that cannot reach its database: which status, a Vietnamese
    message that says so, and when to try again."""
    assert answer.status_code == status, (answer.status_code, answer.text[:500])
    assert int(answer.headers["Retry-After"]) > 0
    if html:
        assert answer.headers["content-type"].startswith("text/html")
        assert '<html lang="vi"' in answer.text and words in answer.text, answer.text
    else:
        assert words in answer.json()["detail"], answer.text


async def post_form(stack: Stack, document: dict[str, Any]) -> httpx.Response:
    """The comment form, as a browser posts it from the reading page; when the database is
    out of reach the answer is the form again, holding the citizen's text."""
    token = form_tokens.issue(stack.settings("feedback").signing_keys, uuid.UUID(document["id"]))
    return await stack.client.post(
        f"{stack.url('feedback')}/comments",
        data={"document_id": document["id"], "form_token": token, "text": KEPT},
        headers=HTML,
    )


async def post_api(stack: Stack, document: dict[str, Any]) -> httpx.Response:
    body = {"document_id": document["id"], "section_id": None, "text": "Góp ý khi mất CSDL"}
    return await stack.client.post(f"{stack.url('feedback')}/api/comments", json=body)


def smtp_reply(stack: Stack) -> int:
    """The SMTP intake's reply to one letter (250: stored)."""
    sender = f"thu-{uuid.uuid4().hex[:8]}@dan.example"
    raw = letter(sender, f"<{uuid.uuid4().hex}@dan.example>", "Góp ý mục I phần thứ hai: X.")
    port = int(stack.env["FEEDBACK_INTAKE_SMTP_PORT"])
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        try:
            client.sendmail(sender, [CONSULTATION], raw)
        except smtplib.SMTPDataError as exc:
            return exc.smtp_code
        except smtplib.SMTPRecipientsRefused as exc:  # refused at RCPT, before the message
            [(code, _reply)] = exc.recipients.values()
            return code
    return 250


# -- PostgreSQL restarted ---------------------------------------------------------------------


@pytest.fixture
async def private_postgres() -> AsyncIterator[PrivateCluster]:
    cluster = await asyncio.to_thread(PrivateCluster().init)
    try:
        yield cluster
    finally:
        await asyncio.to_thread(cluster.destroy)


async def test_postgresql_restarted_mid_load(
    private_postgres: PrivateCluster,
    broker: EmbeddedBroker,
    topic_prefix: str,
    tmp_path: Path,
    record: list[Reckoning],
) -> None:
    cluster = private_postgres
    cluster.create_databases(*SERVICES)
    urls = {name: cluster.url(name) for name in SERVICES}
    for name, url in urls.items():
        await asyncio.to_thread(migrate.upgrade, name, url)
    stack = Stack(urls, broker.bootstrap, topic_prefix, tmp_path, **smtp_env()).start()
    try:
        document = await stack.publish_draft()
        load = Load(stack, document).start()
        await load.until_receipts(30)
        await asyncio.to_thread(cluster.stop, "immediate")  # as in a crash
        # while it is down: 503, in Vietnamese, with Retry-After, on every service
        words = "không kết nối được cơ sở dữ liệu"
        assert_unavailable(await post_api(stack, document), 503, words, html=False)
        form = await post_form(stack, document)
        assert_unavailable(form, 503, words, html=True)
        assert KEPT in form.text and 'name="form_token"' in form.text  # to send again
        assert await asyncio.to_thread(smtp_reply, stack) == 451
        section_page = await stack.client.get(document["sections"][0]["url"], headers=HTML)
        assert_unavailable(section_page, 503, words, html=True)
        tallies = await stack.client.get(
            f"{stack.url('aggregator')}/api/documents/{document['id']}/tallies", headers=stack.auth
        )
        assert_unavailable(tallies, 503, words, html=False)
        for name in SERVICES:
            ready = await stack.client.get(f"{stack.url(name)}/readyz")
            assert ready.status_code == 503 and ready.json()["database"] is False, ready.text
        refused = load.statuses[503]
        await eventually(lambda: _value(load.statuses[503]), lambda n: n >= refused + 10)
        await asyncio.to_thread(cluster.start)
        back = time.monotonic()
        await load.until_receipts(30)  # recovered by itself: nothing restarted but PostgreSQL
        await load.stop()
        result = await reckon("PostgreSQL killed (immediate stop), restarted", load, back, WITHIN)
        check(result, load, record)
    finally:
        stack.stop()
        await stack.aclose()


# -- the SQLite default: a full disk, a read-only file ----------------------------------------


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True, timeout=30)


def _unmount(path: Path) -> None:
    """Lazily: the feedback service may still hold files open under it."""
    subprocess.run(["umount", "-l", str(path)], check=True, capture_output=True, timeout=30)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 MB file system of its own (tmpfs; the suite runs as root, as CI does), with
    a 4 MB ballast file: freeing it gives space back even if the database's own growth,
    not ``fill``, is what filled the disk."""
    disk = tmp_path / "disk"
    disk.mkdir()
    _mount("-t", "tmpfs", "-o", "size=64m", "tmpfs", str(disk))
    try:
        (disk / "ballast").write_bytes(b"\0" * (4 << 20))
        (disk / "filler").touch()  # created now: opening it later needs no space
        yield disk
    finally:
        _unmount(disk)


def fill(disk: Path) -> Path:
    """Write to the (existing) filler file until the disk has no space left.

    Unbuffered: a buffered file keeps what the full disk refused and raises ENOSPC again
    when it is closed, outside the ``try``."""
    filler = disk / "filler"
    with open(filler, "ab", buffering=0) as out:
        try:
            while True:
                out.write(b"\0" * 65536)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC, exc
    return filler


def integrity(database: Path) -> str:
    connection = sqlite3.connect(database)
    try:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        connection.close()


async def sqlite_stack(make_stack: StackFactory, database: Path) -> Stack:
    """The stack with the feedback service on the SQLite default (a file), migrated."""
    url = f"sqlite+aiosqlite:///{database}"
    await asyncio.to_thread(migrate.upgrade, "feedback", url)
    return make_stack(FEEDBACK_DATABASE_URL=url, **smtp_env()).start()


async def test_sqlite_on_a_full_disk(
    make_stack: StackFactory, small_disk: Path, record: list[Reckoning]
) -> None:
    database = small_disk / "feedback.db"
    stack = await sqlite_stack(make_stack, database)
    document = await stack.publish_draft()
    load = Load(stack, document).start()
    await load.until_receipts(30)
    early = list(load.receipts)
    filler = await asyncio.to_thread(fill, small_disk)
    # the disk fills up: 507 with a Vietnamese message (WAL space already taken may still
    # hold a few commits first)
    await eventually(lambda: _value(dict(load.statuses)), lambda s: s.get(507, 0) >= 5, timeout=30)
    words = "hết chỗ lưu trữ"
    api = await eventually(lambda: post_api(stack, document), lambda r: r.status_code == 507)
    assert_unavailable(api, 507, words, html=False)
    page = await eventually(lambda: post_form(stack, document), lambda r: r.status_code == 507)
    assert_unavailable(page, 507, words, html=True)
    assert KEPT in page.text
    assert await asyncio.to_thread(smtp_reply, stack) == 452  # insufficient system storage
    filler.unlink()
    (small_disk / "ballast").unlink()
    back = time.monotonic()
    await load.until_receipts(30)  # recovered by itself once there is space again
    await load.stop()
    assert await asyncio.to_thread(integrity, database) == "ok"
    result = await reckon("SQLite: disk full, then space freed", load, back, WITHIN)
    check(result, load, record)
    for receipt in early:  # the comments stored before the disk filled are intact
        answer = await stack.client.get(f"{stack.url('feedback')}/api/receipts/{receipt}")
        assert answer.status_code == 200, answer.text


async def test_sqlite_on_a_read_only_file(
    make_stack: StackFactory, tmp_path: Path, record: list[Reckoning]
) -> None:
    """Feedback killed under load and started again on a read-only file (a read-only bind
    mount: root ignores file modes). It answers 503 and says why, reads still work, and
    once the file is writable a restart takes comments again. (Without the restart it
    cannot: SQLite keeps the file's read-only handle while any connection is open.)"""
    folder = tmp_path / "var"
    folder.mkdir()
    database = folder / "feedback.db"
    stack = await sqlite_stack(make_stack, database)
    document = await stack.publish_draft()
    load = Load(stack, document).start()
    await load.until_receipts(30)
    stack.stop("feedback", kill=True)
    _mount("--bind", str(folder), str(folder))
    try:
        _mount("-o", "remount,bind,ro", str(folder))
        stack.start("feedback")
        words = "chỉ đọc"
        assert_unavailable(await post_api(stack, document), 503, words, html=False)
        form = await post_form(stack, document)
        assert_unavailable(form, 503, words, html=True)
        assert KEPT in form.text
        assert await asyncio.to_thread(smtp_reply, stack) == 451  # try again later
        early = await stack.client.get(f"{stack.url('feedback')}/api/receipts/{load.receipts[0]}")
        assert early.status_code == 200, early.text  # what was stored can still be read
        ready = await stack.client.get(f"{stack.url('feedback')}/readyz")
        assert ready.status_code == 503, ready.text  # its catalogue cannot be written
        refused = load.statuses[503]
        await eventually(lambda: _value(load.statuses[503]), lambda n: n >= refused + 10)
    finally:
        _unmount(folder)
    stack.stop("feedback")
    stack.start("feedback")
    back = time.monotonic()
    await load.until_receipts(30)
    await load.stop()
    assert await asyncio.to_thread(integrity, database) == "ok"
    result = await reckon("SQLite: read-only file, made writable, restarted", load, back)
    check(result, load, record)
