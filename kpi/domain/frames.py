"""The one conversion boundary between pandas and the rest of the product.

pandas turns a missing value into a float NaN (numbers, and text in pandas 3's ``str``
dtype) or NaT (times). NaN is truthy and prints as ``nan``, so every frame that leaves the
store or the status evaluation goes through :func:`none_for_missing`: a column that holds
any missing value becomes an ``object`` column whose missing cells are ``None``. A column
without missing values keeps its dtype, so arithmetic on complete columns stays fast.

After this boundary, code asks ``value is None`` (or uses :mod:`kpi.text.fmt`), never
``math.isnan``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd


def none_for_missing(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every missing cell (NaN, NA, NaT) as ``None`` in an object column."""
    if frame.empty:
        return frame
    missing = frame.isna()
    holes = [c for c in frame.columns if missing[c].any()]
    if not holes:
        return frame
    out = frame.copy()
    for col in holes:
        values = out[col].astype(object)
        out[col] = values.where(~missing[col], None).astype(object)
    return out


def from_records(rows: Sequence[Mapping[str, Any]], columns: Iterable[str] | None = None) -> pd.DataFrame:
    """A frame built from dict rows, with None kept as None (pandas would make it NaN)."""
    cols = list(columns) if columns is not None else None
    if not rows:
        return pd.DataFrame(columns=cols)
    frame = pd.DataFrame(list(rows), columns=cols)
    return none_for_missing(frame)


def records(frame: pd.DataFrame, columns: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """The rows of ``frame`` (or of ``columns`` of it) as dicts, as ``frame.to_dict("records")``
    gives them, built from each column's ``tolist()``: pandas boxes every cell on its own,
    which for 3,000 indicators × 23 columns cost more than evaluating them."""
    cols = [str(c) for c in frame.columns] if columns is None else list(columns)
    lists = [frame[c].tolist() for c in cols]
    return [dict(zip(cols, row, strict=True)) for row in zip(*lists, strict=True)]


def is_missing(value: Any) -> bool:
    """True for None, float NaN, pandas NA/NaT and empty text."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, str):
        return value.strip() == ""
    try:
        import pandas as pd

        result = pd.isna(value)
    except (TypeError, ValueError):
        return False
    return bool(result) if isinstance(result, bool) else False


def opt(value: Any) -> Any:
    """``value`` or None when it is missing (the one conversion for values read from frames)."""
    return None if is_missing(value) else value


def opt_float(value: Any) -> float | None:
    v = opt(value)
    if v is None:
        return None
    f = float(v)
    return None if math.isnan(f) or math.isinf(f) else f
