"""The scenarios of `make bench`, each returning its figures (see bench/run_all.py)."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus, urlencode

import wrk
from aiokafka import AIOKafkaProducer
from harness import Bench, child_pids
from sqlalchemy import text

from shared import form_tokens
from shared.db import create_engine
from shared.events import CommentSubmitted, CommentSubmittedPayload, serialize_event, topics, utcnow
from shared.events.topics import topic_name
from shared.ids import new_id
from tests.stack import KEYS

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "documents" / "parsing" / "fixtures"
# A comment of ordinary length (about 400 characters of Vietnamese), unique per request.
TEXT = (
    "Góp ý số {n}: đề nghị ban soạn thảo làm rõ phạm vi điều chỉnh của mục này, bổ sung "
    "số liệu đánh giá tác động và quy định cụ thể trách nhiệm của cơ quan chủ trì; "
    "đồng thời cân nhắc thời hạn chuyển tiếp đủ dài để người dân và doanh nghiệp kịp "
    "chuẩn bị, tránh phát sinh thủ tục hành chính không cần thiết."
)
METRIC = re.compile(
    r'^gopy_http_requests_total\{(?=[^}]*route="/api/comments")(?=[^}]*method="POST")'
    r'(?=[^}]*status="201")[^}]*\} ([\d.e+]+)$',
    re.M,
)


def _leaves(document: dict[str, Any]) -> list[str]:
    """Ids of sections with no sub-section, so each scenario's tally is its own alone."""
    sections = document["sections"]
    return [
        s["id"]
        for i, s in enumerate(sections)
        if i + 1 == len(sections) or sections[i + 1]["level"] <= s["level"]
    ]


async def import_draft(bench: Bench) -> dict[str, Any]:
    """``import_ms``: the largest seed draft posted, parsed, stored and opened (published)."""
    seed = max(FIXTURES.glob("*.txt"), key=lambda p: p.stat().st_size)
    draft = seed.read_text(encoding="utf-8")
    docs, auth = bench.url("documents"), bench.s.auth
    started = time.perf_counter()
    created = await bench.client.post(
        f"{docs}/api/documents", json={"text": draft, "source_name": seed.name}, headers=auth
    )
    created.raise_for_status()
    document_id = created.json()["id"]
    opened = await bench.client.post(
        f"{docs}/api/documents/{document_id}/open", json={"days": 30}, headers=auth
    )
    opened.raise_for_status()
    import_ms = (time.perf_counter() - started) * 1000
    document = (await bench.client.get(f"{docs}/api/documents/{document_id}")).json()
    await bench.s.wait_catalogued(document_id)
    bench.document_id = document_id
    bench.sections = _leaves(document)
    return {
        "import_ms": round(import_ms),
        "import_seed": f"{seed.name} ({len(draft):,} chars, {len(document['sections'])} sections)",
    }


def _json_script(bench: Bench, section: str, delay_ms: int = 0) -> Path:
    body = json.dumps(
        {"document_id": bench.document_id, "section_id": section, "text": TEXT},
        ensure_ascii=False,
    )
    return wrk.script("/api/comments", "application/json", body, delay_ms)


def _errors(result: wrk.WrkResult, ok: int) -> int:
    return result.total - result.count(ok) + result.timeouts + result.socket_errors


async def _load(url: str, lua: Path, seconds: float, connections: int) -> wrk.WrkResult:
    return await asyncio.to_thread(wrk.run, url, lua, seconds=seconds, connections=connections)


