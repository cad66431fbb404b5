"""Vietnamese text typed with pre-Unicode fonts (TCVN3/ABC, VNI) and sent as Latin-1.

Such text arrives labelled windows-1252 or iso-8859-1 (or unlabelled) and reads as
"ViÖt Nam" (TCVN3) or "Vieät Nam" (VNI).  It is converted only when the result contains
clearly more common Vietnamese words than the text as decoded.
"""

from __future__ import annotations

import re
import unicodedata

_TCVN3_CODES = "µ¸¶·¹¨»¾¼½Æ©ÇÊÈÉË®ÌÐÎÏÑªÒÕÓÔÖ×ÝØÜÞßãáâä«åèæçé¬êíëìîïóñòô\xadõøö÷ùúýûüþ¡¢§£¤¥¦"
_TCVN3_LETTERS = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĂÂĐÊÔƠƯ"
_TCVN3 = dict(zip(_TCVN3_CODES, _TCVN3_LETTERS, strict=True))
_TCVN3_TABLE = str.maketrans(_TCVN3)

_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
_CIRC, _BREVE = "\u0302", "\u0306"
_VNI_TONE = {"ø": _GRAVE, "ù": _ACUTE, "û": _HOOK, "õ": _TILDE, "ï": _DOT}
_VNI_CIRC = {"â": "", "à": _GRAVE, "á": _ACUTE, "å": _HOOK, "ã": _TILDE, "ä": _DOT}
_VNI_BREVE = {"ê": "", "è": _GRAVE, "é": _ACUTE, "ú": _HOOK, "ü": _TILDE, "ë": _DOT}
_VNI_LETTER = {"ô": "ơ", "ö": "ư", "ñ": "đ", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ"}


def _both_cases(table: dict[str, str]) -> dict[str, str]:
    out = dict(table)
    out.update({k.upper(): v.upper() for k, v in table.items()})
    return out


_VNI_TONE_ALL = _both_cases(_VNI_TONE)
_VNI_CIRC_ALL = _both_cases(_VNI_CIRC)
_VNI_BREVE_ALL = _both_cases(_VNI_BREVE)
_VNI_LETTER_ALL = _both_cases(_VNI_LETTER)
_VNI_PAIR = re.compile(r"([aeoyuiAEOYUIơưƠƯ])([øùûõïâàáåãäêèéúüëØÙÛÕÏÂÀÁÅÃÄÊÈÉÚÜË])")

_COMMON = frozenset(
    "của và các những được trong người không này cho với là một đã có về tôi đề nghị ý kiến "
    "phần mục việc cần nên thể để năm tỉnh phát triển kinh tế xã hội dân nhân đồng chí việt "
    "nam chúng ta tại theo nội dung thực hiện như báo cáo đảng bộ góp điểm tiểu trên huyện".split()
)
_WORD = re.compile(r"\w+")
_HIGH = re.compile(r"[\u00a1-\u00ff]")


def vietnamese_score(text: str) -> int:
    """How many common Vietnamese words (with their diacritics) the text contains."""
    return sum(1 for w in _WORD.findall(text.lower()) if w in _COMMON)


def tcvn3_to_unicode(text: str) -> str:
    """Map TCVN3 (ABC) code points, as read through Latin-1, to Unicode letters."""
    return text.translate(_TCVN3_TABLE)


def vni_to_unicode(text: str) -> str:
    """Rebuild letters typed in VNI-Windows: a base vowel followed by its mark bytes."""

    def pair(match: re.Match[str]) -> str:
        base, mark = match.group(1), match.group(2)
        lower = base.lower()
        if lower in "aeo" and mark in _VNI_CIRC_ALL:
            return unicodedata.normalize("NFC", base + _CIRC + _VNI_CIRC_ALL[mark])
        if lower == "a" and mark in _VNI_BREVE_ALL:
            return unicodedata.normalize("NFC", base + _BREVE + _VNI_BREVE_ALL[mark])
        if mark in _VNI_TONE_ALL:
            return unicodedata.normalize("NFC", base + _VNI_TONE_ALL[mark])
        return match.group(0)

    letters = "".join(_VNI_LETTER_ALL.get(c, c) for c in text)
    return unicodedata.normalize("NFC", _VNI_PAIR.sub(pair, letters))


def repair_legacy(text: str) -> str:
    """The text converted from TCVN3 or VNI when that clearly reads as Vietnamese."""
    if len(_HIGH.findall(text)) < 3:
        return text
    before = vietnamese_score(text)
    best, best_score = text, before
    for convert in (tcvn3_to_unicode, vni_to_unicode):
        candidate = convert(text)
        score = vietnamese_score(candidate)
        if score >= 3 and score > best_score * 2:
            best, best_score = candidate, score
    return best
