"""What a batch (or the intake's store) has already seen: Message-IDs and sender + text."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Protocol

from .text import fold_same_length

_NOISE = re.compile(r"[\W_]+")


def content_key(sender_email: str, text: str) -> str:
    """Same sender and same words (case, accents, spacing and punctuation aside)."""
    normal = _NOISE.sub(" ", fold_same_length(text)).strip()
    return hashlib.sha256(f"{sender_email.lower()}\n{normal}".encode()).hexdigest()


def message_id_key(message_id: str) -> str:
    return message_id.strip().strip("<>").strip().lower()


class SeenStore(Protocol):
    """What the reader asks of a duplicate store; the intake may back it with its tables."""

    def seen_message_id(self, message_id: str) -> bool: ...

    def seen_content(self, key: str) -> bool: ...

    def remember(self, message_id: str, key: str | None) -> None: ...


@dataclass
class DedupState:
    """Keys already recorded; the intake may load it from its store, the CLI starts empty."""

    message_ids: set[str] = field(default_factory=set)
    contents: set[str] = field(default_factory=set)

    def seen_message_id(self, message_id: str) -> bool:
        return bool(message_id) and message_id_key(message_id) in self.message_ids

    def seen_content(self, key: str) -> bool:
        return key in self.contents

    def remember(self, message_id: str, key: str | None) -> None:
        if message_id:
            self.message_ids.add(message_id_key(message_id))
        if key:
            self.contents.add(key)
