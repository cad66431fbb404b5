"""Bytes of a text part to NFC text, whatever charset label (or none) came with them.

Order of trust: valid UTF-8 with non-ASCII bytes (other charsets almost never form it by
chance, and mail clients often label it wrongly); then the declared charset when Python
knows it; then charset-normalizer's guess for unknown or wrong labels; then windows-1258.
Legacy TCVN3/VNI text read through a Latin charset is repaired afterwards.
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from .legacy import repair_legacy, vietnamese_score
from .text import nfc

_ALIASES = {
    "utf8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
    "x-unknown": "",
    "unknown-8bit": "",
    "x-user-defined": "",
    "vni": "",
    "tcvn": "",
    "tcvn3": "",
    "viscii": "",
    "ks_c_5601-1987": "cp949",
    "gb2312": "gb18030",
}
_LATIN = {"latin-1", "iso8859-1", "cp1252", "iso8859-15", "ascii"}


def _known(label: str | None) -> str | None:
    """Python's codec name for a charset label, or None when unknown."""
    if not label:
        return None
    label = label.strip().strip('"').lower()
    label = _ALIASES.get(label, label)
    if not label:
        return None
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_text(data: bytes, declared: str | None) -> str:
    """Decode one part's bytes to NFC text, repairing legacy Vietnamese encodings."""
    if data.isascii():
        return nfc(data.decode("ascii"))
    try:
        return nfc(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    codec = _known(declared)
    text: str | None = None
    if codec and codec != "utf-8":
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            text = None
    if text is None:
        # Most unlabelled 8-bit Vietnamese mail is windows-1258: try it before guessing.
        candidate = data.decode("cp1258", errors="replace")
        if "\ufffd" not in candidate and vietnamese_score(nfc(candidate)) >= 3:
            codec, text = "cp1258", candidate
    if text is None:
        best = from_bytes(data[:200_000]).best()
        guessed = best.encoding if best is not None else None
        if guessed and guessed not in ("utf_8", "utf-8"):
            codec = codecs.lookup(guessed).name
            # A Vietnamese text decoded as another single-byte charset reads as noise;
            # windows-1258 is the one Vietnamese mail clients used.
            if codec not in _LATIN and not codec.startswith("cp125"):
                codec = "cp1258"
            text = data.decode(codec, errors="replace")
        else:
            codec = "cp1258"
            text = data.decode("cp1258", errors="replace")
    text = nfc(text)
    if codec in _LATIN or codec in ("cp1258", "cp1250", "latin-1"):
        text = repair_legacy(text)
    return text
