"""Title block of a Vietnamese administrative document: issuer, number, place, date, kind.

These lines (``ỦY BAN NHÂN DÂN / TỈNH ĐIỆN BIÊN``, ``Số: 350 /BC-UBND``, ``Điện Biên, ngày 02
tháng 12 năm 2022``, ``BÁO CÁO`` and the title under it) describe the document; they are
metadata, not sections and not preamble.
"""

from __future__ import annotations

import datetime
import re

from .lines import LogLine
from .text import is_caps

_NUMBER = re.compile(r"^Số\s*:?\s*(?P<value>[^\s].*?\d.*?[/-].*?)(?:\s{2,}|$)", re.IGNORECASE)
_PLACE_DATE = re.compile(
    r"(?P<place>[^\d,;:]{2,40}),\s*ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})",
    re.IGNORECASE,
)
_MOTTO = re.compile(
    r"^(CỘNG H(?:OÀ|ÒA|OÁ|ÓA) XÃ HỘI CHỦ NGHĨA VIỆT NAM|ĐẢNG CỘNG SẢN VIỆT NAM|Độc lập\s*-\s*Tự do"
    r"\s*-\s*Hạnh phúc)",
    re.IGNORECASE,
)
_KINDS = (
    "BÁO CÁO CHÍNH TRỊ",
    "BÁO CÁO",
    "TỜ TRÌNH",
    "NGHỊ QUYẾT",
    "KẾ HOẠCH",
    "ĐỀ ÁN",
    "CHƯƠNG TRÌNH",
    "QUYẾT ĐỊNH",
    "THÔNG BÁO",
    "CHỈ THỊ",
    "KẾT LUẬN",
    "HƯỚNG DẪN",
    "QUY CHẾ",
    "QUY ĐỊNH",
    "ĐỀ CƯƠNG",
    "CÔNG VĂN",
    "CHIẾN LƯỢC",
    "QUY HOẠCH",
)
_NOISE = re.compile(r"^[-_*=.~\s]*$")
_CLOSING = re.compile(r"Trên đây là\s+(?P<title>.+?)\s*\.?/\.", re.IGNORECASE)
_STOP = re.compile(r"^(Kính gửi|Căn cứ|Thực hiện)\b", re.IGNORECASE)


def _iso(day: str, month: str, year: str) -> str | None:
    try:
        return datetime.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def extract_header(header: list[LogLine]) -> tuple[dict[str, str], str, set[int]]:
    """Metadata, title and the indices (into ``header``) of the lines they used."""
    meta: dict[str, str] = {}
    used: set[int] = set()
    anchor = -1
    for i, log in enumerate(header[:40]):
        text = log.text
        number = _NUMBER.match(text)
        if number and "number" not in meta:
            meta["number"] = number.group("value").strip()
            used.add(i)
            anchor = i if anchor < 0 else anchor
        place_date = _PLACE_DATE.search(text)
        if place_date and "date" not in meta and len(text) < 120:
            iso = _iso(place_date.group("d"), place_date.group("m"), place_date.group("y"))
            if iso:
                meta["date"] = iso
                meta["place"] = place_date.group("place").strip(" -–")
                used.add(i)
        if _MOTTO.match(text):
            used.add(i)
            anchor = i if anchor < 0 else anchor
    if anchor > 0:
        issuer_lines: list[str] = []
        for i in range(anchor - 1, -1, -1):
            text = header[i].text
            if not is_caps(text) or i in used or len(text) > 80:
                if _NOISE.match(text):
                    used.add(i)
                    continue
                break
            issuer_lines.insert(0, text)
            used.add(i)
        if issuer_lines:
            meta["issuer"] = " ".join(issuer_lines)
    title = _title_after_kind(header, meta, used)
    if not title:
        title = _caps_title(header, used)
    for i, log in enumerate(header):
        if i not in used and _NOISE.match(log.text) and log.kind == "text":
            used.add(i)
    return meta, title, used


def _title_after_kind(header: list[LogLine], meta: dict[str, str], used: set[int]) -> str:
    """``BÁO CÁO`` on its own line, then the title lines under it."""
    for i, log in enumerate(header[:40]):
        text = log.text.strip(" *")
        if text.upper() in _KINDS and is_caps(text):
            meta["kind"] = text
            used.add(i)
            parts: list[str] = []
            for j in range(i + 1, min(len(header), i + 5)):
                nxt = header[j].text
                if _STOP.match(nxt) or _MOTTO.match(nxt) or j in used or len(nxt) > 400:
                    break
                parts.append(nxt.strip(" *"))
                used.add(j)
                if nxt.endswith((".", ")")) or len(" ".join(parts)) > 250:
                    break
            return " ".join(parts)
    return ""


def _caps_title(header: list[LogLine], used: set[int]) -> str:
    """Without a document kind line, the first all-caps block of several words."""
    for i, log in enumerate(header[:40]):
        if i in used or not is_caps(log.text) or len(log.text.split()) < 4:
            continue
        parts = [log.text]
        used.add(i)
        for j in range(i + 1, min(len(header), i + 4)):
            if j in used or not is_caps(header[j].text):
                break
            parts.append(header[j].text)
            used.add(j)
        return " ".join(parts)
    return ""


def closing_title(logs: list[LogLine]) -> str:
    """Fallback title from the closing formula "Trên đây là Báo cáo …./."."""
    for log in reversed(logs):
        match = _CLOSING.search(log.text)
        if match:
            title = match.group("title").strip()
            return title[:1].upper() + title[1:]
    return ""
