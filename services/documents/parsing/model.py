"""Data model of a parsed draft: the section tree the citizens comment on."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field


@dataclass
class Paragraph:
    """A run of body text (one reflowed paragraph)."""

    text: str


@dataclass
class Table:
    """A table; the first row is the header, every other row is citable on its own."""

    rows: list[list[str]]


Block = Paragraph | Table


@dataclass
class Section:
    """One heading of the draft's own structure and the body directly under it."""

    line: int
    level: int
    number: str
    title: str
    path: list[str]
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Invitation:
    """How and until when citizens may comment, as the draft itself states it."""

    emails: list[str] = field(default_factory=list)
    postal_addresses: list[str] = field(default_factory=list)
    deadline: datetime.date | None = None
    opens: datetime.date | None = None
    postage_free: bool = False


@dataclass
class ParsedDocument:
    """Everything the documents service stores about one imported draft."""

    title: str
    metadata: dict[str, str]
    preamble: list[Block]
    sections: list[Section]
    invitation: Invitation
    warnings: list[str] = field(default_factory=list)
