"""The words of the public pages in Vietnamese (first) and English, used by both services.

A visitor's language comes from ``?lang=`` (then remembered in a cookie), the cookie,
or Accept-Language, in that order; Vietnamese is the default. Draft texts, and the
refusal messages the API promises in Vietnamese, are never translated.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import Response

from shared.events import PERSONAL_FIELD_LIMITS, PERSONAL_FIELDS
from shared.text import LOCAL_TZ, vn_date, vn_datetime, vn_number

LANGUAGES = ("vi", "en")
DEFAULT = "vi"
COOKIE = "gopy_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
SHARED_TEMPLATES = Path(__file__).parent / "templates"

Translate = Callable[..., str]

VI: dict[str, str] = {
    "site.name": "Góp ý dự thảo",
    "toc.hint": "Chạm vào tên một phần để xem các mục trong phần đó.",
    "toc.part_page": "Đọc phần này",
    "document.full_text": "Toàn văn dự thảo",
    "document.comment_here": "Góp ý mục này",
    "document.section_page": "Trang riêng của mục này",
    "section.crumbs": "Vị trí trong dự thảo",
    "section.children": "Các mục trong phần này",
    "section.steps": "Mục trước và mục sau",
    "section.previous": "‹ Mục trước:",
    "section.next": "Mục sau ›",
    "section.comment_heading": "Góp ý về mục này",
    "section.comment_covers": "Ý kiến gửi ở đây được tính cho mục này và các mục nhỏ của nó.",
    "section.in_full_text": "Xem mục này trong toàn văn dự thảo",
    "date.at": "{time} ngày {date}",
    "site.tagline": "Lấy ý kiến Nhân dân về dự thảo văn kiện",
    "site.skip": "Bỏ qua, đến nội dung chính",
    "site.footer": (
        "Ý kiến của bạn được gửi tới Tiểu ban Văn kiện. "
        "Thông tin cá nhân không bao giờ được công khai."
    ),
    "site.switch": "English",
    "site.switch_lang": "en",
    "site.lookup": "Tra cứu ý kiến đã gửi",
    "index.heading": "Các dự thảo đang lấy ý kiến",
    "index.open_until": "Đang lấy ý kiến đến hết ngày {date}",
    "index.closed": "Đã kết thúc lấy ý kiến",
    "index.upcoming": "Sẽ mở lấy ý kiến từ ngày {date}",
    "index.empty": "Hiện chưa có dự thảo nào được công bố.",
    "window.label": "Thời hạn góp ý",
    "window.open": "Đang lấy ý kiến từ ngày {opens} đến hết ngày {closes}.",
    "window.closed": "Đã kết thúc lấy ý kiến ngày {date}. Không thể gửi thêm ý kiến qua trang này.",
    "window.upcoming": "Chưa mở lấy ý kiến. Bạn có thể góp ý từ ngày {date}.",
    "window.draft": "Dự thảo chưa mở lấy ý kiến.",
    "window.other_channels": "Ngoài trang này, bạn có thể gửi ý kiến",
    "window.by_email": "qua thư điện tử:",
    "window.by_post": "qua đường bưu điện:",
    "window.postage_free": "(không phải dán tem)",
    "toc.heading": "Mục lục",
    "form.whole_summary": "Góp ý chung cho toàn bộ dự thảo",
    "form.text_section": "Ý kiến của bạn về mục",
    "form.text_whole": "Ý kiến của bạn về toàn bộ dự thảo",
    "form.max_chars": "Tối đa {max} ký tự.",
    "form.remaining": "Còn lại {n} ký tự.",
    "form.about_you": "Thông tin người góp ý",
    "form.optional": "không bắt buộc",
    "form.required": "bắt buộc",
    "form.name": "Họ và tên",
    "form.organisation": "Cơ quan, tổ chức hoặc chi bộ",
    "form.address": "Địa chỉ",
    "form.email": "Thư điện tử (để nhận mã biên nhận)",
    "form.phone": "Số điện thoại",
    "form.honeypot": "Để trống ô này",
    "form.consent": (
        "Tôi đồng ý để Tiểu ban Văn kiện xử lý thông tin cá nhân tôi cung cấp "
        "theo thông báo dưới đây (chỉ cần khi có điền thông tin cá nhân)."
    ),
    "form.privacy_summary": "Thông báo về xử lý dữ liệu cá nhân",
    "form.privacy": (
        "Theo Nghị định 13/2023/NĐ-CP: chúng tôi thu thập nội dung góp ý và thông tin bạn tự "
        "nguyện điền (họ tên, cơ quan hoặc chi bộ, địa chỉ, thư điện tử, số điện thoại) để "
        "tổng hợp, tiếp thu ý kiến và liên hệ lại khi cần làm rõ; thư điện tử hoặc số điện "
        "thoại còn được dùng, dưới dạng mã hoá một chiều, để đếm số người góp ý. Chỉ Tiểu ban "
        "Văn kiện và bộ phận giúp việc được đọc. Thông tin cá nhân được lưu đến khi hoàn thành "
        "tổng hợp ý kiến và không quá 12 tháng sau khi kết thúc lấy ý kiến, rồi được xoá; "
        "không bao giờ được công khai hay chuyển cho bên khác. Bạn có thể rút lại ý kiến bằng "
        "mã biên nhận."
    ),
    "form.submit": "Gửi ý kiến",
    "form.resubmit": "Gửi lại",
    "form.error_heading": "Chưa gửi được ý kiến",
    "form.back": "Quay lại dự thảo",
    "receipt.heading": "Cảm ơn bạn, ý kiến đã được ghi nhận",
    "receipt.your_code": "Mã biên nhận của bạn:",
    "receipt.code_label": "Mã biên nhận",
    "receipt.keep": (
        "Hãy ghi lại mã này. Bạn có thể dùng nó để tra cứu ý kiến hoặc rút lại ý kiến sau này."
    ),
    "receipt.lookup_link": "Tra cứu ý kiến này",
    "receipt.filed": "Ý kiến được xếp vào: {where}.",
    "receipt.at": "Thời điểm nhận: {when}.",
    "receipt.mailed": "Chúng tôi sẽ gửi mã biên nhận tới địa chỉ thư điện tử bạn đã cho.",
    "where.section": "mục {section} — {document}",
    "where.whole": "toàn bộ dự thảo — {document}",
    "lookup.heading": "Tra cứu ý kiến theo mã biên nhận",
    "lookup.code": "Mã biên nhận",
    "lookup.submit": "Tra cứu",
    "lookup.found": "Ý kiến {code}",
    "lookup.received": "Đã nhận lúc {when}, xếp vào: {where}.",
    "lookup.status.received": "Trạng thái: đã tiếp nhận.",
    "lookup.status.withdrawn": "Trạng thái: đã rút lại theo yêu cầu của người góp ý.",
    "lookup.status.other": "Trạng thái: đã tiếp nhận và đang được xem xét.",
    "withdraw.heading": "Rút lại ý kiến",
    "withdraw.explain": (
        "Nếu rút lại, ý kiến sẽ không được tính vào tổng hợp. Việc này không hoàn tác được."
    ),
    "withdraw.submit": "Rút lại ý kiến này",
    "withdraw.done": "Đã rút lại ý kiến {code}.",
    "withdraw.confirm_heading": "Bạn có chắc muốn rút lại ý kiến {code}?",
    "withdraw.confirm": "Có, rút lại ý kiến",
    "withdraw.cancel": "Không, giữ lại ý kiến",
    "receipt.elsewhere_heading": "Mã biên nhận chỉ hiện trên trình duyệt đã gửi ý kiến",
    "receipt.elsewhere": (
        "Trang này không hiện mã biên nhận cho trình duyệt khác (hoặc đã quá một ngày). "
        "Nếu bạn đã ghi lại mã, hãy tra cứu ý kiến bằng mã đó."
    ),
    "form.too_long": (
        "Nội dung dài {n} ký tự, vượt quá giới hạn {max} ký tự: vui lòng rút gọn thêm {over} "
        "ký tự. Nội dung bạn đã nhập vẫn được giữ nguyên."
    ),
}

EN: dict[str, str] = {
    "site.name": "Comment on a draft",
    "toc.hint": "Tap a part's name to see its sections.",
    "toc.part_page": "Read this part",
    "document.full_text": "Full text of the draft",
    "document.comment_here": "Comment on this section",
    "document.section_page": "This section on its own page",
    "section.crumbs": "Where this is in the draft",
    "section.children": "Sections in this part",
    "section.steps": "Previous and next section",
    "section.previous": "‹ Previous:",
    "section.next": "Next ›",
    "section.comment_heading": "Comment on this section",
    "section.comment_covers": "A comment sent here counts for this section and its parts.",
    "section.in_full_text": "See this section in the full text of the draft",
    "date.at": "{time} on {date}",
    "site.tagline": "Public consultation on draft documents",
    "site.skip": "Skip to main content",
    "site.footer": (
        "Your comment goes to the Documents Subcommittee. Personal data is never published."
    ),
    "site.switch": "Tiếng Việt",
    "site.switch_lang": "vi",
    "site.lookup": "Look up a comment you sent",
    "index.heading": "Drafts open for comment",
    "index.open_until": "Open for comments until the end of {date}",
    "index.closed": "Consultation closed",
    "index.upcoming": "Opens for comments on {date}",
    "index.empty": "No draft has been published yet.",
    "window.label": "Consultation period",
    "window.open": "Open for comments from {opens} until the end of {closes}.",
    "window.closed": "The consultation closed on {date}. No more comments can be sent here.",
    "window.upcoming": "Not open yet. You can comment from {date}.",
    "window.draft": "This draft is not open for comments yet.",
    "window.other_channels": "Besides this page, you can send comments",
    "window.by_email": "by e-mail:",
    "window.by_post": "by post:",
    "window.postage_free": "(no stamp needed)",
    "toc.heading": "Contents",
    "form.whole_summary": "Comment on the whole draft",
    "form.text_section": "Your comment on section",
    "form.text_whole": "Your comment on the whole draft",
    "form.max_chars": "Up to {max} characters.",
    "form.remaining": "{n} characters left.",
    "form.about_you": "About you",
    "form.optional": "optional",
    "form.required": "required",
    "form.name": "Full name",
    "form.organisation": "Agency, organisation or party cell",
    "form.address": "Address",
    "form.email": "E-mail (to receive your receipt code)",
    "form.phone": "Phone number",
    "form.honeypot": "Leave this field empty",
    "form.consent": (
        "I agree that the Documents Subcommittee may process the personal data I give, as "
        "described below (needed only when you give personal data)."
    ),
    "form.privacy_summary": "How your personal data is handled",
    "form.privacy": (
        "Under Decree 13/2023/ND-CP: we collect your comment and what you choose to give "
        "(name, agency or party cell, address, e-mail, phone) to compile and consider the "
        "comments and to contact you if something needs clarifying. Only the Documents "
        "Subcommittee and its secretariat read it. Personal data is kept until the comments "
        "are compiled and at most 12 months after the consultation closes, then deleted; it "
        "is never published or passed to anyone else. You can withdraw your comment with "
        "its receipt code."
    ),
    "form.submit": "Send comment",
    "form.resubmit": "Send again",
    "form.error_heading": "Your comment was not sent yet",
    "form.back": "Back to the draft",
    "receipt.heading": "Thank you, your comment has been received",
    "receipt.your_code": "Your receipt code:",
    "receipt.code_label": "Receipt code",
    "receipt.keep": "Keep this code. You can use it to look up or withdraw your comment later.",
    "receipt.lookup_link": "Look up this comment",
    "receipt.filed": "Filed under: {where}.",
    "receipt.at": "Received at: {when}.",
    "receipt.mailed": "We will also send the receipt code to the e-mail address you gave.",
    "where.section": "section {section} — {document}",
    "where.whole": "the whole draft — {document}",
    "lookup.heading": "Look up a comment by its receipt code",
    "lookup.code": "Receipt code",
    "lookup.submit": "Look up",
    "lookup.found": "Comment {code}",
    "lookup.received": "Received at {when}, filed under: {where}.",
    "lookup.status.received": "Status: received.",
    "lookup.status.withdrawn": "Status: withdrawn at the commenter's request.",
    "lookup.status.other": "Status: received and under review.",
    "withdraw.heading": "Withdraw this comment",
    "withdraw.explain": (
        "A withdrawn comment is no longer counted in the summary. This cannot be undone."
    ),
    "withdraw.submit": "Withdraw this comment",
    "withdraw.done": "Comment {code} has been withdrawn.",
    "withdraw.confirm_heading": "Do you really want to withdraw comment {code}?",
    "withdraw.confirm": "Yes, withdraw the comment",
    "withdraw.cancel": "No, keep the comment",
    "receipt.elsewhere_heading": "The receipt code is shown only in the browser that sent it",
    "receipt.elsewhere": (
        "This page does not show the receipt code to another browser (or after a day). "
        "If you noted the code, look the comment up with it."
    ),
    "form.too_long": (
        "The text is {n} characters long, over the limit of {max}: please shorten it by "
        "{over} characters. What you typed is kept."
    ),
}

CATALOGUE: dict[str, dict[str, str]] = {"vi": VI, "en": EN}


def translator(lang: str) -> Translate:
    """A ``t(key, **values)`` for templates; a missing English entry falls back to Vietnamese."""
    words = CATALOGUE.get(lang, VI)

    def t(key: str, **values: Any) -> str:
        template = words.get(key) or VI.get(key) or key
        if any(isinstance(v, Markup) for v in values.values()):
            # a value already marked up (a Vietnamese title in its lang="vi" span): keep it
            return Markup(escape(template)).format(**values)
        return template.format(**values) if values else template

    return t


def _from_accept_language(header: str) -> str | None:
    ranked: list[tuple[float, str]] = []
    for part in header.split(","):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > 0:
            ranked.append((quality, primary))
    return max(ranked, key=lambda r: r[0])[1] if ranked else None


def language_of(request: Request, chosen: str | None = None) -> str:
    """The visitor's language: an explicit choice, the cookie, then Accept-Language."""
    for candidate in (chosen, request.query_params.get("lang"), request.cookies.get(COOKIE)):
        if candidate in LANGUAGES:
            return str(candidate)
    return _from_accept_language(request.headers.get("accept-language", "")) or DEFAULT


