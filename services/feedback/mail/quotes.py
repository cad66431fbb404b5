"""Remove what the citizen did not write for us: quoted replies and signatures.

The raw message keeps everything; only the comment text is cleaned.  Inline forwards
("---------- Forwarded message ---------") are split off first: their content is the
comment, and the forwarded header block names the original sender.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.utils import parseaddr

from .text import fold_same_length

_ATTRIBUTION = re.compile(
    r"^(?:on\b.{3,200}\bwrote\s*:?|vao\b.{3,200}\bda viet\s*:?|le\b.{3,200}\ba ecrit\s*:?"
    r"|am\b.{3,200}\bschrieb\s*:?"
    r"|.{0,200}(?:@|\d{1,2}[:/.]\d{2}).{0,200}\b(?:wrote|da viet|viet)\s*:)\s*$"
)
_ATTRIBUTION_START = re.compile(r"^(?:on|vao|le|am)\b.{3,200}$")
_ATTRIBUTION_END = re.compile(r"^.{0,200}\b(?:wrote|da viet|a ecrit|schrieb)\s*:\s*$")
_ORIGINAL = re.compile(
    r"^(?:-{2,}\s*(?:original message|thu goc|tin nhan goc|reply message)\s*-{2,}|_{10,})\s*$"
)
_HEADER_FROM = re.compile(r"^\*?(?:from|tu|nguoi gui)\s*:\*?\s*\S")
_HEADER_NEXT = re.compile(
    r"^\*?(?:sent|date|ngay|da gui|thoi gian|to|den|subject|tieu de|chu de|cc)\s*:\*?"
)
_FORWARD = re.compile(
    r"^[-=_ ]*(?:forwarded message|begin forwarded message|forwarded e-?mail"
    r"|thu (?:da |duoc )?chuyen tiep|tin nhan (?:da |duoc )?chuyen tiep)[-=_ :]*$"
)
# Outlook forwards look like its replies; the subject ("FW:", "TR:") tells them apart.
_FORWARD_SUBJECT = re.compile(r"^\s*(?:(?:re|tl|aw)\s*:\s*)*(?:fw|fwd|tr|chuyen tiep)\s*:", re.I)
_EMAIL_IN = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_SIGNATURE_START = re.compile(
    r"^(?:--|-- |__+|sent from (?:my )?\S.*|get outlook for .*|gui tu .*(?:iphone|android|"
    r"ipad|samsung|dien thoai|di dong).*|duoc gui tu .*|sent from mail for windows.*)\s*$"
)
_CLOSING = re.compile(
    r"^(?:tran trong(?: cam on)?|tran trong kinh chao|than ai|kinh thu|xin cam on|xin chan thanh"
    r" cam on|cam on|best regards|regards|thanks|thank you|kind regards)\b[\s,.!:]*$"
)


@dataclass
class Forwarded:
    """An inline forward: the note above it, the original sender and the forwarded text."""

    note: str
    body: str
    sender_name: str = ""
    sender_email: str = ""
    headers: dict[str, str] = field(default_factory=dict)


def _is_forward_start(folded: list[str], i: int, outlook: bool) -> bool:
    line = folded[i]
    if _FORWARD.match(line) and line.strip(" -=_:"):
        return True
    return outlook and (bool(_ORIGINAL.match(line)) or _outlook_header(folded, i))


def _sender_of(value: str) -> tuple[str, str]:
    """Name and address from "Name <a@b>", "Name [mailto:a@b]" or a bare address."""
    found = _EMAIL_IN.search(value)
    if not found:
        return value.strip(" \"'*"), ""
    name = value[: found.start()].strip(" \"'*<[(").replace("mailto:", "").strip(" \"'*<[(")
    name, _ = parseaddr(name + " <x@y.z>") if name else ("", "")
    return name.strip('" '), found.group(0).lower()


def split_inline_forward(text: str, subject: str = "") -> Forwarded | None:
    """Find a forward marker; the header block after it names the original sender."""
    lines = text.split("\n")
    folded = [fold_same_length(line.strip()) for line in lines]
    outlook = bool(_FORWARD_SUBJECT.match(fold_same_length(subject)))
    for i in range(len(folded)):
        if not _is_forward_start(folded, i, outlook):
            continue
        j = i if _HEADER_FROM.match(folded[i]) else i + 1
        sender = ""
        while j < len(lines) and (not folded[j] or j - i <= 8):
            if folded[j] and not (_HEADER_FROM.match(folded[j]) or _HEADER_NEXT.match(folded[j])):
                break
            if _HEADER_FROM.match(folded[j]) and not sender:
                sender = lines[j].split(":", 1)[1].strip().strip("*").strip()
            j += 1
        name, email = _sender_of(sender)
        return Forwarded(
            note="\n".join(lines[:i]).strip(),
            body="\n".join(lines[j:]).strip(),
            sender_name=name,
            sender_email=email,
        )
    return None


def strip_quotes(text: str) -> str:
    """Drop ``>`` lines, reply attributions and everything under an Outlook reply header."""
    lines = text.split("\n")
    folded = [fold_same_length(line.strip()) for line in lines]
    keep: list[str] = []
    i = 0
    while i < len(lines):
        line = folded[i]
        if line.startswith(">"):
            i += 1
            continue
        if _ORIGINAL.match(line) or _outlook_header(folded, i):
            break
        span = _attribution_span(folded, i)
        if span:
            after = [f for f in folded[i + span :] if f]
            if after and not after[0].startswith(">"):
                break  # a top-posted reply without '>' marks: the rest is the old message
            i += span
            continue
        keep.append(lines[i])
        i += 1
    return "\n".join(keep).strip()


def _attribution_span(folded: list[str], i: int) -> int:
    """Lines taken by a reply attribution starting at ``i`` (it may wrap once), or 0."""
    line = folded[i]
    if _ATTRIBUTION.match(line):
        return 1
    if i + 1 < len(folded) and _ATTRIBUTION_START.match(line):
        if _ATTRIBUTION_END.match(folded[i + 1]) and len(line) + len(folded[i + 1]) < 300:
            return 2
    return 0


def _outlook_header(folded: list[str], i: int) -> bool:
    """A ``From:`` line followed within four lines by ``Sent:``/``Date:``/``To:``."""
    if not _HEADER_FROM.match(folded[i]):
        return False
    following = [f for f in folded[i + 1 : i + 5] if f]
    return sum(1 for f in following if _HEADER_NEXT.match(f)) >= 2


def strip_signature(text: str) -> str:
    """Cut the signature: after a ``-- `` line, a phone's footer or a closing formula."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        folded = fold_same_length(line.strip())
        if _SIGNATURE_START.match(folded) and (folded.startswith(("--", "__")) or i > 0):
            return "\n".join(lines[:i]).strip()
        if i > 0 and _CLOSING.match(folded):
            rest = [r for r in lines[i + 1 :] if r.strip()]
            if len(rest) <= 6 and all(len(r) < 80 for r in rest):
                return "\n".join(lines[:i]).strip()
    return text.strip()
