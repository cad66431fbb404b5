"""Topic names and their fixed partition counts (created explicitly, never by a producer)."""

from __future__ import annotations

DOCUMENTS = "documents.v1"
COMMENTS = "comments.v1"
STAFF = "staff.v1"  # revocations of staff sessions and API tokens, keyed by subject

PARTITIONS: dict[str, int] = {DOCUMENTS: 3, COMMENTS: 6, STAFF: 1}


def topic_name(topic: str, prefix: str = "") -> str:
    """The broker-side name: a deployment may share a cluster under a prefix."""
    return f"{prefix}{topic}"


def group_name(group: str, prefix: str = "") -> str:
    """A consumer group's broker-side name: under a prefix, a deployment's groups are its
    own too, so joining or leaving never makes another deployment's consumers rebalance."""
    return f"{prefix}{group}"
