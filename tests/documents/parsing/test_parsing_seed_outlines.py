"""The three seed drafts give exactly the hand-checked outlines in expected/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from services.documents.parsing import outline_records, parse_file

SEEDS = ["000_e341ae35a8b646af", "001_fff7aae3549267b3", "002_09586b55cf7290dc"]
FIELDS = ["line", "level", "number", "title", "path"]


def _diff(expected: list[dict[str, Any]], actual: list[dict[str, Any]]) -> list[str]:
    """Readable heading-by-heading differences, keyed by source line."""
    out = []
    exp_by_line = {h["line"]: h for h in expected}
    act_by_line = {h["line"]: h for h in actual}
    for line in sorted(set(exp_by_line) | set(act_by_line)):
        exp, act = exp_by_line.get(line), act_by_line.get(line)
        if exp is None:
            out.append(f"+ line {line}: unexpected heading {act}")
        elif act is None:
            out.append(f"- line {line}: missing heading {exp}")
        else:
            for name in FIELDS:
                if exp[name] != act[name]:
                    out.append(f"~ line {line} {name}: expected {exp[name]!r}, got {act[name]!r}")
    return out


@pytest.mark.parametrize("seed", SEEDS)
def test_seed_outline_matches_hand_checked(
    seed: str, fixtures_dir: Path, expected_dir: Path
) -> None:
    expected = json.loads((expected_dir / f"{seed}.json").read_text(encoding="utf-8"))
    actual = outline_records(parse_file(fixtures_dir / f"{seed}.txt"))
    differences = _diff(expected, actual)
    assert not differences, "\n" + "\n".join(differences)
    assert actual == expected
    assert all(list(h) == FIELDS for h in actual)


def test_outline_is_json_serialisable_with_vietnamese(fixtures_dir: Path) -> None:
    records = outline_records(parse_file(fixtures_dir / f"{SEEDS[2]}.txt"))
    assert "Lĩnh vực kinh tế" in json.dumps(records, ensure_ascii=False)


def test_seed_000_keeps_appendix_table_in_last_section(fixtures_dir: Path) -> None:
    from services.documents.parsing import Table

    doc = parse_file(fixtures_dir / f"{SEEDS[0]}.txt")
    last = doc.sections[-1]
    tables = [b for b in last.blocks if isinstance(b, Table)]
    assert len(tables) == 1
    rows = tables[0].rows
    assert rows[0][:3] == ["STT", "Chỉ tiêu", "Đơn vị tính"]
    assert all(len(r) == 8 for r in rows)
    assert ["1", "Tổng sản phẩm trên địa bàn (GRDP theo giá so sánh)", "Tỷ đồng"] == rows[2][:3]
    labels = [r[0] for r in rows if r[0]]
    assert labels[1:4] == ["A", "1", "2"]
    assert "B" in labels and "18" in labels


def test_seed_metadata_and_titles(fixtures_dir: Path) -> None:
    doc = parse_file(fixtures_dir / f"{SEEDS[2]}.txt")
    assert doc.metadata == {
        "issuer": "ỦY BAN NHÂN DÂN TỈNH ĐIỆN BIÊN",
        "number": "350 /BC-UBND",
        "place": "Điện Biên",
        "date": "2022-12-02",
        "kind": "BÁO CÁO",
    }
    assert doc.title.startswith("Tình hình thực hiện Kế hoạch phát triển kinh tế - xã hội")
    assert all("350 /BC-UBND" not in getattr(b, "text", "") for b in doc.preamble)
    web = parse_file(fixtures_dir / f"{SEEDS[0]}.txt")
    assert web.title.startswith("NÂNG CAO NĂNG LỰC LÃNH ĐẠO")
    assert any("Điện Biên TV" in getattr(b, "text", "") for b in web.preamble)
    pdf = parse_file(fixtures_dir / f"{SEEDS[1]}.txt")
    assert pdf.title.startswith("Báo cáo tình hình thực hiện kế hoạch phát triển kinh tế")


def test_seed_warnings_report_numbering_problems(fixtures_dir: Path) -> None:
    doc = parse_file(fixtures_dir / f"{SEEDS[2]}.txt")
    assert any("“1.2”" in w and "I.1" in w for w in doc.warnings)
    assert any("“1.5”" in w for w in doc.warnings)
    pdf = parse_file(fixtures_dir / f"{SEEDS[1]}.txt")
    assert any("“2.2”" in w for w in pdf.warnings)
    assert any("Phần thứ hai" in w for w in pdf.warnings)


class TestSeedInvitations:
    """Each seed's own invitation text, and nothing taken from the report body."""

    def test_seed_000_email_and_window(self, fixtures_dir: Path) -> None:
        from services.documents.parsing import invitation_record

        doc = parse_file(fixtures_dir / f"{SEEDS[0]}.txt")
        assert invitation_record(doc) == {
            "emails": ["Dienbientv.vn@gmail.com"],
            "postal_addresses": [],
            "deadline": "2020-07-31",
            "postage_free": False,
        }
        assert doc.invitation.opens is not None and doc.invitation.opens.isoformat() == "2020-07-02"

    @pytest.mark.parametrize("seed", [1, 2], ids=["seed_001_despite_body_dates", "seed_002"])
    def test_a_seed_without_an_invitation_has_none(self, fixtures_dir: Path, seed: int) -> None:
        from services.documents.parsing import invitation_record

        doc = parse_file(fixtures_dir / f"{SEEDS[seed]}.txt")
        assert invitation_record(doc) == {
            "emails": [],
            "postal_addresses": [],
            "deadline": None,
            "postage_free": False,
        }
