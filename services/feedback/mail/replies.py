"""The one acknowledgement an e-mailed comment gets: its receipt codes, in Vietnamese.

One reply per message, however many sections it commented on; sent from the
consultation's own address and marked as an automatic reply, and never queued for
auto-replies, bounces or bulk mail (the reader decides ``wants_reply``), so no mail loop.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.feedback.models import CatalogueDocument, MailMessage
from shared.events import utcnow

MAX_SUBJECT = 200


def compose(
    subject: str | None, document: CatalogueDocument, receipts: list[str]
) -> tuple[str, str]:
    """Subject and body of the reply, with every receipt code the message gave."""
    original = " ".join((subject or "").split())[:MAX_SUBJECT]
    reply_subject = f"Re: {original}" if original else "Đã nhận ý kiến góp ý của Quý vị"
    if not reply_subject.lower().startswith("re:"):
        reply_subject = f"Re: {reply_subject}"
    lines = [
        "Kính gửi Quý vị,",
        "",
        f"Tiểu ban Văn kiện đã nhận được thư góp ý của Quý vị về: {document.title}.",
        "",
        "Mã biên nhận:"
        if len(receipts) == 1
        else "Thư được ghi nhận thành các ý kiến, mã biên nhận:",
        *[f"  - {code}" for code in receipts],
        "",
        "Quý vị có thể dùng mã biên nhận để tra cứu hoặc rút lại ý kiến trên trang góp ý.",
        "Thông tin cá nhân của Quý vị chỉ dùng để tổng hợp ý kiến và liên hệ khi cần làm rõ,",
        "không bao giờ được công khai (Nghị định 13/2023/NĐ-CP).",
        "",
        "Đây là thư trả lời tự động.",
    ]
    return reply_subject, "\n".join(lines)


def enqueue_receipts(
    session: AsyncSession,
    *,
    to: str,
    subject: str | None,
    document: CatalogueDocument,
    receipts: list[str],
    reply_from: str,
    in_reply_to: str | None,
) -> None:
    """Queue the reply in the caller's transaction (the one that stored the comments)."""
    if not receipts:
        return
    reply_subject, body = compose(subject, document, receipts)
    now = utcnow()
    sender = reply_from or (document.contact_emails[0] if document.contact_emails else None)
    session.add(
        MailMessage(
            to_address=to,
            from_address=sender,
            in_reply_to=in_reply_to,
            subject=reply_subject[:500],
            body=body,
            created_at=now,
            next_attempt_at=now,
        )
    )
