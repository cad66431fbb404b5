"""The invitation to comment: where to send comments, the window, postage-free post.

Only sentences that invite comments are read ("Mọi ý kiến đóng góp gửi về …", "Thời gian
nhận đóng góp ý kiến từ 02/7 đến 31/7/2020"), so dates of the report itself ("đến ngày
30/10/2019 là 386 tỷ") never become a deadline.  Sentences outside the sections (preamble,
text after the body) win over sentences inside them.
"""

from __future__ import annotations

import datetime
import re

from .model import Invitation

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_INVITES = re.compile(
    r"góp ý|đóng góp|ý kiến|tiếp nhận|dán tem|thư điện tử|e-?mail|hộp thư", re.IGNORECASE
)
_STRONG = re.compile(
    r"(góp ý|đóng góp|ý kiến)[^.]{0,80}?(gửi|nhận|thời gian|thời hạn|hạn|trước|đến hết"
    r"|từ\s+(?:ngày\s+)?\d|đến\s+(?:hết\s+)?ngày)"
    r"|(gửi|nhận|thời gian|thời hạn)[^.]{0,60}?(góp ý|đóng góp|ý kiến)|dán tem|@",
    re.IGNORECASE,
)
_DATE = r"(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{4}))?"
_DATE_WORDS = r"(\d{1,2})\s+tháng\s+(\d{1,2})(?:\s+năm\s+(\d{4}))?"
_ANY_DATE = rf"(?:ngày\s+)?(?:{_DATE}|{_DATE_WORDS})"
_RANGE = re.compile(rf"từ\s+{_ANY_DATE}\s*(?:đến|tới|-|–)\s*(?:hết\s+)?{_ANY_DATE}", re.IGNORECASE)
_UNTIL = re.compile(
    rf"(?:đến\s+hết|hết\s+ngày|trước|chậm\s+nhất(?:\s+là)?|hạn\s+chót(?:\s+là)?|thời\s+hạn"
    rf"(?:\s+góp\s+ý)?(?:\s+là)?|đến)\s*:?\s*{_ANY_DATE}",
    re.IGNORECASE,
)
_POSTAGE = re.compile(
    r"không\s+(?:phải|cần)?\s*dán\s+tem|miễn\s+cước|miễn\s+phí\s+(?:bưu|gửi)", re.IGNORECASE
)
_ADDRESS = re.compile(
    r"địa\s+chỉ\s*:?\s*(?P<addr>.+?)(?=\s*(?:;|\bhoặc\b|\bqua\s+(?:thư|email|e-mail|hộp)|"
    r"\b(?:thư điện tử|email|e-mail)\b|[.](?:\s|$)|$))",
    re.IGNORECASE,
)
_SEND_TO = re.compile(
    r"gửi\s+(?:về|đến|tới)\s*:?\s*(?P<addr>[^;@]*?\b(?:số\s+\d+|đường|phố)\b[^;@]*?)"
    r"(?=\s*(?:;|\bhoặc\b|\bqua\s+(?:thư|email|e-mail|hộp)|\btrước\b|\bđến\s+hết\b|"
    r"\bchậm\s+nhất\b|[.](?:\s|$)|$))",
    re.IGNORECASE,
)
_POSTAL_HINT = re.compile(
    r"\b(số|đường|phố|phường|xã|thị trấn|quận|huyện|thành phố|tỉnh|TP)\b", re.IGNORECASE
)
_BODY_DATE_CONTEXT = re.compile(r"tính\s+đến|lũy\s+kế|ước\s+đến|giải\s+ngân", re.IGNORECASE)
# "… gửi về các địa chỉ sau:" / "một trong các địa chỉ sau đây:" introduces a list of
# addresses, on the same line (dash bullets) or one per following line.
_LIST_LEAD = re.compile(r"địa\s+chỉ\s+(?:sau(?:\s+đây)?|dưới\s+đây|như\s+sau)\s*:?", re.IGNORECASE)
_LIST_LEAD_AT_END = re.compile(
    r"(?:gửi\s+(?:về|đến|tới)|(?:các|những)\s+(?:cơ\s+quan|đơn\s+vị|nơi)\s+sau(?:\s+đây)?)\s*:\s*$",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^\s*(?:[-–—•+*]|[a-zđ]\)|\d{1,2}\))\s+", re.IGNORECASE)
_INLINE_ITEMS = re.compile(r"\s*;\s*(?:[-–—•+*]\s+)?|\s+[-–—•+*]\s+|^\s*[-–—•+*]\s+")
_LEAD_IN = re.compile(
    r"^(?:(?:xin\s+)?gửi\s+(?:về|đến|tới)\s*:?\s*|(?:tại\s+)?địa\s+chỉ(?:\s+liên\s+hệ)?\s*:\s*)",
    re.IGNORECASE,
)
_CONTACT_TAIL = re.compile(
    r"[\s,;.(]*(?:\b(?:e-?mail|thư\s+điện\s+tử|hộp\s+thư|điện\s+thoại|số\s+điện\s+thoại|"
    r"fax)\b|\b(?:ĐT|SĐT)\b\s*:|\S+@\S+).*$",
    re.IGNORECASE | re.DOTALL,
)
_SENTENCE_END = re.compile(r"(?<!\bTP)(?<!\bTp)(?<!\bTX)(?<!\bTT)(?<!\b[PQH])\.\s+(?=[A-ZĐ])")
_LABELLED = re.compile(r"\bđịa\s+chỉ(?:\s+liên\s+hệ)?\s*:\s*", re.IGNORECASE)


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.;])\s+(?=[A-ZĐ0-9\"“(])", text) if s.strip()]


