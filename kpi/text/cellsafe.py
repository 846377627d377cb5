"""Spreadsheet cells that Excel never runs as formulas (OWASP "CSV injection").

A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read
by Excel and LibreOffice as a formula. Such text gets a leading apostrophe; numbers stay
numbers (a negative number is a number, not text, so it is left alone).
"""

from __future__ import annotations

from typing import Any

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """The cell value to write: text that could start a formula is prefixed with ``'``."""
    if isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES):
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
