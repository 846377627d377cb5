"""Spreadsheet cells that Excel never runs as formulas (OWASP "CSV injection").

A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read
by Excel and LibreOffice as a formula. Such text gets a leading apostrophe; numbers stay
numbers (a negative number is a number, not text, so it is left alone).

Every text cell also loses the characters openpyxl cannot write
(``openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE``: C0 controls other than tab, line feed and
carriage return): input refuses them (``kpi.text.control``), but a row stored before that
rule must never break a workbook again. CSV exports strip the same characters.
"""

from __future__ import annotations

import re
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


# How a workbook stores a character XML cannot hold: ``_x001B_`` (``_x005F_`` is "_" itself).
_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def cell_text(value: str) -> str:
    """A text cell as Excel means it: its ``_xHHHH_`` escapes decoded (openpyxl leaves them as
    written), so that a control character typed in Excel is seen, and refused, by the import."""
    return _OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value)


def writable(value: Any) -> Any:
    """Text without the characters a workbook cannot hold; anything else as it is."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def neutralise(value: Any) -> Any:
    """The cell value to write: text without unwritable characters, and prefixed with ``'``
    when it could start a formula."""
    if isinstance(value, str):
        value = writable(value)
        if value.startswith(DANGEROUS_PREFIXES):
            return "'" + value
    return value


def neutralise_row(values: list[Any] | tuple[Any, ...]) -> list[Any]:
    return [neutralise(v) for v in values]


def safe_csv(frame: Any) -> bytes:
    """A DataFrame as CSV for Excel: UTF-8 with BOM (Japanese text opens right), every text
    cell neutralised so that no cell runs as a formula; numbers stay numbers."""
    import pandas as pd

    shown = frame.copy()
    for col in shown.columns:
        if not pd.api.types.is_numeric_dtype(shown[col]):
            shown[col] = [neutralise(v) for v in shown[col]]
    shown.columns = [neutralise(str(c)) for c in shown.columns]
    return "\ufeff".encode() + shown.to_csv(index=False).encode("utf-8")
