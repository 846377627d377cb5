"""Reading a number a person typed: in a form, an actuals CSV/XLSX cell or the plan file.

Pure: no database, no Streamlit. One reader everywhere, so 「１００」, ``3,100`` and ``86.5%``
mean the same wherever they are typed.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

PERCENT_UNITS = ("%", "％")


def is_percent(unit: str) -> bool:
    return unit in PERCENT_UNITS


def _short(text: str, limit: int = 40) -> str:
    """A cell's text in a message: a huge cell is cut, not echoed whole."""
    text = str(text)
    return text if len(text) <= limit else text[:limit] + f"…（{len(text):,}文字）"


MAX_NUMBER_TEXT = 64  # characters of a typed number; anything longer is not a number a person typed
# A comma is a thousands separator only in groups of three: "3,100" and "1,234,567" are
# numbers, "75,5" is refused (a European decimal comma? a typo of 755?).
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")


def parse_number(raw: Any, unit: str | None = None) -> float:
    """A finite number from a cell or a form; raise ValueError with a readable reason.

    Accepts full-width digits, thousands separators in groups of three and, for a %
    indicator (or when ``unit`` is not given), a trailing %.
    """
    if raw is None:
        raise ValueError("値が空です")
    if isinstance(raw, bool):
        raise ValueError(f"数値ではありません: {_short(repr(raw))}")
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        text = unicodedata.normalize("NFKC", str(raw)).strip()
        if len(text) > MAX_NUMBER_TEXT:
            raise ValueError(f"数値として長すぎます（{len(text):,}文字）")
        if text.endswith("%"):
            if unit is not None and not is_percent(unit):
                raise ValueError(f"「%」は単位が % の指標にだけ使えます（この指標の単位: {unit}）: {_short(str(raw))}")
            text = text[:-1].strip()
        if "," in text:
            if not _GROUPED.match(text):
                raise ValueError(
                    f"カンマの位置があいまいです: {_short(str(raw))}"
                    "（桁区切りは3桁ごと（例: 3,100）、小数点はピリオド（例: 75.5）で入力してください）"
                )
            text = text.replace(",", "")
        if text == "":
            raise ValueError("値が空です")
        try:
            if "_" in text:  # float() reads "1_000"; a person did not mean that
                raise ValueError
            value = float(text)
        except ValueError:
            raise ValueError(f"数値ではありません: {_short(str(raw))}") from None
    if math.isnan(value) or math.isinf(value):
        raise ValueError("NaN や無限大は使えません")
    return value
