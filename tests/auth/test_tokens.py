"""Signed tokens: tampered, expired and foreign ones are refused; a rotated key still verifies."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest

from shared.auth import InvalidToken, issue_token, verify_token
from tests.stack import DOCS, FEEDBACK, NEW_KEY, OLD_KEY, Stack


def _tamper(token: str) -> str:
    """Give the token more roles without re-signing it."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["roles"] = ["admin", "clerk", "reviewer"]
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


class TestVerify:
    def test_a_fresh_token_verifies_with_its_roles_and_epoch(self) -> None:
        token = issue_token([NEW_KEY], "acct-1", ["reviewer"], ttl=timedelta(hours=1), epoch=4)
        staff = verify_token([NEW_KEY, OLD_KEY], token)
        assert (staff.subject, staff.roles, staff.epoch) == ("acct-1", {"reviewer"}, 4)

    def test_a_tampered_token_is_refused(self) -> None:
        token = issue_token([NEW_KEY], "acct-1", ["clerk"], ttl=timedelta(hours=1))
        with pytest.raises(InvalidToken):
            verify_token([NEW_KEY], _tamper(token))

    def test_an_expired_token_is_refused(self) -> None:
        token = issue_token([NEW_KEY], "acct-1", ["clerk"], ttl=timedelta(seconds=-5))
        with pytest.raises(InvalidToken):
            verify_token([NEW_KEY], token)

    def test_a_token_signed_by_an_unknown_key_is_refused(self) -> None:
        token = issue_token(
            ["someone-elses-key-0123456789abcdef"], "x", ["admin"], ttl=timedelta(1)
        )
        with pytest.raises(InvalidToken):
            verify_token([NEW_KEY, OLD_KEY], token)

    def test_after_rotation_the_old_key_second_in_the_list_still_verifies(self) -> None:
        old = issue_token([OLD_KEY], "acct-1", ["reviewer"], ttl=timedelta(hours=1))
        assert verify_token([NEW_KEY, OLD_KEY], old).subject == "acct-1"
        with pytest.raises(InvalidToken):
            verify_token([NEW_KEY], old)  # and once the old key is dropped, it does not

    def test_unknown_roles_cannot_be_issued(self) -> None:
        with pytest.raises(ValueError):
            issue_token([NEW_KEY], "x", ["superuser"], ttl=timedelta(hours=1))


class TestOverHttp:
    @pytest.mark.parametrize("url", [f"{DOCS}/api/staff/me", f"{FEEDBACK}/api/staff/me"])
    async def test_every_service_refuses_bad_tokens_and_accepts_a_rotated_one(
        self, stack: Stack, url: str
    ) -> None:
        browser = stack.browser()
        good = stack.token(["reviewer"])
        bad = {
            "tampered": _tamper(stack.token(["clerk"])),
            "expired": stack.token(["reviewer"], ttl=timedelta(seconds=-1)),
            "unknown key": stack.token(
                ["reviewer"], keys=["not-our-key-0123456789abcdef0123456789"]
            ),
            "garbage": "not.a.token",
        }
        for name, token in bad.items():
            answer = await browser.get(url, headers={"Authorization": f"Bearer {token}"})
            assert answer.status_code == 401, name
            assert "đăng nhập" in answer.json()["detail"]
        answer = await browser.get(url, headers={"Authorization": f"Bearer {good}"})
        assert answer.status_code == 200
        rotated = stack.token(["reviewer"], keys=[OLD_KEY])
        answer = await browser.get(url, headers={"Authorization": f"Bearer {rotated}"})
        assert answer.status_code == 200
