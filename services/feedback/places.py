"""Where a comment is filed, said to a citizen in the page's language.

A ``Place`` reads as the Vietnamese sentence the acknowledgement e-mail uses; templates ask
it for the words of their language, with the draft's own (Vietnamese) words marked as such.
"""

from __future__ import annotations

import uuid

from markupsafe import Markup, escape

from shared.i18n import Translate


def _vi(text: str) -> Markup:
    return Markup('<span lang="vi">{}</span>').format(text)


class Place(str):
    """'mục Phần thứ hai › V › 1 › 1.3. Nông nghiệp — Dự thảo …', with its parts kept."""

    document_title: str
    section_id: uuid.UUID | None
    section: str

    def __new__(
        cls,
        text: str,
        *,
        document_title: str = "",
        section_id: uuid.UUID | None = None,
        section: str = "",
    ) -> Place:
        place = super().__new__(cls, text)
        place.document_title = document_title
        place.section_id = section_id
        place.section = section
        return place

    def html(self, t: Translate) -> Markup:
        """The place in the page's language; the draft's own words stay tagged Vietnamese."""
        if self.section_id is None:
            return Markup(t("where.whole", document=_vi(self.document_title)))
        document = _vi(self.document_title)
        return Markup(t("where.section", section=_vi(self.section), document=document))

    def form_label(self, t: Translate) -> Markup:
        """The label of the comment box: 'Ý kiến của bạn về mục Phần thứ hai › … › 1.3. …'."""
        return Markup("{} {}").format(escape(t("form.text_section")), _vi(self.section))

    def back_url(self, document_url: str) -> str:
        """The section's page when the comment was on a section, else the draft's page."""
        if self.section_id is None:
            return document_url
        return f"{document_url.rstrip('/')}/s/{self.section_id}"
