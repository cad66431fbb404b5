"""Command line of the documents service.

python -m services.documents outline FILE        # JSON outline (DESIGN.md section 6)
python -m services.documents text FILE.pdf       # the reflowed text the outline's lines count
python -m services.documents invitation FILE     # JSON invitation details
python -m services.documents import FILE [--open-days N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from services.documents import service
from services.documents.config import DocumentsSettings
from services.documents.parsing import (
    PdfUnreadable,
    invitation_record,
    outline_records,
    parse_file,
    pdf_text,
)
from services.documents.upload import UploadLimits, import_upload
from shared.db import create_engine, session_factory, unit_of_work
from shared.events import utcnow


def _print_json(value: object) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=1) + "\n")


async def import_file(path: Path, open_days: int | None) -> tuple[str, str]:
    """Import (or find again) a draft, opening it when asked; returns its id and a summary."""
    settings = DocumentsSettings()
    engine = create_engine(settings.database_url)
    try:
        async with unit_of_work(session_factory(engine)) as session:
            if path.suffix.lower() in (".docx", ".pdf"):
                document, created = await import_upload(
                    session, path.name, path.read_bytes(), UploadLimits.of(settings)
                )
            else:
                document, created = await service.import_draft(
                    session, path.read_text(encoding="utf-8-sig"), path.name
                )
            window_passed = document.closes_at is None or document.closes_at < utcnow()
            if open_days and (document.status == "draft" or window_passed):
                await service.open_for_days_from_today(session, document, open_days)
            verb = "Đã nhập" if created else "Đã có sẵn"
            count = len(await service.sections_of(session, document.id))
            return str(document.id), f"{verb}: {document.title} ({document.slug}, {count} mục)"
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.documents")
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("outline", "invitation", "text"):
        commands.add_parser(name).add_argument("file", type=Path)
    importer = commands.add_parser("import", help="import a draft into the database")
    importer.add_argument("file", type=Path)
    importer.add_argument("--open-days", type=int, default=None)
    args = parser.parse_args(argv)

    try:
        if args.command == "outline":
            _print_json(outline_records(parse_file(args.file)))
        elif args.command == "invitation":
            _print_json(invitation_record(parse_file(args.file)))
        elif args.command == "text":
            sys.stdout.write(pdf_text(args.file.read_bytes()))
        elif args.command == "import":
            print(asyncio.run(import_file(args.file, args.open_days))[1])
    except PdfUnreadable as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
