"""Words of issue 22's last pass (the lead's finishing work). Keys: ``fin_``. Registered in
``kpi.text.catalog``."""

from __future__ import annotations

FINISH_TEXT: dict[str, tuple[str, str]] = {
    # What a visitor (not signed in) reads for any 期末評価 state before 確定: drafts stay inside.
    "fin_state_pending": ("未確定", "Not confirmed"),
}
