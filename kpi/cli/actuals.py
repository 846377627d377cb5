"""``python -m kpi import-actuals``: a CSV/XLSX file of monthly actuals, saved all or nothing.

The parser is kpi.cli.main (which imports this module only when the command runs).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kpi.cli.main import err
from kpi.domain import clock
from kpi.domain.permissions import PermissionDenied, cli_actor
from kpi.store.db import is_database_busy, make_engine, upgrade


def cmd_import_actuals(args: argparse.Namespace) -> int:
    # Imported here so that the rest of the CLI does not load the write path.
    from kpi.services.actuals import ActualsRejected, record_actuals
    from kpi.services.actuals_files import FileFormatError, read_actuals_file
    from kpi.store.writes import ConcurrentSave, StorageFault, with_retry

    engine = make_engine()
    upgrade(engine)
    try:
        rows = read_actuals_file(args.file)
        result = with_retry(
            engine,
            record_actuals,
            rows,
            cli_actor(),
            clock.today(),
            source=f"import:{Path(args.file).name}"[:40],
            require_reason=True,
            require_note=True,
            default_reason=args.reason or "",
            file_notes=True,
        )
    except FileFormatError as exc:
        err(f"{args.file}: {exc}")
        return 1
    except ActualsRejected as exc:
        err(f"{args.file}: {len(exc.errors)}件の誤りがあるため、ファイル全体を取り込んでいません:")
        for e in exc.errors:
            err(f"  {e}")
        return 1
    except (PermissionDenied, ConcurrentSave) as exc:
        err(f"{args.file}: {exc}")
        return 1
    except Exception as exc:
        # with_retry reports a storage fault (kpi.store.writes.StorageFault) with its cause.
        busy = is_database_busy(exc) or is_database_busy(exc.__cause__ or exc)
        if isinstance(exc, StorageFault) and not busy:
            err(f"{args.file}: {exc}")
            return 1
        if not busy:
            raise
        # SQLite: another import held the database longer than the busy timeout.
        err(
            f"{args.file}: 他の保存が続いているため取り込めませんでした（何も保存していません）。"
            "もう一度実行してください"
        )
        return 1
    print(f"{args.file}: {len(result.saved)}件を保存しました（変更なし {len(result.unchanged)}件）")
    return 0
