"""How a 期末評価 rating reads: 「A 達成」 (the default scale's words from the catalog), 未記入.

The scale itself (codes, labels, ``KPI_EVALUATION_SCALE``) is ``kpi.domain.rating``.
"""

from __future__ import annotations

import pandas as pd

from kpi.domain.rating import DEFAULT_SCALE, rating_scale
from kpi.text.catalog import t

UNFILLED = t("rating_unfilled")  # as the 総括 and the council papers print an empty rating


def rating_text(code: str | None, lang: str = "ja") -> str:
    """「A 達成」 for a code of the scale; the code itself otherwise; 未記入 for none."""
    if code is None or code == "" or (isinstance(code, float) and pd.isna(code)):
        return t("rating_unfilled", lang)
    for r in rating_scale():
        if r.code == code:
            # the default scale in the visitor's language; a configured scale as configured
            return f"{r.code} {t(f'rating_{r.code}', lang)}" if (r.code, r.label) in DEFAULT_SCALE else r.text
    return str(code)
