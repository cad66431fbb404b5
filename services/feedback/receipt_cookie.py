"""The receipt codes a browser was just given, kept in a cookie rather than in any URL.

The form's POST answers 303 to ``/comments/received/{comment_id}``; that page shows the
code only when the browser holds it, so an address seen in a log or a history reveals
nothing, and a reload shows the same receipt without sending the comment again.
"""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import Response

RECEIPTS_COOKIE = "gopy_receipts"
RECEIPTS_PATH = "/comments"
_KEPT = 20
_CODE = re.compile(r"^[A-Z2-9]{5}-[A-Z2-9]{5}$")


def receipts_of(request: Request) -> list[str]:
    """The codes this browser was given recently, newest last."""
    raw = request.cookies.get(RECEIPTS_COOKIE, "")
    return [code for code in raw.split(".") if _CODE.match(code)]


def remember_receipt(request: Request, response: Response, code: str) -> None:
    """Add one code to the browser's recent receipts (a day, only sent to the receipt page)."""
    codes = [c for c in receipts_of(request) if c != code] + [code]
    response.set_cookie(
        RECEIPTS_COOKIE,
        ".".join(codes[-_KEPT:]),
        max_age=24 * 3600,
        path=RECEIPTS_PATH,
        httponly=True,
        samesite="lax",
    )
