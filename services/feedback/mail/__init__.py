"""Reading citizens' e-mail: MIME, text, quotes, attachments, sections, outcome.

The reader is pure (no database, no broker): ``read_message(raw, catalogue, seen)`` turns
one raw message into a ``ParsedMessage`` that the intake path files or quarantines.
"""

from __future__ import annotations

from .catalogue import Catalogue, CatalogueEntry
from .dedup import DedupState, SeenStore, content_key
from .reader import Limits, ParsedComment, ParsedMessage, read_message

__all__ = [
    "Catalogue",
    "CatalogueEntry",
    "DedupState",
    "SeenStore",
    "content_key",
    "Limits",
    "ParsedComment",
    "ParsedMessage",
    "read_message",
]
