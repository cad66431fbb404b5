"""Command line of the aggregator.

python -m services.aggregator create-token --role reviewer [--name NAME] [--days N]
python -m services.aggregator create-admin --email X [--name NAME] [--password-stdin]
python -m services.aggregator rebuild        # the tallies, again from the topics
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys

from services.aggregator.accounts import access, service
from services.aggregator.config import AggregatorSettings
from services.aggregator.rebuild import rebuild
from shared import migrate
from shared.auth import ROLES
from shared.db import create_engine, session_factory, unit_of_work
from shared.web import DomainError


async def _create_token(
    settings: AggregatorSettings, name: str, roles: list[str], days: int
) -> str:
    engine = create_engine(settings.database_url)
    try:
        async with unit_of_work(session_factory(engine)) as session:
            return await access.create_api_token(
                session, settings.signing_keys, "cli", name, roles, days=days
            )
    finally:
        await engine.dispose()


async def _create_admin(settings: AggregatorSettings, email: str, password: str, name: str) -> None:
    engine = create_engine(settings.database_url)
    try:
        async with unit_of_work(session_factory(engine)) as session:
            await service.create_admin(session, email, password, name)
    finally:
        await engine.dispose()


NO_TERMINAL = (
    "Không có màn hình để nhập mật khẩu (lệnh đang chạy không có terminal). "
    "Hãy truyền mật khẩu qua đầu vào chuẩn với --password-stdin, ví dụ:\n"
    "  printf '%s\\n' \"$MAT_KHAU\" | .venv/bin/python -m services.aggregator create-admin "
    "--email {email} --password-stdin"
)


def _read_password(from_stdin: bool, email: str) -> str:
    """The password from stdin when asked to, else typed twice at a terminal (never echoed)."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise DomainError(NO_TERMINAL.format(email=email))
    try:
        first = getpass.getpass("Mật khẩu: ")
        again = getpass.getpass("Nhập lại mật khẩu: ")
    except EOFError as exc:  # the terminal went away mid-prompt
        raise DomainError(NO_TERMINAL.format(email=email)) from exc
    if first != again:
        raise DomainError("Hai lần nhập mật khẩu không khớp nhau.")
    return first


async def _has_admin(settings: AggregatorSettings) -> bool:
    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine)() as session:
            return await service.has_admin(session)
    finally:
        await engine.dispose()


def admin_exists(settings: AggregatorSettings | None = None) -> bool:
    """Whether the aggregator's (migrated) database already has an administrator."""
    return asyncio.run(_has_admin(settings or AggregatorSettings()))


def _print_progress(done: int, total: int) -> None:
    print(f"\rĐã đọc {done}/{total} sự kiện", end="", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.aggregator")
    commands = parser.add_subparsers(dest="command", required=True)
    token = commands.add_parser("create-token", help="print a revocable API token for scripts")
    token.add_argument("--role", action="append", choices=ROLES, required=True)
    token.add_argument("--name", default="script")
    token.add_argument("--days", type=int, default=90)
    admin = commands.add_parser("create-admin", help="create an administrator account")
    admin.add_argument("--email", required=True)
    admin.add_argument("--name", default="")
    admin.add_argument("--password-stdin", action="store_true")
    commands.add_parser("rebuild", help="rebuild the tallies from documents.v1 and comments.v1")
    args = parser.parse_args(argv)

    settings = AggregatorSettings()
    # the token and the account live in the aggregator's database: bring it to head first
    migrate.upgrade("aggregator", settings.database_url)
    try:
        if args.command == "create-token":
            print(asyncio.run(_create_token(settings, args.name, args.role, args.days)))
        elif args.command == "create-admin":
            password = _read_password(args.password_stdin, args.email)
            asyncio.run(_create_admin(settings, args.email, password, args.name))
            print(f"Đã tạo tài khoản quản trị {service.normalize_email(args.email)}.")
        elif args.command == "rebuild":
            applied = asyncio.run(rebuild(settings, _print_progress))
            print(f"\nĐã dựng lại số liệu tổng hợp từ {applied} sự kiện.")
    except DomainError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
