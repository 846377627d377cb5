"""評価の入力's year review shows every column (目標値, the notes) as an HTML table, not an
st.dataframe cut off at its right edge (issue 22)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from kpi.text.catalog import t
from tests.conftest import ADMIN, ROOT


def test_year_review_tables_show_target_and_notes(demo_app: str) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("pages/6_evaluation.py")
    at.session_state["kpi_user"] = ADMIN
    at.run()
    assert not at.exception, at.exception
    # the tables, not the style sheet; headers break between phrases (<wbr>)
    review = [m.value.replace("<wbr>", "") for m in at.markdown if "kpi-table kpi-review" in m.value]
    assert review, "the year review is drawn as HTML tables"
    indicators = review[0]
    for word in (t("target", "ja"), t("ev_note", "ja"), t("actual", "ja")):
        assert f"<th>{word}</th>" in indicators
    assert "83" in indicators  # the target of 公開しているオンライン申請の手続き数
    assert not at.dataframe  # no table that cuts off its last columns