def remember_language(request: Request, response: Response) -> None:
    """Keep a ``?lang=`` choice in a cookie so the next pages (and the other service) follow."""
    chosen = request.query_params.get("lang")
    if chosen in LANGUAGES and request.cookies.get(COOKIE) != chosen:
        response.set_cookie(COOKIE, str(chosen), max_age=COOKIE_MAX_AGE, samesite="lax")


def switch_url(request: Request, lang: str) -> str:
    """The current page in another language (a plain link: works without JavaScript)."""
    url = request.url.include_query_params(lang=lang)
    return f"{url.path}?{url.query}"


def page_context(request: Request, chosen: str | None = None) -> dict[str, Any]:
    """What every public template needs to speak the visitor's language."""
    lang = language_of(request, chosen)
    other = "en" if lang == "vi" else "vi"
    return {"lang": lang, "t": translator(lang), "switch_url": switch_url(request, other)}


def local_datetime(value: datetime | None, lang: str = DEFAULT) -> str:
    """'08:33 ngày 2/12/2022', or '08:33 on 2/12/2022': the date always the Vietnamese way."""
    if value is None:
        return ""
    if lang == DEFAULT:
        return vn_datetime(value)
    local = value.astimezone(LOCAL_TZ)
    return translator(lang)("date.at", time=f"{local:%H:%M}", date=vn_date(local))


def install_templates(env: jinja2.Environment) -> None:
    """Let a service's templates use the shared comment form macro and the Vietnamese filters."""
    loader = env.loader
    shared = jinja2.FileSystemLoader(str(SHARED_TEMPLATES))
    env.loader = jinja2.ChoiceLoader([loader, shared]) if loader is not None else shared
    env.filters["vn_date"] = vn_date
    env.filters["vn_datetime"] = local_datetime
    env.filters["vn_number"] = vn_number
    # the form's fields and limits are those the feedback service enforces (shared/events)
    env.globals["PERSONAL_FIELDS"] = PERSONAL_FIELDS
    env.globals["PERSONAL_FIELD_LIMITS"] = PERSONAL_FIELD_LIMITS
