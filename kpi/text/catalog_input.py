"""Words of the input rules (control characters) and of the archive check of uploaded
workbooks: entries shaped as those of ``kpi.text.catalog.TEXT``, which registers them."""

from __future__ import annotations

INPUT_TEXT: dict[str, tuple[str, str]] = {
    "input_control_char": (
        "{field}に使えない制御文字（{char}、{pos}文字目）があります。改行とタブ以外の制御文字は使えません。"
        "取り除いてからもう一度お試しください",
        "{field} contains a control character ({char}, character {pos}) that cannot be used: only line breaks "
        "and tabs are allowed. Remove it and try again",
    ),
    "input_archive_not_zip": (
        "Excelファイル（.xlsx）として読めません（ZIP 形式ではありません）",
        "Not an Excel file (.xlsx): it is not a ZIP archive",
    ),
    "input_archive_too_big": (
        "ファイルが大きすぎます（{size:,}バイト。{limit:,}バイトまで）",
        "The file is too large ({size:,} bytes; at most {limit:,} bytes)",
    ),
    "input_archive_members": (
        "Excelファイルの部品が多すぎます（{n:,}個。{limit:,}個まで）。読み込む前に止めました",
        "The Excel file has too many parts ({n:,}; at most {limit:,}). It was refused before reading",
    ),
    "input_archive_inflated": (
        "Excelファイルを展開すると大きすぎます（{size:,}バイト。{limit:,}バイトまで）。読み込む前に止めました",
        "The Excel file is too large when unpacked ({size:,} bytes; at most {limit:,}). It was refused before reading",
    ),
    "input_archive_ratio": (
        "Excelファイルの圧縮率が異常です（{name} が {ratio:,.0f}倍に展開されます。{limit:,}倍まで）。"
        "読み込む前に止めました",
        "The Excel file is compressed abnormally ({name} unpacks {ratio:,.0f} times; at most {limit:,}). "
        "It was refused before reading",
    ),
    "input_sheet_too_large": (
        "シート「{sheet}」が大きすぎます（{rows:,}行・{cols:,}列。{max_rows:,}行・{max_cols:,}列まで）",
        "The sheet “{sheet}” is too large ({rows:,} rows, {cols:,} columns; at most {max_rows:,} rows, "
        "{max_cols:,} columns)",
    ),
}
