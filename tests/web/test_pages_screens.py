"""Issue 22's screenshot pass, in AppTest: what a visitor who is not signed in reads on
期末評価 of a returned evaluation (project 04 of the shared database: saved, submitted,
returned with a comment)."""

from __future__ import annotations

import re

from kpi.text.catalog import t
from tests.across.test_languages import SHIMIN, _open, demo_db

__all__ = ["demo_db"]  # the shared fixture


def _evaluation_of_project_4(actor: object) -> list[str]:
    at = _open("pages/6_evaluation.py", "ja", actor)  # type: ignore[arg-type]
    at.selectbox(key="evaluation_project").set_value(4).run()
    assert not at.exception
    return [str(c.value) for c in at.caption] + [str(w.value) for w in at.warning]


def test_a_visitor_is_not_told_how_to_resubmit_a_returned_evaluation(demo_db: tuple[str, re.Pattern[str]]) -> None:
    texts = _evaluation_of_project_4(None)
    assert t("inq_def_return_next", "ja") not in texts  # 「評価を直して「保存して提出する」を押すと…」
    assert not any("数値の根拠を添えてください" in x for x in texts)  # nor the 差戻し comment


def test_the_editor_is_told_what_happens_next(demo_db: tuple[str, re.Pattern[str]]) -> None:
    texts = _evaluation_of_project_4(SHIMIN)
    assert t("inq_def_return_next", "ja") in texts
    assert any("数値の根拠を添えてください" in x for x in texts)


def test_bulk_preview_says_what_each_row_does_right_after_its_value() -> None:
    import pandas as pd

    from kpi.services.bulk_import import PREVIEW_COLUMNS
    from kpi.web.entry_forms import preview_view

    rows = pd.DataFrame(
        [
            [
                2,
                "01-online-procedures",
                "公開しているオンライン申請の手続き数",
                "2026-10",
                "1,234",
                "変更 78 → 1,234",
                "",
                "",
                "",
                "",
            ]
        ],
        columns=PREVIEW_COLUMNS,
    )
    shown = preview_view(rows, "ja")
    assert list(shown.columns)[:5] == [t(f"entry_col_{c}", "ja") for c in ("line", "name", "month", "value", "change")]
    assert list(shown.columns)[-1] == t("entry_col_indicator_id", "ja")  # the file's id last
    assert shown.iloc[0][t("entry_col_month", "ja")] == "2026年10月"
    assert set(shown.columns) == {t(f"entry_col_{c}", "ja") for c in PREVIEW_COLUMNS}  # nothing dropped
