"""A status that cannot be judged says why under the status itself (issue 22): on 重点施策別
and 実施事業 a 基準値未設定 reads 「判定できません（…）」 for visitors and staff, and the to-do for
administrators, not only in the indicator's card (drawn on demand)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from kpi.domain.permissions import Actor
from kpi.text.catalog import t
from tests.conftest import ADMIN, ROOT

MEASURE = "measures_measure"  # the 重点施策 chooser of pages/1_measures.py
PROJECT = "projects_project"
VISITOR = t("glance_cannot_judge", "ja")
TO_DO = t("glance_no_baseline_admin", "ja")


def _captions(page: str, key: str, value: int, actor: Actor | None) -> list[str]:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if actor is not None:
        at.session_state["kpi_user"] = actor
    at.run()
    at.switch_page(page).run()
    at.selectbox(key=key).set_value(value).run()
    assert not at.exception
    return [str(c.value) for c in at.caption]


def test_a_measure_that_cannot_be_judged_says_so_under_its_status(demo_app: str) -> None:
    # ③ 公金収納チャネルの多様化: its one project's one indicator (収納手数料) has no baseline
    assert VISITOR in _captions("pages/1_measures.py", MEASURE, 3, None)
    assert TO_DO in _captions("pages/1_measures.py", MEASURE, 3, ADMIN)


def test_a_project_that_cannot_be_judged_says_so_under_its_status(demo_app: str) -> None:
    # 06 キャッシュレス決済対応の推進: the header says so, and its indicator's card
    assert _captions("pages/2_projects.py", PROJECT, 6, None).count(VISITOR) == 2
