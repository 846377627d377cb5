"""The 期末評価 rating scale (kpi.domain.rating) and how a rating reads (kpi.text.rating)."""

from __future__ import annotations

import pytest

from kpi.domain.rating import EvaluationRejected, rating_scale
from kpi.text.rating import UNFILLED, rating_text

CUSTOM = "S:大きく上回る,A:達成,B:概ね達成,C:未達成,D:評価不能"


def test_scale_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    assert [r.text for r in rating_scale()] == ["A 達成", "B 概ね達成", "C 未達成", "D 評価不能"]
    monkeypatch.setenv("KPI_EVALUATION_SCALE", CUSTOM)
    assert [r.code for r in rating_scale()] == ["S", "A", "B", "C", "D"]
    monkeypatch.setenv("KPI_EVALUATION_SCALE", "broken")
    with pytest.raises(EvaluationRejected):
        rating_scale()


def test_scale_entries_are_trimmed_and_an_empty_setting_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPI_EVALUATION_SCALE", " 1 : 良い , 2:悪い ")
    assert [(r.code, r.label) for r in rating_scale()] == [("1", "良い"), ("2", "悪い")]
    monkeypatch.setenv("KPI_EVALUATION_SCALE", "   ")
    assert [r.code for r in rating_scale()] == ["A", "B", "C", "D"]
    for broken in ("A:達成,B", "A:達成,:x", "A: "):
        monkeypatch.setenv("KPI_EVALUATION_SCALE", broken)
        with pytest.raises(EvaluationRejected, match="KPI_EVALUATION_SCALE"):
            rating_scale()


def test_rating_reads_as_code_and_label_in_either_language() -> None:
    assert rating_text("B") == "B 概ね達成"
    assert rating_text("B", "en") == "B Mostly achieved"
    assert rating_text("D", "en") == "D Cannot be evaluated"
    assert rating_text("E") == "E"  # outside the scale: the code itself


@pytest.mark.parametrize("missing", [None, "", float("nan")])
def test_no_rating_reads_as_unfilled(missing: str | None) -> None:
    assert rating_text(missing) == UNFILLED == "未記入"
    assert rating_text(missing, "en") == "Not filled"


def test_a_configured_scale_reads_as_configured_in_english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPI_EVALUATION_SCALE", "S:大きく上回る,A:達成,B:概ね上回る")
    assert rating_text("S", "en") == "S 大きく上回る"
    assert rating_text("A", "en") == "A Achieved"  # same code and label as the default scale
    assert rating_text("B", "en") == "B 概ね上回る"  # same code, another label
