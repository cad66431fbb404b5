"""The ``import-mail`` command: progress while it runs, a summary table at the end."""

from __future__ import annotations

import asyncio
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from services.feedback.config import FeedbackSettings
from services.feedback.intake import CommentIntake
from services.feedback.mail.importer import (
    OUTCOMES,
    ImportSummary,
    count_messages,
    import_messages,
    iter_raw_messages,
)
from services.feedback.mail.service import options_from
from shared.db import create_engine, session_factory
from shared.group_commit import GroupCommitter

LABELS = {
    "accepted": "Nhận thành ý kiến",
    "quarantined": "Chờ văn thư xử lý",
    "duplicate": "Trùng lặp",
    "rejected_spam": "Thư rác",
    "not_a_comment": "Không phải góp ý",
    "rejected_size": "Quá lớn, không nhập",
}


async def _import(paths: list[Path], document: str, console: Console) -> ImportSummary:
    settings = FeedbackSettings()
    if document:
        settings = settings.model_copy(update={"intake_default_document": document})
    engine = create_engine(settings.database_url)
    sessions = session_factory(engine)
    committer = GroupCommitter(sessions, max_batch=settings.group_commit_max_batch)
    stop = asyncio.Event()
    committing = asyncio.create_task(committer.run(stop))
    intake = CommentIntake(committer, sessions, settings)
    total = count_messages(paths)
    try:
        with Progress(
            TextColumn("Đang nhập thư"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
        ) as progress:
            task = progress.add_task("import", total=total)
            summary = await import_messages(
                sessions,
                intake,
                iter_raw_messages(paths),
                options_from(settings),
                max_bytes=settings.intake_max_message_bytes,
                on_progress=lambda _mail, _outcome: progress.advance(task),
            )
    finally:
        stop.set()
        await committing
        await engine.dispose()
    return summary


def summary_table(summary: ImportSummary) -> Table:
    table = Table(title=f"Kết quả nhập {summary.total} thư")
    table.add_column("Kết quả")
    table.add_column("Số thư", justify="right")
    for outcome in (*OUTCOMES, "rejected_size"):
        if outcome in OUTCOMES or summary.counts.get(outcome):
            table.add_row(LABELS[outcome], str(summary.counts.get(outcome, 0)))
    return table


def run_import(paths: list[Path], document: str) -> int:
    console = Console(stderr=True)
    missing = [p for p in paths if not p.exists()]
    if missing:
        console.print(f"Không tìm thấy: {', '.join(str(p) for p in missing)}")
        return 2
    summary = asyncio.run(_import(paths, document, console))
    out = Console()
    out.print(summary_table(summary))
    for reference, reason in summary.quarantined[:50]:
        out.print(f"• {reference}: {reason}")
    return 0
