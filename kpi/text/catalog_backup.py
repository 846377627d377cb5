"""Words of backups, restores, the move to another database and storage faults (issue 18):
entries shaped as those of ``kpi.text.catalog.TEXT`` (key → (Japanese, English))."""

from __future__ import annotations

BACKUP_TEXT: dict[str, tuple[str, str]] = {
    # refusals of backup / verify-backup / restore / copy-database (exit 1, nothing written)
    "backup_exists": (
        "{path}: すでにあります。バックアップは上書きしないので、別の名前を指定してください",
        "{path}: already exists. A backup never overwrites a file: choose another name",
    ),
    "backup_write_failed": (
        "{path}: バックアップを書き込めませんでした（{reason}）。途中までのファイルは残していません",
        "{path}: the backup could not be written ({reason}). No partial file was left",
    ),
    "backup_not_archive": (
        "{path}: バックアップのファイルではないか、壊れています（{reason}）",
        "{path}: not a backup archive, or damaged ({reason})",
    ),
    "backup_bad_manifest": (
        "{path}: 目録（manifest.json）が読めないか、形式が違います（{reason}）",
        "{path}: the manifest (manifest.json) is unreadable or of another format ({reason})",
    ),
    "backup_table_damaged": (
        "{path}: 表 {table} の内容が目録と一致しません（{reason}）",
        "{path}: table {table} does not match the manifest ({reason})",
    ),
    "backup_file_changed": (
        "{path}: ファイルが作成後に変更されています（全体のチェックサムが一致しません）",
        "{path}: the file was changed after it was written (the whole-file checksum differs)",
    ),
    "backup_verified": (
        "{path}: 正常です（スキーマ {revision}、{tables}表、{rows}行、作成 {created}）",
        "{path}: intact (schema {revision}, {tables} tables, {rows} rows, made {created})",
    ),
    "backup_written": (
        "{path}: バックアップを書き出しました（{tables}表、{rows}行、{size}）",
        "{path}: backup written ({tables} tables, {rows} rows, {size})",
    ),
    "backup_pruned": (
        "古いバックアップを{n}件削除しました（新しい{keep}件を残す）",
        "Removed {n} old backups (kept the newest {keep})",
    ),
    "backup_safety_written": (
        "安全のため、変更前のデータベースを {path} にバックアップしました",
        "For safety, the database before this change was backed up to {path}",
    ),
    "backup_newer_schema": (
        "{path}: このバックアップは新しい版のスキーマ（{revision}）で作られています。この版では復元できません",
        "{path}: this backup has a newer schema ({revision}) than this version knows; it cannot be restored here",
    ),
    "backup_target_not_empty": (
        "復元先のデータベースが空ではありません（{held}）。"
        "空のデータベース（または init しただけのもの）にだけ復元できます。何も変更していません",
        "The target database is not empty ({held}). A backup restores only into an empty (or freshly initialised) "
        "database. Nothing was changed",
    ),
    "backup_schema_mismatch": (
        "{path}: 表 {table} の列がスキーマ {revision} の列と一致しません。何も変更していません",
        "{path}: the columns of table {table} differ from schema {revision}. Nothing was changed",
    ),
    "backup_restored": (
        "{path} を復元しました（{tables}表、{rows}行、スキーマ {revision}）",
        "Restored {path} ({tables} tables, {rows} rows, schema {revision})",
    ),
    "backup_same_database": (
        "コピー先がコピー元と同じデータベースです",
        "The target is the same database as the source",
    ),
    "backup_copied": ("{target} にコピーしました。表ごとの行数:", "Copied to {target}. Rows per table:"),
    "backup_count_header": ("表\tコピー元\tコピー先", "table\tsource\ttarget"),
    "backup_count_differs": (
        "行数が一致しない表があります: {tables}",
        "Some tables have other row counts: {tables}",
    ),
    # storage faults of a save (the form keeps what was typed)
    "backup_fault_disk_full": (
        "ディスクの空き容量が足りないため保存できませんでした。入力は残っています。"
        "管理者が空き容量を増やした後、もう一度保存してください",
        "The disk is full, so nothing was saved. Your input is kept: save again once the administrator has freed space",
    ),
    "backup_fault_read_only": (
        "データベースのファイルが読み取り専用のため保存できませんでした。入力は残っています。"
        "管理者が書き込みできるようにした後、もう一度保存してください",
        "The database file is read-only, so nothing was saved. Your input is kept: save again once the administrator "
        "has made it writable",
    ),
    "backup_fault_unreachable": (
        "データベースのサーバーに接続できないため保存できませんでした。入力は残っています。"
        "しばらくしてから、もう一度保存してください",
        "The database server cannot be reached, so nothing was saved. Your input is kept: save again in a while",
    ),
    "backup_fault_busy": (
        "ほかの保存が続いているため保存できませんでした。入力は残っています。もう一度保存してください",
        "Other saves kept the database busy, so nothing was saved. Your input is kept: save again",
    ),
    "backup_fault_page_unreachable": (
        "データベースのサーバーに接続できないため、このページを表示できません。入力中の値は残っています。"
        "しばらくしてから再読み込みしてください（エラー番号 {id}）",
        "The database server cannot be reached, so this page cannot be shown. Values being entered are kept: "
        "reload in a while (incident {id})",
    ),
    # 計画管理: the backup panel
    "backup_panel": ("バックアップ", "Backups"),
    "backup_download": ("バックアップをダウンロード", "Download a backup"),
    "backup_download_help": (
        "データベースの全体（全年度の計画・実績・評価・アカウント・変更履歴）を1つのファイルにします。"
        "python -m kpi restore で復元できます",
        "The whole database (every year's plan, actuals, evaluations, accounts, audit log) in one file; "
        "python -m kpi restore restores it",
    ),
    "backup_kind": ("種類", "Kind"),
    "backup_kind_auto": ("自動（削除の前の安全コピー）", "Automatic (safety copy before a deletion)"),
    "backup_kind_scheduled": ("定期バックアップ", "Scheduled backup"),
    "backup_file": ("ファイル", "File"),
    "backup_time": ("日時", "Time"),
    "backup_size": ("サイズ", "Size"),
    "backup_none": ("まだありません", "No backup yet"),
    "backup_stale": (
        "7日以内のバックアップが `{dir}` にありません。"
        "定期バックアップ（毎晩 `python -m kpi backup --dir {dir} --keep 30`）を設定してください",
        "No backup newer than 7 days in `{dir}`. "
        "Set up the scheduled backup (nightly `python -m kpi backup --dir {dir} --keep 30`)",
    ),
}
