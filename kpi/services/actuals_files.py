"""Reading actuals files: CSV (UTF-8, UTF-8 with BOM, or CP932 as Japanese Excel writes it)
and XLSX, with the columns ``indicator_id,month,value,note,reason`` (note and reason optional).

Reading only turns a file into rows with their line numbers; ``kpi.services.actuals`` checks and
saves them, all or nothing.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path
from typing import Any

from kpi.services.actuals import ActualInput
from kpi.text import archive
from kpi.text.cellsafe import cell_text

COLUMNS = ("indicator_id", "month", "value", "note", "reason")
REQUIRED = ("indicator_id", "month", "value")
ENCODINGS = ("utf-8-sig", "cp932")  # utf-8-sig reads plain UTF-8 too
MAX_FILE_BYTES = archive.MAX_UPLOAD_BYTES  # one limit for every upload (kpi.text.archive)


class FileFormatError(ValueError):
    """The file as a whole cannot be read (encoding, header, format)."""


def decode_csv(data: bytes) -> tuple[str, str]:
    """Text and the encoding it was read with."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise FileFormatError("文字コードを判別できません（UTF-8 または Shift_JIS(CP932) で保存してください）")


def _header_map(header: list[Any]) -> dict[str, int]:
    names = [str(h).strip().lower() if h is not None else "" for h in header]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise FileFormatError(
            f"1行目に列 {', '.join(missing)} がありません（必要な列: {','.join(COLUMNS)}。実際: {','.join(names)}）"
        )
    return {c: names.index(c) for c in COLUMNS if c in names}


def _cell(row: list[Any], cols: dict[str, int], name: str) -> Any:
    i = cols.get(name)
    if i is None or i >= len(row):
        return None
    return row[i]


def _month_text(value: Any) -> str:
    # Excel turns a typed "2026-10" into a date; read it back as the month it was.
    if isinstance(value, datetime | date):
        return f"{value.year:04d}-{value.month:02d}"
    return "" if value is None else str(value).strip()


def rows_from_table(table: list[list[Any]]) -> list[ActualInput]:
    if not table:
        raise FileFormatError("ファイルが空です")
    cols = _header_map(table[0])
    rows = []
    for n, raw in enumerate(table[1:], start=2):
        if all(v is None or str(v).strip() == "" for v in raw):
            continue  # blank lines at the end of a sheet are not rows
        value = _cell(raw, cols, "value")
        rows.append(
            ActualInput(
                indicator_id=str(_cell(raw, cols, "indicator_id") or "").strip(),
                month=_month_text(_cell(raw, cols, "month")),
                value=value,
                note=str(_cell(raw, cols, "note") or "").strip(),
                reason=str(_cell(raw, cols, "reason") or "").strip(),
                line=n,
            )
        )
    if not rows:
        raise FileFormatError("データ行がありません")
    return rows


MAX_CSV_CELL = 131_072  # characters in one cell: the csv module's default field limit


def _csv_refusal(line: int) -> FileFormatError:
    return FileFormatError(
        f'{line}行目: CSV として読めません（セルが大きすぎるか、引用符 " が閉じていません。'
        f"1つのセルは{MAX_CSV_CELL:,}文字まで）"
    )


def read_csv_bytes(data: bytes) -> list[ActualInput]:
    text, _ = decode_csv(data)
    reader = csv.reader(io.StringIO(text))
    table: list[list[Any]] = []
    try:
        for row in reader:
            # Checked here, not left to csv.field_size_limit: that limit is process-wide, and a
            # library (frictionless sets it to sys.maxsize on import) may have raised it.
            if any(len(cell) > MAX_CSV_CELL for cell in row):
                raise _csv_refusal(reader.line_num)
            table.append(list(row))
    except csv.Error:
        # The csv module refuses a cell over its field limit (and broken quoting).
        raise _csv_refusal(reader.line_num) from None
    return rows_from_table(table)


def read_xlsx_bytes(data: bytes) -> list[ActualInput]:
    from openpyxl import load_workbook

    try:
        archive.check_xlsx(data)  # measured before openpyxl opens it (a zip bomb is refused here)
    except archive.ArchiveRefused as exc:
        raise FileFormatError(str(exc)) from None
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a damaged file
        raise FileFormatError(f"Excel ファイルとして読めません: {exc}") from None
    try:
        sheet = wb.worksheets[0]
        table: list[list[Any]] = []
        for r in sheet.iter_rows(values_only=True, max_col=archive.MAX_COLS):
            if len(table) >= archive.MAX_ROWS:
                raise FileFormatError(str(archive.sheet_too_large(sheet.title, len(table) + 1, len(r))))
            table.append([cell_text(v) if isinstance(v, str) else v for v in r])
    finally:
        wb.close()
    return rows_from_table(table)


def read_actuals_bytes(data: bytes, filename: str) -> list[ActualInput]:
    try:
        archive.check_size(data)
    except archive.ArchiveRefused as exc:
        raise FileFormatError(str(exc)) from None
    if filename.lower().endswith((".xlsx", ".xlsm")):
        return read_xlsx_bytes(data)
    return read_csv_bytes(data)


def read_actuals_file(path: str | Path) -> list[ActualInput]:
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise FileFormatError(f"{path}: ファイルが見つかりません") from None
    return read_actuals_bytes(data, path.name)


def template_csv() -> bytes:
    """An empty template, UTF-8 with BOM so that Excel opens the Japanese note and reason columns."""
    return ("\ufeff" + ",".join(COLUMNS) + "\r\n").encode("utf-8")


__all__ = [
    "COLUMNS",
    "FileFormatError",
    "read_actuals_bytes",
    "read_actuals_file",
    "template_csv",
]
