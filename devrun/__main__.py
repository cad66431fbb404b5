"""``make run``: the embedded broker, migrations, the sample draft, and the three services.

It says "running" only once the sample draft can be commented on and tallied: documents
starts first and is ready when it has published what it owed (the imported draft); then
feedback and the aggregator are ready when their consumers have caught up with that.
Ctrl-C stops the services first, then the broker, so no process is left behind.
Running it again reuses the databases under var/ and does not import the draft twice.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import httpx

from devrun.readiness import NotReady, wait_ready
from devtools.mailcatcher import start_for_devrun
from services.aggregator.__main__ import admin_exists
from services.documents.__main__ import import_file
from shared import migrate
from shared.auth import issue_token
from shared.broker import EmbeddedBroker, start_broker
from shared.config import VAR_DIR, ServiceSettings

SAMPLE = Path("samples/dien-bien-du-thao-bao-cao-chinh-tri-2020.txt")
# Publishers before their consumers: documents' events are on the broker before the
# others start, so their readiness (caught up as of start-up) includes the sample draft.
SERVICES = {"documents": 8001, "feedback": 8002, "aggregator": 8003}
STAGES = (("documents",), ("feedback", "aggregator"))
OPEN_DAYS = 30
SMTP_INTAKE_PORT = 2525


def start_service(name: str, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    log = open(VAR_DIR / f"{name}.log", "ab")  # noqa: SIM115 - kept open for the child's life
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            f"services.{name}.main:create_app",
            "--factory",
            "--host",
            os.environ.get("GOPY_HOST", "127.0.0.1"),
            "--port",
            str(port),
            "--no-access-log",
            "--no-proxy-headers",
            "--timeout-graceful-shutdown",  # a request that never ends must not hold a stop
            "5",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )


def url_of(name: str) -> str:
    return f"http://127.0.0.1:{SERVICES[name]}"


def check_tallied(document_id: str) -> None:
    """The aggregator answers the sample's tallies; readiness promised it, this proves it."""
    token = issue_token(
        ServiceSettings().signing_keys, "make-run", ["reviewer"], ttl=timedelta(minutes=1)
    )
    response = httpx.get(
        f"{url_of('aggregator')}/api/documents/{document_id}/tallies",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    if response.status_code != 200:
        raise NotReady(f"the aggregator does not know the sample draft: {response.text}")


def stop_all(children: list[subprocess.Popen[bytes]], broker: EmbeddedBroker | None) -> None:
    for child in reversed(children):
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    for child in children:
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
    if broker is not None:
        broker.stop()


def main() -> int:
    VAR_DIR.mkdir(exist_ok=True)
    env = dict(os.environ)
    broker: EmbeddedBroker | None = None
    if "KAFKA_BOOTSTRAP_SERVERS" not in env:
        port = int(env.get("GOPY_BROKER_PORT", "9092"))
        broker = start_broker(port, log_file=VAR_DIR / "broker.log")
        env["KAFKA_BOOTSTRAP_SERVERS"] = broker.bootstrap
        print(f"Broker (Tansu, in memory) on {broker.bootstrap}")
    catcher = start_for_devrun(env, VAR_DIR / "mail")
    # E-mailed comments: the SMTP listener of the feedback service (DESIGN.md: port 2525).
    env.setdefault("FEEDBACK_INTAKE_SMTP_PORT", str(SMTP_INTAKE_PORT))
    env.setdefault("FEEDBACK_INTAKE_MAIL_DOMAIN", "gopy.localhost")
    children: list[subprocess.Popen[bytes]] = []
    stopping = False

    def on_signal(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        for name in SERVICES:
            migrate.upgrade(name)
        os.environ.update(env)
        document_id, summary = asyncio.run(import_file(SAMPLE, OPEN_DAYS))
        print(summary)
        for stage in STAGES:
            started = {name: start_service(name, SERVICES[name], env) for name in stage}
            children.extend(started.values())
            for name, child in started.items():
                wait_ready(url_of(name), alive=lambda c=child: c.poll() is None)  # type: ignore[misc]
        check_tallied(document_id)
        print_urls(catcher.where() if catcher else None, show_admin_hint=not admin_exists())
        while not stopping and all(c.poll() is None for c in children):
            time.sleep(0.3)
        if not stopping:
            print("A service stopped unexpectedly; see var/*.log. Stopping the rest.")
            return 1
        return 0
    except NotReady as exc:
        print(f"Góp Ý did not start: {exc}. See var/*.log.")
        return 1
    finally:
        print("Stopping services and broker...")
        stop_all(children, broker)
        if catcher is not None:
            catcher.stop()


def print_urls(mail: str | None = None, show_admin_hint: bool = True) -> None:
    print(
        "\nGóp Ý is running:\n"
        "  Drafts for citizens:     http://127.0.0.1:8001/\n"
        "  Receipt look-up:         http://127.0.0.1:8002/receipt\n"
        "  Draft administration:    http://127.0.0.1:8001/soan-thao   (staff)\n"
        "  Subcommittee workspace:  http://127.0.0.1:8003/tong-hop    (staff)\n"
        "  Staff sign-in:           http://127.0.0.1:8003/dang-nhap\n"
        "  Clerks (mail, letters):  http://127.0.0.1:8002/van-thu      (staff)\n"
        f"  Comments by e-mail:      SMTP 127.0.0.1:{SMTP_INTAKE_PORT}, to the draft's address\n"
        "                           (its invitation's, or <slug>@gopy.localhost)\n"
        + (f"Outgoing mail (caught, never delivered): {mail}\n" if mail else "")
        + (
            "First administrator:\n"
            "  .venv/bin/python -m services.aggregator create-admin --email you@example.vn\n"
            if show_admin_hint
            else ""
        )
        + "Staff API token:\n"
        "  .venv/bin/python -m services.aggregator create-token --role reviewer\n"
        "Logs: var/*.log. Press Ctrl-C to stop.\n"
    )


if __name__ == "__main__":
    raise SystemExit(main())
