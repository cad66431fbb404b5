"""The audit log as an administrator reads it: people and objects by name, actions in words.

The log keeps ids and action codes (stable, searchable); this turns them into "Nguyễn Văn A
đã mời cán bộ b@tinh.gov.vn" at display time, from the accounts, tokens and drafts we hold.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.aggregator.accounts.models import ApiToken, StaffAccount
from services.aggregator.models import AggregatedDocument
from shared.audit import AuditEntry

ACTIONS: dict[str, str] = {
    "account.invited": "Mời cán bộ, tạo tài khoản",
    "account.roles_changed": "Đổi vai trò, trạng thái tài khoản",
    "account.roles_synced": "Cập nhật vai trò theo nhà cung cấp đăng nhập",
    "account.roles_synced_signout": "Đăng xuất mọi nơi do vai trò đổi ở nhà cung cấp đăng nhập",
    "account.signed_in": "Đăng nhập",
    "account.signed_out": "Đăng xuất",
    "account.signed_out_everywhere": "Đăng xuất trên mọi thiết bị",
    "account.password_reset": "Cấp lại liên kết đặt mật khẩu",
    "account.password_set": "Đặt mật khẩu",
    "account.oidc_linked": "Liên kết tài khoản với nhà cung cấp đăng nhập",
    "account.oidc_created": "Tạo tài khoản khi đăng nhập qua nhà cung cấp",
    "token.created": "Tạo mã truy cập cho chương trình",
    "token.revoked": "Thu hồi mã truy cập",
    "document.reviewers_set": "Phân công người xem xét dự thảo",
    "document.imported": "Nhập dự thảo",
    "document.published": "Công bố và mở lấy ý kiến",
    "document.opened": "Mở lại, đổi thời hạn lấy ý kiến",
    "document.closed": "Kết thúc lấy ý kiến",
    "document.contacts": "Sửa thông tin liên hệ",
    "document.required_fields": "Đổi thông tin bắt buộc của người góp ý",
    "document.version_applied": "Áp dụng phiên bản mới của dự thảo",
}
OBJECT_KINDS = {
    "staff_account": "tài khoản",
    "api_token": "mã truy cập",
    "token": "phiên đăng nhập",
    "document": "dự thảo",
}
ACTORS = {"cli": "dòng lệnh (máy chủ)"}


@dataclass(frozen=True)
class ReadableEntry:
    at: datetime
    actor: str
    action: str
    target: str
    code: str  # the raw action code, kept for search and export


def describe_action(code: str) -> str:
    """The action in Vietnamese; an unknown code is shown as it is rather than hidden."""
    return ACTIONS.get(code, code)


async def readable(session: AsyncSession, entries: Sequence[AuditEntry]) -> list[ReadableEntry]:
    """Resolve every actor and object id of these lines to a name, in three queries."""
    accounts = list((await session.execute(select(StaffAccount))).scalars())
    people = {str(a.id): a.display_name or a.email for a in accounts}
    emails = {str(a.id): a.email for a in accounts}
    tokens = {t.id: t.name for t in (await session.execute(select(ApiToken))).scalars()}
    documents = {
        str(d.id): d.title for d in (await session.execute(select(AggregatedDocument))).scalars()
    }

    def actor(entry: AuditEntry) -> str:
        return people.get(entry.actor) or entry.actor_name or ACTORS.get(entry.actor, entry.actor)

    def target(entry: AuditEntry) -> str:
        oid = entry.object_id
        if entry.object_type == "staff_account":
            name = people.get(oid)
            return f"{name} ({emails[oid]})" if name and name != emails.get(oid) else name or oid
        if entry.object_type == "api_token":
            return f"mã “{tokens[oid]}”" if oid in tokens else "mã truy cập"
        if entry.object_type == "document":
            return documents.get(oid) or f"dự thảo {_short(oid)}"
        if entry.object_type == "token":
            return "một phiên đăng nhập"
        return f"{OBJECT_KINDS.get(entry.object_type, entry.object_type)} {_short(oid)}".strip()

    return [
        ReadableEntry(e.at, actor(e), describe_action(e.action), target(e), e.action)
        for e in entries
    ]


def _short(value: str) -> str:
    try:
        return str(uuid.UUID(value))[:8]
    except ValueError:
        return value
