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
