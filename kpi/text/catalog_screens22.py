"""Words of issue 22's screenshot pass (helper "screens"). Keys: ``scr_``. Registered in
``kpi.text.catalog``."""

from __future__ import annotations

SCREENS_TEXT: dict[str, tuple[str, str]] = {
    # The calendar year over a table's month columns (「10月」 under 「2026年」).
    "scr_calendar_year": ("{year}年", "{year}"),
    # 総括: the state and, under it, when the evaluation last changed (one column, not two).
    "scr_state_updated": ("{state}・{updated}", "{state} / {updated}"),
}
