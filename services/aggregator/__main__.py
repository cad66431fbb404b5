"""Command line of the aggregator.

python -m services.aggregator create-token --role reviewer [--name NAME] [--days N]
"""

from __future__ import annotations

import argparse
from datetime import timedelta

from services.aggregator.config import AggregatorSettings
from shared.auth import ROLES, issue_token


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.aggregator")
    commands = parser.add_subparsers(dest="command", required=True)
    token = commands.add_parser("create-token", help="print an API token for scripts")
    token.add_argument("--role", action="append", choices=ROLES, required=True)
    token.add_argument("--name", default="script")
    token.add_argument("--days", type=int, default=90)
    args = parser.parse_args(argv)

    if args.command == "create-token":
        settings = AggregatorSettings()
        print(
            issue_token(
                settings.signing_keys,
                f"token:{args.name}",
                args.role,
                ttl=timedelta(days=args.days),
                kind="api",
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
