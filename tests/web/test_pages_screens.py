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
