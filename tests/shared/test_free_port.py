"""Ports for a process started next: never from the kernel's range for outgoing connections,
where another process's connection could take the port before the service binds it."""

from __future__ import annotations

import socket

from shared.broker import _outgoing_ports_start, free_port


def test_free_ports_are_below_the_outgoing_range_distinct_and_bindable() -> None:
    start = _outgoing_ports_start()
    ports = [free_port() for _ in range(50)]
    assert len(set(ports)) == 50
    assert all(10_000 <= port < start for port in ports)
    for port in ports[:5]:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))


def test_a_port_in_use_is_never_given() -> None:
    taken = []
    try:
        for _ in range(20):  # hold a few ports from the range free_port draws from
            sock = socket.socket()
            sock.bind(("127.0.0.1", free_port()))
            sock.listen()
            taken.append(sock)
        held = {sock.getsockname()[1] for sock in taken}
        assert not held & {free_port() for _ in range(200)}
    finally:
        for sock in taken:
            sock.close()