def _cpu_seconds(pid: int) -> float:
    """utime + stime of a process so far: on a shared machine, CPU per request is steadier
    than requests per second (a process may get only a share of a core)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _load_cpu(
    url: str,
    pid: int,
    lua: Path,
    seconds: float,
    connections: int,
    profile: Path | None = None,
) -> tuple[wrk.WrkResult, float, float]:
    """A load run and the CPU seconds process ``pid`` and its children (feedback's relay
    process) spent during it (``profile``: a py-spy raw profile of ``pid`` over the run)."""
    before, children_before = _cpu_seconds(pid), _children_cpu_seconds(pid)
    spy = _py_spy(pid, profile) if profile else None
    try:
        result = await _load(url, lua, seconds, connections)
    finally:
        if spy is not None:
            spy.send_signal(signal.SIGINT)
            await asyncio.to_thread(spy.wait, 60)
    children = _children_cpu_seconds(pid) - children_before
    return result, _cpu_seconds(pid) - before, children


def _children_cpu_seconds(pid: int) -> float:
    """CPU time so far of ``pid``'s child processes."""
    total = 0.0
    for child in child_pids(pid):
        try:
            total += _cpu_seconds(int(child))
        except FileNotFoundError:
            pass
    return total


def _us_per(cpu_seconds: float, answers: int) -> float | None:
    return round(cpu_seconds * 1e6 / answers) if answers else None


async def json_intake(
    bench: Bench, seconds: float, connections: int, profile: Path | None = None
) -> dict[str, Any]:
    """The JSON API against the bare baseline, same body size, same connections
    (``profile``: a py-spy raw profile of feedback during its run written there)."""
    lua = _json_script(bench, bench.sections[0])
    await _load(bench.baseline_url, lua, 1, connections)  # warm-up of both
    await _load(bench.url("feedback"), lua, 1, connections)
    base, base_cpu, _ = await _load_cpu(
        bench.baseline_url, bench.baseline_pid, lua, seconds, connections
    )
    intake, cpu, relay = await _load_cpu(
        bench.url("feedback"), bench.pid("feedback"), lua, seconds, connections, profile
    )
    return {
        "baseline_post_rps": base.rps,
        "baseline_p99_ms": base.p99_ms,
        "baseline_cpu_us_per_post": _us_per(base_cpu, base.total),
        "intake_post_rps": intake.count(201) / seconds,
        "intake_cpu_us_per_comment": _us_per(cpu, intake.count(201)),
        "intake_relay_cpu_us_per_comment": _us_per(relay, intake.count(201)),
        "intake_p50_ms": intake.p50_ms,
        "intake_p99_ms": intake.p99_ms,
        "intake_errors": _errors(intake, 201),
        "intake_ratio": round(intake.count(201) / seconds / base.rps, 3),
    }


async def form_intake(bench: Bench, seconds: float, connections: int) -> dict[str, Any]:
    """The HTML form (signed page token, unique text) against a bare form-POST baseline."""
    token = form_tokens.issue(KEYS.split(","), uuid.UUID(bench.document_id))
    fields = {
        "document_id": bench.document_id,
        "section_id": bench.sections[1],
        "form_token": token,
        "text": TEXT,
    }

    # "{n}" must reach the script unencoded to be made unique per request: urlencode would
    # turn it into %7Bn%7D, every request would carry the same text, and the same text from
    # the same page is one comment (answered from memory, not stored again).
    body = urlencode(fields).replace(quote_plus("{n}"), "{n}")
    assert "{n}" in body

    def fresh() -> Path:  # new texts for each run: a repeated text is answered from memory
        return wrk.script("/comments", "application/x-www-form-urlencoded", body)

    await _load(bench.url("feedback"), fresh(), 1, connections)
    base, base_cpu, _ = await _load_cpu(
        bench.baseline_url, bench.baseline_pid, fresh(), seconds, connections
    )
    form, cpu, relay = await _load_cpu(
        bench.url("feedback"), bench.pid("feedback"), fresh(), seconds, connections
    )
    return {
        "baseline_form_rps": base.rps,
        "baseline_cpu_us_per_form": _us_per(base_cpu, base.total),
        "form_post_rps": form.count(303) / seconds,
        "form_cpu_us_per_comment": _us_per(cpu, form.count(303)),
        "form_relay_cpu_us_per_comment": _us_per(relay, form.count(303)),
        "form_p50_ms": form.p50_ms,
        "form_p99_ms": form.p99_ms,
        "form_errors": _errors(form, 303),
        "form_ratio": round(form.count(303) / seconds / base.rps, 3),
    }


