"""The pseudonymous commenter key: how the aggregator counts people without knowing them.

A keyed hash (HMAC-SHA256 with ``FEEDBACK_COMMENTER_KEY_SECRET``, which only feedback
holds) of the first contact detail that singles a person out: the e-mail address, else
the phone number, else, for a postal letter, the sender's name with the address. The
same person writing twice, by web and by e-mail with one address, gets the same key;
without the secret the key cannot be turned back into the address, nor be checked
against a guessed one. A comment with none of these gets no key and counts as its own
commenter (a name alone does not single out one person among many Nguyễn Văn A).
"""

from __future__ import annotations

import hmac
import re

from shared.text import nfc

KEY_CHARS = 32  # 128 bits of the digest: no collision among a nation's commenters

_NOT_DIGITS = re.compile(r"\D")


def _text(value: str) -> str:
    """NFC, lower case, runs of spaces as one: "Nguyễn  Văn A" and "nguyễn văn a" agree."""
    return " ".join(nfc(value).casefold().split())


def _phone(value: str) -> str:
    """Digits only, the country code as the national 0: +84 912 345 678 is 0912345678."""
    digits = _NOT_DIGITS.sub("", value)
    if digits.startswith("0084"):
        return "0" + digits[4:]
    if digits.startswith("84") and len(digits) >= 11:  # Vietnamese numbers start with 0
        return "0" + digits[2:]
    return digits


def identity_of(
    *,
    channel: str,
    email: str | None,
    phone: str | None,
    name: str | None,
    address: str | None,
) -> str | None:
    """The normalised detail the key is computed from, labelled by its kind; None: none."""
    if email and email.strip():
        return "email:" + _text(email)
    if phone and _phone(phone):
        return "phone:" + _phone(phone)
    if channel == "post" and name and address and name.strip() and address.strip():
        return "post:" + _text(name) + "\n" + _text(address)
    return None


def commenter_key(
    secret: str,
    *,
    channel: str,
    email: str | None = None,
    phone: str | None = None,
    name: str | None = None,
    address: str | None = None,
) -> str | None:
    """The commenter's key for ``comments.v1``, or None when nothing identifies them."""
    identity = identity_of(channel=channel, email=email, phone=phone, name=name, address=address)
    if identity is None or not secret:
        return None
    digest = hmac.digest(secret.encode(), identity.encode(), "sha256").hex()
    return digest[:KEY_CHARS]
