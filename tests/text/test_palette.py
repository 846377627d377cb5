"""The status palette reads in a grey printout: clear lightness steps, AA text contrast."""

from __future__ import annotations

from itertools import combinations, pairwise

import pytest

from kpi.domain.status import Status
from kpi.text.palette import LEGEND_ORDER, STATUS_STYLES, contrast_ratio, lightness, relative_luminance

# A step of 15 L* is plainly visible between two grey patches on office laser prints.
MIN_STEP = 15.0
PROJECT_STATUSES = (Status.ACHIEVED, Status.ON_TRACK, Status.CAUTION, Status.DELAYED)
MILESTONE_STATUSES = (Status.NOT_DUE, Status.DONE, Status.DELAYED)


def test_luminance_and_contrast_follow_wcag() -> None:
    assert relative_luminance("#FFFFFF") == pytest.approx(1.0)
    assert relative_luminance("#000000") == pytest.approx(0.0)
    assert contrast_ratio("#FFFFFF", "#000000") == pytest.approx(21.0)
    assert contrast_ratio("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)
    assert lightness("#FFFFFF") == pytest.approx(100.0)
    assert lightness("#777777") == pytest.approx(50.0, abs=0.5)


@pytest.mark.parametrize("status", list(STATUS_STYLES))
def test_every_chip_label_has_aa_contrast_on_its_fill(status: Status) -> None:
    style = STATUS_STYLES[status]
    assert contrast_ratio(style.color, style.text_color) >= 4.5


@pytest.mark.parametrize(("a", "b"), list(combinations(PROJECT_STATUSES, 2)))
def test_project_statuses_differ_clearly_in_grey(a: Status, b: Status) -> None:
    # 順調 and 遅延 used to be 46 and 44 L*: the same grey on paper.
    assert abs(lightness(STATUS_STYLES[a].color) - lightness(STATUS_STYLES[b].color)) >= MIN_STEP


@pytest.mark.parametrize(("a", "b"), list(combinations(MILESTONE_STATUSES, 2)))
def test_milestone_statuses_differ_clearly_in_grey(a: Status, b: Status) -> None:
    assert abs(lightness(STATUS_STYLES[a].color) - lightness(STATUS_STYLES[b].color)) >= MIN_STEP


@pytest.mark.parametrize(("a", "b"), list(pairwise(LEGEND_ORDER)))
def test_neighbours_in_the_legend_differ_clearly_in_grey(a: Status, b: Status) -> None:
    assert abs(lightness(STATUS_STYLES[a].color) - lightness(STATUS_STYLES[b].color)) >= MIN_STEP


def test_every_status_has_its_own_shape() -> None:
    symbols = [s.symbol for s in STATUS_STYLES.values()]
    markers = [s.marker for s in STATUS_STYLES.values()]
    assert len(set(symbols)) == len(symbols)
    assert len(set(markers)) == len(markers)