async def _receipts(bench: Bench) -> float:
    """Comments the feedback service has given a receipt for, from its own /metrics."""
    text = (await bench.client.get(f"{bench.url('feedback')}/metrics")).text
    return sum(float(n) for n in METRIC.findall(text))


def _first_reach(timeline: list[tuple[float, float]], k: float) -> float | None:
    return next((t for t, n in timeline if n >= k), None)


async def freshness(bench: Bench, seconds: float, results: dict[str, Any]) -> dict[str, Any]:
    """Receipt → counted in the aggregator's tally, at half the measured intake rate.

    Both sides are sampled every 50 ms (feedback's receipt counter, the section's tally);
    the k-th comment's freshness is when the tally reached k minus when receipts did.
    """
    await bench.s.wait_consumed(timeout=300)
    section = bench.sections[2]
    rate = max(10.0, results["intake_post_rps"] / 2)
    connections = 16
    delay_ms = max(1, int(connections * 1000 / rate))
    lua = _json_script(bench, section, delay_ms)
    start_receipts = await _receipts(bench)
    receipts: list[tuple[float, float]] = []
    tallied: list[tuple[float, float]] = []
    load = asyncio.create_task(_load(bench.url("feedback"), lua, seconds, connections))
    deadline = time.monotonic() + seconds + 120
    while time.monotonic() < deadline:
        now = time.monotonic()
        receipts.append((now, await _receipts(bench) - start_receipts))
        counts = await bench.tallies_by_section(bench.document_id)
        tallied.append((time.monotonic(), counts.get(section, 0)))
        if load.done() and tallied[-1][1] >= receipts[-1][1]:
            break
        await asyncio.sleep(0.05)
    result = await load
    total = int(receipts[-1][1])
    lags = []
    for k in range(1, total + 1):
        given, counted = _first_reach(receipts, k), _first_reach(tallied, k)
        if given is not None and counted is not None:
            lags.append(max(0.0, counted - given) * 1000)
    lags.sort()
    return {
        "freshness_rate": round(result.count(201) / seconds),
        "freshness_comments": total,
        "freshness_p50_ms": round(lags[len(lags) // 2]) if lags else None,
        "freshness_p99_ms": round(lags[int(len(lags) * 0.99)]) if lags else None,
    }


async def _produce_backlog(bench: Bench, section: str, count: int) -> None:
    """``count`` comment events straight onto comments.v1, as feedback's relay writes them."""
    env = bench.s.env
    producer = AIOKafkaProducer(
        bootstrap_servers=env["KAFKA_BOOTSTRAP_SERVERS"],
        acks="all",
        linger_ms=20,
        max_batch_size=1 << 20,
    )
    await producer.start()
    try:
        name = topic_name(topics.COMMENTS, env["KAFKA_TOPIC_PREFIX"])
        document = uuid.UUID(bench.document_id)
        pending = []
        for n in range(count):
            event = CommentSubmitted(
                producer="bench",
                payload=CommentSubmittedPayload(
                    comment_id=new_id(),
                    document_id=document,
                    section_id=uuid.UUID(section),
                    channel="web",
                    text=TEXT.format(n=n),
                    submitted_at=utcnow(),
                ),
            )
            pending.append(
                await producer.send(name, serialize_event(event), key=event.key.encode())
            )
            if len(pending) >= 5000:
                await asyncio.gather(*pending)
                pending = []
        await asyncio.gather(*pending)
    finally:
        await producer.stop()


async def aggregator_backlog(
    bench: Bench, count: int, limit_s: float, profile: Path | None = None
) -> dict[str, Any]:
    """One aggregator, stopped while ``count`` events pile up, then started: events/s applied
    from its first progress (start-up excluded) to an empty lag, or to ``limit_s`` seconds.

    On a shared machine the rate moves with the neighbours' load; the aggregator's own CPU
    time per 1,000 events over the same interval is the steadier figure. ``profile``: a
    py-spy raw profile of the aggregator written there (py-spy is not a dependency)."""
    await bench.s.wait_consumed(timeout=300)
    section = bench.sections[3]
    await asyncio.to_thread(bench.s.stop, "aggregator")
    await _produce_backlog(bench, section, count)
    await asyncio.to_thread(bench.s.start, "aggregator")
    process = bench.s.processes["aggregator"].process
    assert process is not None
    spy = _py_spy(process.pid, profile) if profile else None
    started = time.monotonic()
    first: tuple[float, int, float] | None = None
    try:
        while True:
            lag = await bench.s.consumer_lag()
            now, cpu = time.monotonic(), _cpu_seconds(process.pid)
            if first is None and lag < count:
                first = (now, lag, cpu)
            if lag == 0 or (first is not None and now - first[0] > limit_s):
                break
            if now - started > limit_s + 300:
                raise TimeoutError("the aggregator applied nothing of its backlog")
            await asyncio.sleep(0.1)
        counted = (now, cpu)
        # Clustering follows counting in its own transactions: until no comment waits.
        while await _unclustered(bench) and time.monotonic() - first[0] < limit_s:
            await asyncio.sleep(0.1)
        clustered = (time.monotonic(), _cpu_seconds(process.pid))
    finally:
        if spy is not None:
            spy.send_signal(signal.SIGINT)
            await asyncio.to_thread(spy.wait, 60)
    assert first is not None
    applied = first[1] - lag
    if now > first[0]:
        rate = applied / (now - first[0])
    else:  # all applied before the first look: count from healthy (start-up partly included)
        rate = count / max(now - started, 1e-3)

    def per_1000(cpu: float) -> float | None:
        return round((cpu - first[2]) / applied * 1000, 3) if applied else None

    return {
        "aggregator_backlog": count,
        "aggregator_backlog_applied": count - lag,
        "aggregator_events_per_s": round(rate),
        "aggregator_cpu_s_per_1000": per_1000(counted[1]),
        "aggregator_clustered_per_s": round(applied / max(clustered[0] - first[0], 1e-3)),
        "aggregator_cpu_s_per_1000_clustered": per_1000(clustered[1]),
    }


async def _unclustered(bench: Bench) -> int:
    """Comments the aggregator has counted and not yet clustered."""
    engine = create_engine(bench.urls["aggregator"])
    try:
        async with engine.connect() as connection:
            statement = "SELECT count(*) FROM aggregator_comments WHERE cluster_id IS NULL"
            return int((await connection.execute(text(statement))).scalar_one())
    finally:
        await engine.dispose()


def _py_spy(pid: int, output: Path) -> subprocess.Popen[bytes]:
    """``py-spy record`` of ``pid`` into ``output`` (raw, 100 samples/s) until interrupted."""
    spy = Path(sys.executable).with_name("py-spy")
    command = [str(spy), "record", "-p", str(pid), "-f", "raw", "-r", "100", "-o", str(output)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def _wait_tally(bench: Bench, section: str, target: int, timeout: float) -> int:
    """The section's tally once it reaches ``target``, or what it is after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        counted = (await bench.tallies_by_section(bench.document_id)).get(section, 0)
        if counted >= target or time.monotonic() > deadline:
            return counted
        await asyncio.sleep(0.5)


async def burst(bench: Bench, seconds: float, connections: int) -> dict[str, Any]:
    """As many comments as wrk can offer to one feedback instance: every receipt must be
    counted in the end; refusals must be clean (429/503), never 5xx or timeouts."""
    await bench.s.wait_consumed(timeout=300)
    section = bench.sections[4]
    before = (await bench.tallies_by_section(bench.document_id)).get(section, 0)
    result = await _load(bench.url("feedback"), _json_script(bench, section), seconds, connections)
    receipts = result.count(201)
    counted = await _wait_tally(bench, section, before + receipts, timeout=600) - before
    return {
        "burst_connections": connections,
        "burst_seconds": seconds,
        "burst_offered": result.total,
        "burst_receipts": result.count(201),
        "burst_refused": result.count(429, 503),
        "burst_5xx": result.server_errors,
        "burst_timeouts": result.timeouts + result.socket_errors,
        "burst_receipts_counted": counted,
        "burst_p99_ms": result.p99_ms,
    }
