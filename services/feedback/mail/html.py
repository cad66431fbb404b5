"""HTML mail bodies to plain text with lxml: no markup, scripts or styles; real line breaks.

Quoted blocks (``<blockquote>``, Gmail's ``gmail_quote`` without a forward, Outlook's reply
header) come out as ``> `` lines so the quote stripper removes them like plain-text quotes.
"""

from __future__ import annotations

from lxml import etree
from lxml import html as lxml_html

from .text import tidy

_DROP = {"script", "style", "head", "title", "noscript", "template", "object", "iframe", "svg"}
_BLOCK = {
    "p", "div", "br", "li", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
    "pre", "ul", "ol", "section", "article", "header", "footer", "hr", "dd", "dt", "address",
}  # fmt: skip
_PARAGRAPH = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote", "pre", "hr"}
_FORWARD_MARKERS = ("forwarded message", "thư được chuyển tiếp", "thư chuyển tiếp", "chuyển tiếp")


def _classes(el: etree._Element) -> str:
    return (el.get("class") or "") + " " + (el.get("id") or "")


def _is_quote(el: etree._Element) -> bool:
    tag = el.tag if isinstance(el.tag, str) else ""
    marks = _classes(el)
    if tag == "blockquote":
        return True
    if "gmail_quote" in marks or "divRplyFwdMsg" in marks or "moz-cite-prefix" in marks:
        text = " ".join(el.itertext()).lower()
        return not any(m in text for m in _FORWARD_MARKERS)
    return False


def _walk(el: etree._Element, out: list[tuple[str, bool]], quoted: bool) -> None:
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    if not tag or tag in _DROP:  # comments, processing instructions, scripts
        if el.tail:
            out.append((el.tail, quoted))
        return
    inner = quoted or _is_quote(el)
    block = tag in _BLOCK
    if tag == "br":
        out.append(("\n\x03", quoted))
    elif block:
        out.append(("\n\x02\n" if tag in _PARAGRAPH else "\n", inner))
    if tag == "li":
        out.append(("- ", inner))
    if el.text:
        out.append((el.text, inner))
    for child in el:
        _walk(child, out, inner)
    if tag in ("td", "th"):
        out.append((" \t ", inner))
    if block and tag != "br":
        out.append(("\n\x02\n" if tag in _PARAGRAPH else "\n", inner))
    if el.tail:
        out.append((el.tail, quoted))


def _lines(pieces: list[tuple[str, bool]]) -> list[str]:
    """Join pieces into lines; a line whose visible text is all quoted gets ``> ``."""
    lines: list[str] = []
    current: list[str] = []
    has_quoted = has_plain = False
    for text, quoted in pieces:
        parts = text.split("\n")
        for i, part in enumerate(parts):
            if i:
                line = "".join(current)
                lines.append("> " + line if has_quoted and not has_plain else line)
                current, has_quoted, has_plain = [], False, False
            if part.strip():
                has_quoted, has_plain = has_quoted or quoted, has_plain or not quoted
            current.append(part)
    line = "".join(current)
    lines.append("> " + line if has_quoted and not has_plain else line)
    return lines


def html_to_text(markup: str) -> str:
    """Readable text of an HTML body; quoted blocks are prefixed with ``> ``."""
    if not markup.strip():
        return ""
    try:
        root = lxml_html.document_fromstring(markup)
    except (etree.ParserError, ValueError):
        return tidy(markup)
    out: list[tuple[str, bool]] = []
    body = root.find("body")
    _walk(body if body is not None else root, out, quoted=False)
    lines = []
    for line in _lines(out):
        visible = line.replace("\x02", "").replace("\x03", "")
        if visible.strip(" >"):
            lines.append(visible.replace("\t", "|").rstrip(" |"))
        elif visible != line:
            lines.append("")
    return tidy("\n".join(lines))
