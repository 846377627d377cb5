"""``python -m kpi backup``, ``verify-backup``, ``restore`` and ``copy-database``: the archive
of everything the database holds (kpi.store.backup), checked, restored, and the move to
another database. Every refusal exits 1 with nothing written.

kpi.cli.main registers these commands (DEFERRED) only when one of them runs.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kpi.cli.main import DEFERRED, EXIT_OK, EXIT_REJECTED, Subparsers, err
from kpi.domain.permissions import cli_actor
from kpi.text.catalog import t
from kpi.text.fmt import size_text

HELP = {name: DEFERRED[name][1] for name in ("backup", "verify-backup", "restore", "copy-database")}


def register(sub: Subparsers) -> None:
    p = sub.add_parser("backup", help=HELP["backup"], description=HELP["backup"])
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--out", help="書き出すファイル（既にあれば中止。上書きしない）")
    where.add_argument("--dir", help="書き出すディレクトリ（ファイル名は kpi-backup-日付-時刻.zip）")
    p.add_argument("--keep", type=int, help="--dir のとき、新しいものからこの件数だけ残して古いものを削除する")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("verify-backup", help=HELP["verify-backup"], description=HELP["verify-backup"])
    p.add_argument("file", help="バックアップのファイル")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("restore", help=HELP["restore"], description=HELP["restore"])
    p.add_argument("file", help="バックアップのファイル")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("copy-database", help=HELP["copy-database"], description=HELP["copy-database"])
    p.add_argument(
        "--to", required=True, help="コピー先の URL（例: postgresql+psycopg://kpi:…@dbhost/kpi）。空であること"
    )
    p.set_defaults(func=cmd_copy)


def cmd_backup(args: argparse.Namespace) -> int:
    from kpi.store.backup import BackupError, backup_to_dir, write_backup
    from kpi.store.db import make_engine

    if args.keep is not None and (args.dir is None or args.keep < 1):
        err("--keep は --dir と一緒に、1以上の数で指定してください")
        return EXIT_REJECTED
    engine = make_engine()
    try:
        removed: list[Path] = []
        if args.out:
            info = write_backup(engine, args.out)
        else:
            info, removed = backup_to_dir(engine, args.dir, args.keep)
    except BackupError as exc:
        err(str(exc))
        return EXIT_REJECTED
    finally:
        engine.dispose()
    m = info.manifest
    print(t("backup_written").format(path=info.path, tables=len(m.tables), rows=m.rows, size=size_text(info.size)))
    if removed:
        print(t("backup_pruned").format(n=len(removed), keep=args.keep))
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from kpi.store.backup import BackupError, verify_backup

    try:
        m = verify_backup(args.file)
    except BackupError as exc:
        err(str(exc))
        return EXIT_REJECTED
    print(
        t("backup_verified").format(
            path=args.file, revision=m.revision, tables=len(m.tables), rows=m.rows, created=m.created_at
        )
    )
    for name, info in sorted(m.tables.items()):
        print(f"  {name}\t{info.rows}")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from kpi.store.backup import BackupError
    from kpi.store.db import make_engine
    from kpi.store.restore import restore

    engine = make_engine()
    try:
        summary = restore(engine, args.file, cli_actor())
    except BackupError as exc:
        err(str(exc))
        return EXIT_REJECTED
    finally:
        engine.dispose()
    if summary.safety is not None:
        print(t("backup_safety_written").format(path=summary.safety.path))
    m = summary.manifest
    print(t("backup_restored").format(path=args.file, tables=len(m.tables), rows=m.rows, revision=summary.revision))
    return EXIT_OK


def cmd_copy(args: argparse.Namespace) -> int:
    from kpi.store.backup import BackupError
    from kpi.store.db import make_engine
    from kpi.store.restore import copy_database, same_database

    source, target = make_engine(), make_engine(args.to)
    try:
        if same_database(source, target):
            err(t("backup_same_database"))
            return EXIT_REJECTED
        summary = copy_database(source, target, cli_actor())
    except BackupError as exc:
        err(str(exc))
        return EXIT_REJECTED
    finally:
        source.dispose()
        target.dispose()
    restored = summary.restored
    if restored.safety is not None:
        print(t("backup_safety_written").format(path=restored.safety.path))
    print(t("backup_copied").format(target=target.url.render_as_string(hide_password=True)))
    print(t("backup_count_header"))
    differs = []
    for name, info in sorted(summary.archive.manifest.tables.items()):
        after = restored.counts.get(name, 0)
        expected = info.rows + (1 if name == "audit_log" else 0)  # the restore's own audit entry
        if after != expected:
            differs.append(name)
        print(f"{name}\t{info.rows}\t{after}")
    print(f"({summary.archive.path}; audit_log +1: database.restore)")
    if differs:
        err(t("backup_count_differs").format(tables=", ".join(differs)))
        return EXIT_REJECTED
    return EXIT_OK