def _date(day: str | None, month: str | None, year: str | None) -> datetime.date | None:
    if not day or not month or not year:
        return None
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None


def _groups(match: re.Match[str], offset: int) -> tuple[str | None, str | None, str | None]:
    """Day, month, year of the date alternative starting at group ``offset``."""
    g = match.groups()
    if g[offset] is not None:
        return g[offset], g[offset + 1], g[offset + 2]
    return g[offset + 3], g[offset + 4], g[offset + 5]


def _window(sentence: str) -> tuple[datetime.date | None, datetime.date | None]:
    """(opens, deadline) stated in one inviting sentence."""
    if _BODY_DATE_CONTEXT.search(sentence):
        return None, None
    match = _RANGE.search(sentence)
    if match:
        d1, m1, y1 = _groups(match, 0)
        d2, m2, y2 = _groups(match, 6)
        end = _date(d2, m2, y2)
        if end is not None and y1 is None and d1 and m1:
            start_year = end.year - 1 if int(m1) > end.month else end.year
            return _date(d1, m1, str(start_year)), end
        return _date(d1, m1, y1), end
    match = _UNTIL.search(sentence)
    if match:
        return None, _date(*_groups(match, 0))
    return None, None


def extract_invitation(outside: list[str], inside: list[str]) -> Invitation:
    """Read the invitation from paragraphs outside the sections first, then inside them."""
    invitation = Invitation()
    for text in outside + inside:
        for email in _EMAIL.findall(text):
            email = email.strip(".")
            if email not in invitation.emails:
                invitation.emails.append(email)
    for tier in (outside, inside):
        listed, consumed = _address_list(tier)
        for address in listed:
            if address not in invitation.postal_addresses:
                invitation.postal_addresses.append(address)
        for index, text in enumerate(tier):
            for sentence in _sentences(text):
                _read_sentence(sentence, invitation, addresses=index not in consumed)
        if invitation.deadline or invitation.postal_addresses:
            break
    return invitation


def _address_list(texts: list[str]) -> tuple[list[str], set[int]]:
    """Addresses listed after "các địa chỉ sau:", and the indices of the texts they used."""
    addresses: list[str] = []
    consumed: set[int] = set()
    for index, text in enumerate(texts):
        lead = _LIST_LEAD.search(text) or _LIST_LEAD_AT_END.search(text)
        if lead is None or not _INVITES.search(text):
            continue
        rest = text[lead.end() :]
        items = [item for item in _INLINE_ITEMS.split(rest) if item.strip()]
        if not items:
            for following in range(index + 1, min(len(texts), index + 12)):
                if not _is_list_line(texts[following]):
                    break
                consumed.add(following)
                items.append(_BULLET.sub("", texts[following]))
        if items:
            consumed.add(index)
        for item in items:
            address = _clean_item(item)
            if address and address not in addresses:
                addresses.append(address)
    return addresses, consumed


def _is_list_line(text: str) -> bool:
    """A bullet, or an unbulleted line that is an address with its own e-mail or label."""
    if _BULLET.match(text):
        return True
    return (
        len(text) < 300
        and bool(_POSTAL_HINT.search(text))
        and ("@" in text or bool(_LABELLED.search(text)))
    )


def _clean_item(item: str) -> str:
    """One listed address without bullet, lead-in words, e-mail or telephone."""
    item = _BULLET.sub("", item).strip()
    item = _CONTACT_TAIL.sub("", item)
    item = _SENTENCE_END.split(item, maxsplit=1)[0]
    labelled = _LABELLED.search(item)
    if labelled:
        item = item[labelled.end() :]
    item = _LEAD_IN.sub("", item.strip()).strip(" ,:;.-–")
    if "@" in item or not _POSTAL_HINT.search(item):
        return ""
    return item


def _read_sentence(sentence: str, invitation: Invitation, addresses: bool = True) -> None:
    if not _INVITES.search(sentence) or not _STRONG.search(sentence):
        return
    if _POSTAGE.search(sentence):
        invitation.postage_free = True
    if invitation.deadline is None:
        opens, deadline = _window(sentence)
        if deadline is not None:
            invitation.deadline = deadline
            invitation.opens = opens
    if not addresses or _LIST_LEAD.search(sentence):
        return  # listed addresses are read as a list, item by item
    matches = list(_ADDRESS.finditer(sentence)) or list(_SEND_TO.finditer(sentence))
    for match in matches:
        address = match.group("addr").strip(" ,:;-")
        if _POSTAL_HINT.search(address) and "@" not in address:
            if address not in invitation.postal_addresses:
                invitation.postal_addresses.append(address)
