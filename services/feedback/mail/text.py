"""Text helpers for mail: NFC, diacritic folding that keeps offsets, whitespace."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_BLANK_RUNS = re.compile(r"\n{3,}")
_INVISIBLE = re.compile(r"[\u200c\u200d\u2060\ufeff\u00ad]")


@lru_cache(maxsize=8192)
def _fold_char(char: str) -> str:
    if char in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", char)[:1].lower()
    return base if len(base) == 1 else char


class _FoldTable(dict[int, str]):
    """``str.translate`` table filled on first sight of each character."""

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def fold_same_length(text: str) -> str:
    """Lower-case, diacritic-free copy of NFC ``text`` with the same length (offsets hold)."""
    if text.isascii():
        return text.lower()
    return text.translate(_FOLD)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def tidy(text: str) -> str:
    """NFC, one space between words, no trailing spaces, at most one blank line in a row."""
    text = _INVISIBLE.sub("", nfc(text).replace("\r\n", "\n").replace("\r", "\n"))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()
