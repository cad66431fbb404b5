"""Command line of the feedback service.

python -m services.feedback parse-email --document DRAFT.txt FILE.eml...
    Reads the messages in order as one batch (duplicates within it are found), with no
    database or broker, and prints one JSON object per message per line (DESIGN.md §6).

python -m services.feedback import-mail PATH... [--document SLUG]
    Stores .eml files, folders of them and .mbox files in the feedback database (the
    original bytes kept) and files them as comments, with a progress bar and a summary.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from services.feedback.mail import DedupState, ParsedMessage, read_message
from services.feedback.mail.catalogue import Catalogue
from services.feedback.mail.draft import catalogue_from_document


def load_catalogue(path: Path) -> Catalogue:
    """The draft's sections; the documents parser reads .txt and .docx alike."""
    from services.documents.parsing import parse_file

    return catalogue_from_document(parse_file(path))


def message_record(file: str, parsed: ParsedMessage) -> dict[str, Any]:
    """The fixed JSON shape of one parsed message."""
    comments = (
        [{"section": list(c.section_path), "text": c.text} for c in parsed.comments]
        if parsed.outcome == "accepted"
        else []
    )
    return {
        "file": file,
        "outcome": parsed.outcome,
        "comments": comments,
        "sender_email": parsed.sender_email or None,
        "sender_name": parsed.sender_name or None,
        "reason": parsed.reason or None,
    }


def parse_email(document: Path, files: list[Path]) -> int:
    catalogue = load_catalogue(document)
    seen = DedupState()
    for file in files:
        try:
            raw = file.read_bytes()
        except OSError as exc:
            record: dict[str, Any] = {
                "file": str(file),
                "outcome": "quarantined",
                "comments": [],
                "sender_email": None,
                "sender_name": None,
                "reason": f"Không đọc được tệp: {exc.strerror or exc}",
            }
        else:
            record = message_record(str(file), read_message(raw, catalogue, seen))
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.feedback")
    commands = parser.add_subparsers(dest="command", required=True)
    parse = commands.add_parser("parse-email", help="read .eml files against a draft (no DB)")
    parse.add_argument("--document", type=Path, required=True)
    parse.add_argument("files", type=Path, nargs="+")
    imports = commands.add_parser("import-mail", help="import .eml/.mbox into the database")
    imports.add_argument("paths", type=Path, nargs="+")
    imports.add_argument(
        "--document", default="", help="slug of the draft, when the recipients do not say"
    )
    args = parser.parse_args(argv)
    if args.command == "parse-email":
        return parse_email(args.document, args.files)
    if args.command == "import-mail":
        from services.feedback.mail.import_command import run_import

        return run_import(args.paths, args.document)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
