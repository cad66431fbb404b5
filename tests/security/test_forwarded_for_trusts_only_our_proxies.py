"""Low: a client could pick its own address with X-Forwarded-For (uvicorn rewrote it from
loopback, and compose trusted "*"). One rule in shared decides for every service: only
configured proxies are believed, and the client is the right-most address they did not add."""

from __future__ import annotations

from pathlib import Path

import yaml
from starlette.requests import Request

from shared.client_address import client_address

ROOT = Path(__file__).resolve().parents[2]


def _request(peer: str, forwarded: str | None) -> Request:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded is not None else []
    return Request({"type": "http", "client": (peer, 1234), "headers": headers})


class TestForwardedForTrustsOnlyOurProxies:
    def test_without_trusted_proxies_the_header_is_ignored(self) -> None:
        assert client_address(_request("198.51.100.9", "1.2.3.4"), "") == "198.51.100.9"
        assert client_address(_request("127.0.0.1", "1.2.3.4"), "") == "127.0.0.1"

    def test_a_header_from_anyone_else_is_ignored(self) -> None:
        assert client_address(_request("198.51.100.9", "1.2.3.4"), "10.0.0.5") == "198.51.100.9"

    def test_behind_our_proxy_the_right_most_untrusted_hop_is_the_client(self) -> None:
        # the client wrote "1.2.3.4" itself; our proxy appended the address it saw
        request = _request("10.0.0.5", "1.2.3.4, 198.51.100.9")
        assert client_address(request, "10.0.0.5") == "198.51.100.9"
        chained = _request("10.0.0.5", "1.2.3.4, 198.51.100.9, 10.0.0.6")
        assert client_address(chained, "10.0.0.0/24") == "198.51.100.9"

    def test_no_server_lets_uvicorn_rewrite_the_client_address(self) -> None:
        compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
        for name in ("documents", "feedback", "aggregator"):
            command = compose["services"][name]["command"]
            assert "--forwarded-allow-ips" not in command and "--no-proxy-headers" in command
        assert "--no-proxy-headers" in (ROOT / "Dockerfile").read_text()
        assert "--no-proxy-headers" in (ROOT / "shared" / "devrun.py").read_text()
