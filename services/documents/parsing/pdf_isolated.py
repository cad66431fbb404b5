"""Read an uploaded PDF in a child process with a time and memory limit.

pdfminer is pure Python and trusts the file: a hostile PDF (a decompression bomb, an endless
content stream) could hold a service worker for minutes or exhaust its memory.  The child
reads the text layer and prints the logical lines as JSON; the service assembles them.
Run as ``python -m services.documents.parsing.pdf_isolated`` with the PDF on stdin.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from .lines import LogLine
from .model import ParsedDocument, Table
from .parser import assemble
from .pdf import logical_lines
from .pdf_layout import PdfUnreadable

TIMEOUT_SECONDS = 240.0  # wall clock: a busy server reads slower than its CPU limit
CPU_SECONDS = 120
MEMORY_BYTES = 2 * 1024**3
_CRASHED = "Không đọc được tệp PDF này (tệp quá phức tạp hoặc bị hỏng); chưa có gì được nhập."


def _limit_child() -> None:  # pragma: no cover - runs in the child before exec
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS + 5))


def _encode(logs: list[LogLine]) -> list[dict[str, Any]]:
    return [
        {
            "text": log.text,
            "line": log.line,
            "kind": log.kind,
            "rows": log.table.rows if log.table is not None else None,
            "emphasis": log.emphasis,
        }
        for log in logs
    ]


def _decode(items: list[dict[str, Any]]) -> list[LogLine]:
    return [
        LogLine(
            item["text"],
            item["line"],
            item["kind"],
            Table(item["rows"]) if item["rows"] is not None else None,
            emphasis=item["emphasis"],
        )
        for item in items
    ]


def parse_pdf_isolated(data: bytes, timeout: float = TIMEOUT_SECONDS) -> ParsedDocument:
    """Like ``parse_pdf``, but bounded: ``PdfUnreadable`` when the child fails or runs over."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", __name__],
            input=data,
            capture_output=True,
            timeout=timeout,
            preexec_fn=_limit_child if sys.platform != "win32" else None,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise PdfUnreadable(
            "Tệp PDF quá phức tạp, đọc quá lâu; hãy xuất lại tệp từ Word rồi tải lên."
        ) from exc
    try:
        answer = json.loads(done.stdout.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise PdfUnreadable(_CRASHED) from exc
    if done.returncode != 0 or "error" in answer:
        raise PdfUnreadable(answer.get("error") or _CRASHED)
    return assemble(_decode(answer["lines"]))


def main() -> int:
    """Child side: PDF on stdin, ``{"lines": [...]}`` or ``{"error": "..."}`` on stdout."""
    data = sys.stdin.buffer.read()
    try:
        answer: dict[str, Any] = {"lines": _encode(logical_lines(data))}
        code = 0
    except PdfUnreadable as exc:
        answer, code = {"error": str(exc)}, 2
    sys.stdout.write(json.dumps(answer, ensure_ascii=False))
    return code


if __name__ == "__main__":
    raise SystemExit(main())
