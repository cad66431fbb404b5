"""Who sent a request: the one rule every service uses to name the client's address.

The peer is the client unless it is one of our own reverse proxies (``TRUSTED_PROXIES``).
Behind them, X-Forwarded-For lists the hops, each proxy appending the address it saw;
the client is the right-most address our proxies did not add. Anything to its left was
written by the client itself and proves nothing. Uvicorn runs with ``--no-proxy-headers``
so it never rewrites the peer from that header before this rule is applied.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from starlette.requests import HTTPConnection

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=16)
def trusted_networks(spec: str) -> tuple[Network, ...]:
    """Parse ``10.0.0.5, 172.30.0.0/24`` into networks (a bare address is a /32 or /128)."""
    return tuple(
        ipaddress.ip_network(part.strip(), strict=False) for part in spec.split(",") if part.strip()
    )


def _within(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(connection: HTTPConnection, trusted_proxies: str) -> str:
    """The client's address: the peer, or behind our proxies the right-most hop not ours."""
    peer = connection.client.host if connection.client else "unknown"
    networks = trusted_networks(trusted_proxies)
    if not networks or not _within(peer, networks):
        return peer
    header = ",".join(connection.headers.getlist("x-forwarded-for"))
    hops = [hop.strip() for hop in header.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _within(hop, networks):
            return hop
    # every hop is one of our proxies (or none was given): the left-most one is the closest
    # we know to the client
    return hops[0] if hops else peer


def is_loopback(connection: HTTPConnection) -> bool:
    """The peer itself is this machine (a local scrape, a health probe)."""
    peer = connection.client.host if connection.client else ""
    try:
        return ipaddress.ip_address(peer).is_loopback
    except ValueError:
        return False
