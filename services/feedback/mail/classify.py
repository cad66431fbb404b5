"""Messages that are not comments: auto-replies, bounces, lists, and obvious spam.

Not a comment: an ``Auto-Submitted`` header other than ``no`` (RFC 3834), the
``X-Autoreply``/``X-Autorespond`` headers, ``Precedence: bulk/list/junk/auto_reply``, a
``List-Unsubscribe`` (newsletters), delivery reports (``multipart/report``) and mail from
``MAILER-DAEMON``/``postmaster``, and subjects that auto-responders use.

Spam (kept for review with its reason, never dropped): a spam filter's verdict
(``X-Spam-Flag: YES``), or a score of at least 3 from gambling, loan, prize, pharmacy and
"make money" phrases (2 each), links (1 for 3 or more, 2 for 6 or more) and a text that
is mostly links; a message that names a section of the draft never counts as spam.
"""

from __future__ import annotations

import re
from email.message import Message

from .text import fold_same_length

_AUTO_SUBJECT = re.compile(
    r"^(?:auto(?:matic)?[\s-]*(?:reply|response)|autoreply|out of (?:the )?office|"
    r"tra loi tu dong|tu dong tra loi|phan hoi tu dong|read\s*:|da doc\s*:|"
    r"thu tra loi tu dong|vang mat|khong co mat tai van phong|delivery status notification|"
    r"undeliver(?:able|ed)|mail delivery (?:failed|failure|subsystem)|returned mail|"
    r"failure notice|delivery failure|thu khong gui duoc|khong the gui thu)",
)
_BOUNCE_SENDER = re.compile(r"^(?:mailer-daemon|postmaster|mail-daemon)@", re.IGNORECASE)
_SPAM_PHRASES = re.compile(
    r"casino|ca cuoc|nha cai|xo so|lo de|danh bai|slot game|bet\d*|vay (?:tien )?nhanh|"
    r"vay online|giai ngan trong|lai suat 0|trung thuong|nhan thuong ngay|qua tang mien phi|"
    r"viagra|cialis|giam can cap toc|kiem tien (?:online|tai nha)|thu nhap \d+ ?trieu|"
    r"bitcoin|crypto|tien ao|dau tu sinh loi|click here|bam vao (?:day|link)|"
    r"nhan ngay|khuyen mai (?:khung|soc)|winner|lottery|you have won|unsubscribe|"
    r"viec nhe luong cao|tuyen cong tac vien|sim so dep|mua ngay|uu dai dac biet|giam gia \d+|"
    r"inheritance|beneficiary|million (?:usd|dollars)|investment opportunity|dear friend|"
    r"forex|backlinks?|seo services|loan offer|claim your|free gift"
)
_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)


def not_a_comment_reason(message: Message, sender_email: str, subject: str) -> str | None:
    """Why this message is machine-sent rather than a citizen's comment, or None."""
    auto = str(message.get("Auto-Submitted", "") or "").strip().lower()
    if auto and auto != "no":
        return "Thư trả lời tự động (Auto-Submitted), không phải ý kiến góp ý."
    if message.get("X-Autoreply") or message.get("X-Autorespond"):
        return "Thư trả lời tự động (X-Autoreply), không phải ý kiến góp ý."
    precedence = str(message.get("Precedence", "") or "").strip().lower()
    if precedence in ("bulk", "list", "junk", "auto_reply"):
        return f"Thư gửi hàng loạt (Precedence: {precedence}), không phải ý kiến góp ý."
    if message.get_content_type() == "multipart/report":
        return "Thông báo lỗi chuyển phát thư, không phải ý kiến góp ý."
    if _BOUNCE_SENDER.match(sender_email):
        return "Thư hệ thống của máy chủ thư (MAILER-DAEMON), không phải ý kiến góp ý."
    if message.get("List-Unsubscribe"):
        return "Thư từ danh sách thư/bản tin (List-Unsubscribe), không phải ý kiến góp ý."
    folded = fold_same_length(subject).strip()
    folded = re.sub(r"^(?:(?:re|fw|fwd|tl|tr|aw|sv)\s*:\s*)+", "", folded)
    if _AUTO_SUBJECT.match(folded):
        return "Thư trả lời tự động hoặc báo lỗi chuyển phát, không phải ý kiến góp ý."
    return None


def spam_reason(message: Message, subject: str, text: str, names_a_section: bool) -> str | None:
    """Why this message is obvious spam, or None; the judgement is stated in the reason."""
    flag = str(message.get("X-Spam-Flag", "") or "").strip().lower()
    if flag == "yes":
        return "Bộ lọc thư rác của máy chủ đã đánh dấu thư này là thư rác (X-Spam-Flag)."
    if names_a_section:
        return None
    folded = fold_same_length(subject + "\n" + text)
    phrases = sorted(set(_SPAM_PHRASES.findall(folded)))
    links = len(_LINK.findall(text))
    score = 2 * len(phrases) + (2 if links >= 6 else 1 if links >= 3 else 0)
    words = len(re.findall(r"\w+", text))
    if links and words < 12 * links:
        score += 1
    if score >= 3:
        found = ", ".join(phrases[:4]) or "nhiều đường dẫn"
        return f"Thư rác rõ ràng (quảng cáo, cờ bạc, vay tiền…: {found}; {links} đường dẫn)."
    return None
