"""The one rule for control characters in text that people type or files bring in.

Allowed: line feed (a line break) and tab. Refused: every other C0 character (U+0000–U+001F)
and DEL (U+007F). Carriage return is refused too: the browser's text areas send LF line
breaks, and a lone CR is no line break in any of our exports (Excel shows it as a box,
and a cell starting with it is read as a formula). The inquiry workbook reader turns
Excel's CR LF into LF before this check, as it always did.

Why: openpyxl cannot write most of them (``ILLEGAL_CHARACTERS_RE``), so one stored note with
``\\x1b`` broke every Excel export; PostgreSQL refuses NUL in any text. Every write path
calls ``control_refusal`` (or ``refuse_control``) before it queries or stores; the exports
strip what is left from old rows (``kpi.text.cellsafe``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from kpi.text.catalog import t

CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f]")  # C0 except \t (09) and \n (0a), plus DEL


MESSAGE_KEY = "input_control_char"  # values: field, char (U+XXXX), pos (1-based)


def first_control(value: Any) -> tuple[str, int] | None:
    """The first refused character of text as ``("U+001B", position from 1)``; None when clean.
    Only text is checked; numbers and None pass."""
    if not isinstance(value, str):
        return None
    found = CONTROL_RE.search(value)
    return None if found is None else (f"U+{ord(found.group()):04X}", found.start() + 1)


def control_refusal(field: str, value: Any, lang: str = "ja") -> str | None:
    """The message refusing ``value`` for ``field`` (named as the person knows it), or None.
    It names the character as U+XXXX and its position, never the character itself."""
    found = first_control(value)
    if found is None:
        return None
    return t(MESSAGE_KEY, lang).format(field=field, char=found[0], pos=found[1])


def refuse_control(fields: Iterable[tuple[str, Any]], error: type[Exception] = ValueError) -> None:
    """Raise ``error`` with the first refusal among (field name, value) pairs."""
    for field, value in fields:
        message = control_refusal(field, value)
        if message is not None:
            raise error(message)
