"""The acknowledgement e-mail a commenter receives: composed and queued with the comment.

Queuing in the comment's own transaction means the mail is neither lost (the comment
committed) nor sent for a comment that was not stored (the transaction rolled back).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.feedback.models import CatalogueDocument, CatalogueSection, Comment, MailMessage
from shared.text import vn_datetime


def place_of(document: CatalogueDocument | None, section: CatalogueSection | None) -> str:
    """Where a comment is filed, as a reader cites it: 'mục 1.1. Nông nghiệp — Dự thảo ...'."""
    title = document.title if document else ""
    if section is not None:
        return f"mục {section.number}. {section.title} — {title}"
    return f"toàn bộ dự thảo — {title}"


def compose(comment: Comment, place: str, feedback_url: str) -> tuple[str, str]:
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


def enqueue(session: AsyncSession, comment: Comment, place: str, feedback_url: str) -> None:
    """Queue the acknowledgement in the caller's transaction, when an address was given."""
    if not comment.email:
        return
    subject, body = compose(comment, place, feedback_url)
    session.add(
        MailMessage(
            comment_id=comment.id,
            to_address=comment.email,
            subject=subject,
            body=body,
            created_at=comment.received_at,
            next_attempt_at=comment.received_at,
        )
    )
