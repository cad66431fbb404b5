"""The whole corpus through the fixed ``parse-email`` command and through the reader."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from services.feedback.mail import DedupState, read_message
from services.feedback.mail.catalogue import Catalogue

from .conftest import CORPUS, DRAFT

ROOT = Path(__file__).resolve().parents[3]
FIELDS = {"file", "outcome", "comments", "sender_email", "sender_name", "reason"}


def _check(name: str, record: dict[str, Any], want: dict[str, Any]) -> list[str]:
    """What differs between one printed record and its expectation."""
    errors = []
    if record["outcome"] != want["outcome"]:
        errors.append(f"{name}: outcome {record['outcome']} != {want['outcome']} ({record})")
        return errors
    if want["outcome"] == "accepted":
        sections = sorted(c["section"] for c in record["comments"])
        if sections != sorted(want["sections"]):
            errors.append(f"{name}: sections {sections} != {want['sections']}")
    if record["sender_email"] != want["sender_email"]:
        errors.append(f"{name}: sender {record['sender_email']} != {want['sender_email']}")
    text = "\n".join(c["text"] for c in record["comments"])
    errors += [f"{name}: missing “{p}”" for p in want["contains"] if p not in text]
    errors += [f"{name}: kept “{p}”" for p in want["absent"] if p in text]
    return errors


class TestCommand:
    def test_parse_email_prints_one_json_line_per_message_as_expected(
        self, expected: dict[str, dict[str, Any]]
    ) -> None:
        files = sorted(CORPUS.glob("*.eml"))
        assert len(files) >= 40
        run = subprocess.run(
            [sys.executable, "-m", "services.feedback", "parse-email", "--document", str(DRAFT)]
            + [str(f) for f in files],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        lines = run.stdout.splitlines()
        assert len(lines) == len(files)
        errors: list[str] = []
        for file, line in zip(files, lines, strict=True):
            record = json.loads(line)
            assert set(record) == FIELDS
            assert record["file"] == str(file)
            if record["outcome"] != "accepted":
                assert record["comments"] == [] and record["reason"]
            errors += _check(file.name, record, expected[file.name])
        assert not errors, "\n".join(errors)

    def test_every_kind_of_outcome_is_in_the_corpus(
        self, expected: dict[str, dict[str, Any]]
    ) -> None:
        outcomes = {want["outcome"] for want in expected.values()}
        assert outcomes == {
            "accepted",
            "quarantined",
            "duplicate",
            "rejected_spam",
            "not_a_comment",
        }


class TestReader:
    def test_the_batch_order_decides_which_copy_is_the_duplicate(
        self, catalogue: Catalogue
    ) -> None:
        first = (CORPUS / "46_same_message_id_as_01.eml").read_bytes()
        second = (CORPUS / "01_subject_muc_phan_thu_hai.eml").read_bytes()
        seen = DedupState()
        assert read_message(first, catalogue, seen).outcome == "accepted"
        assert read_message(second, catalogue, seen).outcome == "duplicate"

    def test_a_fresh_state_accepts_the_message_again(self, catalogue: Catalogue) -> None:
        raw = (CORPUS / "01_subject_muc_phan_thu_hai.eml").read_bytes()
        assert read_message(raw, catalogue, DedupState()).outcome == "accepted"
        assert read_message(raw, catalogue, DedupState()).outcome == "accepted"

    def test_a_forward_records_who_forwarded_it(self, catalogue: Catalogue) -> None:
        raw = (CORPUS / "25_forward_rfc822.eml").read_bytes()
        parsed = read_message(raw, catalogue, DedupState())
        assert parsed.sender_email == "chuga1958@gmail.com"
        assert parsed.forwarded_by == "mygt@gmail.com"

    def test_a_quarantined_message_keeps_its_text_for_the_clerk(self, catalogue: Catalogue) -> None:
        raw = (CORPUS / "09_ambiguous_section.eml").read_bytes()
        parsed = read_message(raw, catalogue, DedupState())
        assert parsed.outcome == "quarantined"
        assert "nhân lực" in parsed.text
        assert "Phần thứ nhất › I › 1 › 1.3" in parsed.reason

    def test_section_ids_come_from_the_catalogue(self, catalogue: Catalogue) -> None:
        raw = (CORPUS / "11_several_sections.eml").read_bytes()
        parsed = read_message(raw, catalogue, DedupState())
        by_id = {e.id: e.path for e in catalogue.entries}
        assert [by_id[c.section_id] for c in parsed.comments if c.section_id] == [
            c.section_path for c in parsed.comments
        ]
