"""Form tokens (signed, bound to a document, expiring, rotatable) and the language choice."""

from __future__ import annotations

import uuid

import pytest
from starlette.requests import Request

from shared import form_tokens, i18n

KEYS = ["new-key-0123456789", "old-key-0123456789"]


class TestFormTokens:
    def test_a_token_verifies_for_its_document_only(self) -> None:
        document = uuid.uuid4()
        token = form_tokens.issue(KEYS, document)
        form_tokens.verify(KEYS, token, document)
        with pytest.raises(form_tokens.InvalidFormToken):
            form_tokens.verify(KEYS, token, uuid.uuid4())

    def test_a_tampered_timestamp_is_refused(self) -> None:
        document = uuid.uuid4()
        version, issued, nonce, signature = form_tokens.issue(KEYS, document).split(".")
        forged = ".".join([version, str(int(issued) + 10_000), nonce, signature])
        with pytest.raises(form_tokens.InvalidFormToken, match="bad signature"):
            form_tokens.verify(KEYS, forged, document)

    def test_expiry_is_reported_as_such(self) -> None:
        document = uuid.uuid4()
        token = form_tokens.issue(KEYS, document, now=1_000_000)
        with pytest.raises(form_tokens.InvalidFormToken) as caught:
            form_tokens.verify(KEYS, token, document, max_age=60, now=1_000_061)
        assert caught.value.expired

    def test_a_token_signed_with_the_previous_key_still_verifies(self) -> None:
        document = uuid.uuid4()
        token = form_tokens.issue(KEYS[1:], document)
        form_tokens.verify(KEYS, token, document)
        with pytest.raises(form_tokens.InvalidFormToken):
            form_tokens.verify(["unrelated-key"], token, document)

    @pytest.mark.parametrize("junk", ["", "abc", "f1.x.y.z", "f2.1.a.b", "f1.1.a"])
    def test_junk_is_refused(self, junk: str) -> None:
        with pytest.raises(form_tokens.InvalidFormToken):
            form_tokens.verify(KEYS, junk, uuid.uuid4())


def _request(query: str = "", cookie: str = "", accept: str = "") -> Request:
    headers = []
    if cookie:
        headers.append((b"cookie", f"{i18n.COOKIE}={cookie}".encode()))
    if accept:
        headers.append((b"accept-language", accept.encode()))
    return Request(
        {
            "type": "http",
            "query_string": query.encode(),
            "headers": headers,
            "path": "/d/x",
            "scheme": "http",
            "server": ("gopy.test", 80),
            "root_path": "",
        }
    )


class TestLanguage:
    def test_vietnamese_by_default(self) -> None:
        assert i18n.language_of(_request()) == "vi"

    def test_accept_language_is_honoured_by_quality(self) -> None:
        assert i18n.language_of(_request(accept="en-GB,en;q=0.9")) == "en"
        assert i18n.language_of(_request(accept="fr, en;q=0.5, vi;q=0.8")) == "vi"

    def test_the_switch_link_and_cookie_beat_accept_language(self) -> None:
        assert i18n.language_of(_request(query="lang=en", accept="vi")) == "en"
        assert i18n.language_of(_request(cookie="en", accept="vi")) == "en"
        assert i18n.language_of(_request(query="lang=vi", cookie="en")) == "vi"

    def test_every_word_has_both_languages(self) -> None:
        assert set(i18n.VI) == set(i18n.EN)

    def test_the_switch_link_keeps_the_page(self) -> None:
        assert i18n.switch_url(_request(query="code=AB"), "en") == "/d/x?code=AB&lang=en"
