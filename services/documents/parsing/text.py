"""Small text helpers shared by the parser: normalisation, case tests, sentences."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+")
_LOWER_START = re.compile(r"^[\"“'(\[]*([^\W\d_])")
_TERMINAL = (".", ";", ":", "!", "?", "…")
_ABBREV_END = re.compile(r"(?:\b(?:TP|Tp|TS|ThS|PGS|GS|BS|St|Q|P|v\.v)|\b[A-ZĐ])\.$")


def nfc(text: str) -> str:
    """NFC-normalise; sources mix composed and decomposed Vietnamese diacritics."""
    return unicodedata.normalize("NFC", text)


def clean(text: str) -> str:
    """Collapse every kind of blank (NBSP from web pages, tabs) into single spaces."""
    return _SPACES.sub(" ", text).strip()


def is_blank(raw: str) -> bool:
    """True for lines holding nothing but whitespace (NBSP included)."""
    return not clean(raw)


def first_letter(text: str) -> str:
    """The first letter of the text, skipping opening quotes and brackets."""
    match = _LOWER_START.match(text)
    return match.group(1) if match else ""


def starts_lower(text: str) -> bool:
    """A line starting with a lowercase letter continues the previous one."""
    letter = first_letter(text)
    return bool(letter) and letter.islower()


def starts_upper(text: str) -> bool:
    """Headings and new sentences start with a capital letter."""
    letter = first_letter(text)
    return bool(letter) and letter.isupper()


def is_caps(text: str) -> bool:
    """All-caps text (titles, subtitles of parts): at least two letters, none lowercase."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def ends_terminal(text: str) -> bool:
    """Whether a line ends a sentence or clause (so the next line may start anew)."""
    stripped = text.rstrip(" *")
    return stripped.endswith(_TERMINAL) or stripped.endswith("./.")


def first_sentence_end(text: str) -> int:
    """Index of the period that ends the first sentence, or -1 if the text is one sentence."""
    for match in re.finditer(r"\.\s+[\"“(]?(\w)", text):
        nxt = match.group(1)
        if not (nxt.isupper() or nxt.isdigit()):
            continue
        if _ABBREV_END.search(text[: match.start() + 1]):
            continue
        return match.start()
    return -1
