"""``import-mail``: .eml files, folders of them and .mbox files into the inbox, then read.

Each message is stored (original bytes) and read in its own transaction, so an import
stopped half-way can simply be run again: what was recorded comes out as duplicates.
"""

from __future__ import annotations

import mailbox
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.feedback.intake import CommentIntake
from services.feedback.mail.inbox import store_raw
from services.feedback.mail.processor import MailIntakeOptions, process_one
from services.feedback.models import InboundMessage
from shared.db import unit_of_work

OUTCOMES = ("accepted", "quarantined", "duplicate", "rejected_spam", "not_a_comment")


@dataclass(frozen=True)
class RawMail:
    reference: str
    raw: bytes


@dataclass
class ImportSummary:
    counts: Counter[str] = field(default_factory=Counter)
    quarantined: list[tuple[str, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _is_mbox(path: Path) -> bool:
    if path.suffix.lower() == ".mbox":
        return True
    with path.open("rb") as handle:
        return handle.read(5) == b"From "


def iter_raw_messages(paths: list[Path]) -> Iterator[RawMail]:
    """Every message under these paths, in a stable order (folders sorted by name)."""
    for path in paths:
        if path.is_dir():
            yield from iter_raw_messages(
                sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
            )
        elif _is_mbox(path):
            box = mailbox.mbox(path, create=False)
            try:
                for index, key in enumerate(box.iterkeys()):
                    yield RawMail(f"{path}#{index + 1}", box.get_bytes(key))
            finally:
                box.close()
        else:
            yield RawMail(str(path), path.read_bytes())


def count_messages(paths: list[Path]) -> int:
    """How many messages an import will read, for its progress bar."""
    return sum(1 for _ in iter_raw_messages(paths))


async def import_messages(
    sessions: async_sessionmaker[AsyncSession],
    intake: CommentIntake,
    messages: Iterator[RawMail],
    options: MailIntakeOptions,
    *,
    max_bytes: int,
    on_progress: Callable[[RawMail, str], None] | None = None,
) -> ImportSummary:
    """Store and read each message; return the outcome counts for the summary table."""
    summary = ImportSummary()
    for mail in messages:
        if len(mail.raw) > max_bytes:
            outcome = "rejected_size"
            summary.quarantined.append((mail.reference, "Thư quá lớn, không nhập."))
        else:
            async with unit_of_work(sessions) as session:
                stored = store_raw(session, mail.raw, source="import", source_ref=mail.reference)
            outcome = await process_one(sessions, intake, stored.id, options) or "pending"
            if outcome == "quarantined":
                async with sessions() as session:
                    message = await session.get(InboundMessage, stored.id)
                    reason = message.reason if message else ""
                summary.quarantined.append((mail.reference, reason or ""))
        summary.counts[outcome] += 1
        if on_progress:
            on_progress(mail, outcome)
    return summary
