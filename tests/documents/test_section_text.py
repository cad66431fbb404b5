"""documents.v1 carries each section's text, so feedback can match phrases and indicators."""

from __future__ import annotations

import uuid
from pathlib import Path

from services.documents.models import Document
from services.documents.parsing import parse_file
from services.documents.service import build_sections, document_state
from services.feedback.mail.catalogue import Catalogue

SEED = Path(__file__).parent / "parsing" / "fixtures" / "000_e341ae35a8b646af.txt"


class TestSectionText:
    def test_event_sections_carry_paragraphs_and_table_rows(self) -> None:
        document = Document(id=uuid.uuid4(), slug="du-thao", title="Dự thảo", content_hash="x")
        sections = build_sections(document.id, parse_file(SEED))
        state = document_state(document, sections)
        texts = {tuple(s.path): s.text or "" for s in state.sections}
        assert "du lịch 8 tỉnh Tây Bắc mở rộng" in texts[("Phần thứ hai", "IV", "3")]
        appendix = texts[("Phần thứ hai", "V", "6", "6.6")]
        assert "| Tổng sản lượng lương thực | Nghìn tấn |" in appendix

    def test_the_feedback_catalogue_reads_the_event_as_it_is(self) -> None:
        document = Document(id=uuid.uuid4(), slug="du-thao", title="Dự thảo", content_hash="x")
        state = document_state(document, build_sections(document.id, parse_file(SEED)))
        catalogue = Catalogue.from_records([s.model_dump() for s in state.sections])
        names = [name for name, _ in catalogue.indicators]
        assert "tong san luong luong thuc" in names
