"""The acknowledgement e-mail a commenter receives: composed and queued with the comment.

Queuing in the comment's own transaction means the mail is neither lost (the comment
committed) nor sent for a comment that was not stored (the transaction rolled back).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from services.feedback.intake_catalogue import DocumentWindow, SectionEntry
from services.feedback.models import CatalogueDocument, CatalogueSection, Comment, MailMessage
from services.feedback.places import Place
from shared import bulk
from shared.text import cite_section, vn_datetime

if TYPE_CHECKING:
    from services.feedback.service import NewComment

MAIL_TABLE = MailMessage.__table__  # type: ignore[attr-defined]


def place_of(
    document: CatalogueDocument | DocumentWindow | None,
    section: CatalogueSection | SectionEntry | None,
) -> Place:
    """Where a comment is filed, by its path and title: 'mục Phần thứ hai › V › 1 › 1.3. …'.

    The bare number is ambiguous (one draft has several 1.3); the catalogue holds the path.
    """
    title = document.title if document else ""
    if section is None:
        return Place(f"toàn bộ dự thảo — {title}", document_title=title)
    cited = cite_section(list(section.path) or [section.number], section.title)
    return Place(
        f"mục {cited} — {title}", document_title=title, section_id=section.id, section=cited
    )


def compose(comment: Comment | NewComment, place: str, feedback_url: str) -> tuple[str, str]:
    """Subject and plain-text body; no personal data beyond what the reader already knows."""
    # The code stays out of the link: addresses end up in histories and server logs.
    lookup = f"{feedback_url.rstrip('/')}/receipt"
    subject = f"Đã nhận ý kiến góp ý của bạn — mã biên nhận {comment.receipt}"
    body = "\n".join(
        [
            "Kính gửi Quý vị,",
            "",
            "Tiểu ban Văn kiện đã nhận được ý kiến góp ý của Quý vị.",
            "",
            f"Mã biên nhận: {comment.receipt}",
            f"Xếp vào: {place}",
            f"Thời điểm nhận: {vn_datetime(comment.received_at)}",
            "",
            f"Tra cứu hoặc rút lại ý kiến: {lookup}",
            "",
            "Thông tin cá nhân của Quý vị chỉ dùng để tổng hợp ý kiến và liên hệ khi cần làm rõ,",
            "không bao giờ được công khai (Nghị định 13/2023/NĐ-CP).",
            "",
            "Đây là thư tự động, vui lòng không trả lời thư này.",
        ]
    )
    return subject, body


def enqueue(session: AsyncSession, comment: NewComment, place: str, feedback_url: str) -> None:
    """Stage the acknowledgement in the caller's transaction, when an address was given."""
    if not comment.email:
        return
    subject, body = compose(comment, place, feedback_url)
    bulk.stage(
        session,
        MAIL_TABLE,
        {
            "comment_id": comment.id,
            "to_address": comment.email,
            "from_address": None,
            "in_reply_to": None,
            "subject": subject,
            "body": body,
            "attempts": 0,
            "status": "queued",
            "last_error": None,
            "created_at": comment.received_at,
            "next_attempt_at": comment.received_at,
            "sent_at": None,
        },
    )
