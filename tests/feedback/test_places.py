"""A section is named to a citizen by its path and title, in the page's language."""

from __future__ import annotations

import uuid

from services.feedback.acknowledgements import compose, place_of
from services.feedback.models import CatalogueDocument, CatalogueSection, Comment
from shared import events as ev
from shared.events import utcnow
from shared.i18n import translator
from tests.feedback.conftest import Intake

DOC = CatalogueDocument(
    id=uuid.uuid4(), slug="du-thao", title="Dự thảo Báo cáo", status="open", event_at=utcnow()
)
SECTION = CatalogueSection(
    id=uuid.uuid4(),
    document_id=DOC.id,
    position=70,
    level=4,
    number="1.3",
    title="Tập trung đầu tư hạ tầng",
    path=["Phần thứ hai", "V", "1", "1.3"],
)


class TestPlace:
    def test_the_e_mail_names_the_path_not_the_bare_number(self) -> None:
        comment = Comment(receipt="ABCDE-FGHJK", document_id=DOC.id, channel="web", text="x")
        comment.received_at = utcnow()
        _subject, body = compose(comment, place_of(DOC, SECTION), "http://fb")
        assert "Xếp vào: mục Phần thứ hai › V › 1 › 1.3. Tập trung đầu tư hạ tầng" in body

    def test_english_pages_say_section_and_tag_the_draft_words_as_vietnamese(self) -> None:
        place = place_of(DOC, SECTION)
        html = str(place.html(translator("en")))
        assert html == (
            'section <span lang="vi">Phần thứ hai › V › 1 › 1.3. Tập trung đầu tư hạ tầng</span>'
            ' — <span lang="vi">Dự thảo Báo cáo</span>'
        )
        whole = str(place_of(DOC, None).html(translator("en")))
        assert whole == 'the whole draft — <span lang="vi">Dự thảo Báo cáo</span>'

    def test_the_form_label_and_the_way_back_lead_to_the_section(self) -> None:
        place = place_of(DOC, SECTION)
        label = str(place.form_label(translator("vi")))
        assert label.startswith('Ý kiến của bạn về mục <span lang="vi">Phần thứ hai › V')
        assert place.back_url("http://docs/d/du-thao") == f"http://docs/d/du-thao/s/{SECTION.id}"
        assert place_of(DOC, None).back_url("http://docs/d/du-thao") == "http://docs/d/du-thao"

    def test_a_title_with_markup_is_escaped(self) -> None:
        odd = CatalogueSection(**{**SECTION.model_dump(), "title": "<b>x</b>"})
        assert "&lt;b&gt;x&lt;/b&gt;" in str(place_of(DOC, odd).html(translator("vi")))


class TestRefusalPage:
    async def test_a_refused_section_comment_keeps_the_path_label_and_the_way_back(
        self, intake: Intake, open_document: ev.DocumentState
    ) -> None:
        form = intake.form(open_document, email="d@example.vn")  # personal data, no consent
        page = await intake.client.post("/comments", data=form)
        assert page.status_code == 422
        section = open_document.sections[1]
        assert 'Ý kiến của bạn về mục <span lang="vi">I › 1. Kinh tế</span>' in page.text
        assert f'href="http://gopy.test:8001/d/{open_document.slug}/s/{section.id}"' in page.text
