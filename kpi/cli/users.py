"""``python -m kpi user add|passwd|disable|list``: the accounts (kpi.store.accounts).

The parser is kpi.cli.main (which imports this module only when the command runs).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from kpi.cli.main import EXIT_OK, EXIT_REJECTED, err
from kpi.domain.permissions import PermissionDenied, cli_actor
from kpi.store.db import make_engine, transaction, upgrade


def _read_password(username: str) -> tuple[str, bool]:
    """(password, generated): prompted twice on a terminal, generated otherwise."""
    from kpi.store.accounts import AccountError, generate_password

    if sys.stdin.isatty():
        first = getpass.getpass(f"{username} のパスワード: ")
        second = getpass.getpass("もう一度: ")
        if first != second:
            raise AccountError("2回入力したパスワードが一致しません")
        return first, False
    return generate_password(), True


def _ready_engine() -> Any:
    engine = make_engine()
    upgrade(engine)
    return engine


def cmd_user(args: argparse.Namespace) -> int:
    from kpi.store import accounts as auth

    actor = cli_actor()
    generated, password = False, ""
    try:
        if args.user_command == "list":
            with transaction(_ready_engine()) as session:
                frame = auth.list_users(session)
            print(frame.to_string(index=False) if not frame.empty else "利用者はいません")
            return EXIT_OK
        if args.user_command == "add":
            name = auth.normalize_username(args.name)  # refused before a password is asked
            password, generated = _read_password(name)
            with transaction(_ready_engine()) as session:
                auth.add_user(
                    session,
                    actor,
                    name,
                    password,
                    args.role,
                    args.department or [],
                    display_name=args.display_name or "",
                    email=args.email,
                )
            print(f"利用者 {name}（{args.role}）を追加しました")
        elif args.user_command == "passwd":
            password, generated = _read_password(args.name)
            with transaction(_ready_engine()) as session:
                auth.set_password(session, actor, args.name, password)
            print(f"{args.name} のパスワードを変更しました")
        else:
            with transaction(_ready_engine()) as session:
                auth.disable_user(session, actor, args.name)
            print(f"{args.name} を無効にしました")
            return EXIT_OK
    except (auth.AccountError, PermissionDenied) as exc:
        err(str(exc))
        return EXIT_REJECTED
    if generated:
        print(f"初期パスワード（この一度だけ表示します）: {password}")
    return EXIT_OK
