"""How a 期末評価 rating reads: 「A 達成」, its English words for the default scale, 未記入.

The scale itself (codes, labels, ``KPI_EVALUATION_SCALE``) is ``kpi.domain.rating``.
"""

from __future__ import annotations

import pandas as pd

from kpi.domain.rating import DEFAULT_SCALE, rating_scale

# The default scale's labels in English (a configured scale is shown as configured).
DEFAULT_SCALE_EN = {"A": "Achieved", "B": "Mostly achieved", "C": "Not achieved", "D": "Cannot be evaluated"}
UNFILLED = "未記入"


def rating_text(code: str | None, lang: str = "ja") -> str:
    """「A 達成」 for a code of the scale; the code itself otherwise; 未記入 for none."""
    if code is None or code == "" or (isinstance(code, float) and pd.isna(code)):
        return "Not filled" if lang == "en" else UNFILLED
    for r in rating_scale():
        if r.code == code:
            if lang == "en" and (r.code, r.label) in DEFAULT_SCALE:
                return f"{r.code} {DEFAULT_SCALE_EN[r.code]}"
            return r.text
    return str(code)
