"""Fiscal calendar: April–March years, 令和 labels, the default as-of month."""

from datetime import date

import pytest

from kpi.domain.fiscal import (
    Month,
    fiscal_months,
    fiscal_year_label,
    fiscal_year_short,
    fiscal_year_span,
    latest_ended_month,
)


@pytest.mark.parametrize(
    ("month", "fiscal_year", "index"),
    [
        (Month(2026, 4), 2026, 1),
        (Month(2026, 12), 2026, 9),
        (Month(2027, 1), 2026, 10),
        (Month(2027, 3), 2026, 12),
        (Month(2027, 4), 2027, 1),
        (Month(2026, 3), 2025, 12),
    ],
)
def test_fiscal_year_and_index(month: Month, fiscal_year: int, index: int) -> None:
    assert month.fiscal_year == fiscal_year
    assert month.fiscal_index == index


def test_fiscal_months_run_april_to_march() -> None:
    months = fiscal_months(2026)
    assert [str(m) for m in (months[0], months[8], months[9], months[-1])] == [
        "2026-04",
        "2026-12",
        "2027-01",
        "2027-03",
    ]
    assert len(months) == 12


def test_reiwa_labels() -> None:
    assert fiscal_year_label(2026) == "令和8年度"
    assert fiscal_year_short(2027) == "R9"
    assert fiscal_year_span(2026) == "令和8年度（2026-04〜2027-03）"  # the CLI's status and new-year messages
    assert fiscal_year_label(2019) == "令和1年度" and fiscal_year_short(2019) == "R1"  # 令和1年 = 2019


def test_latest_ended_month() -> None:
    assert latest_ended_month(date(2026, 11, 24)) == Month(2026, 10)
    assert latest_ended_month(date(2027, 1, 1)) == Month(2026, 12)


def test_month_arithmetic_and_parsing() -> None:
    assert Month.parse("2026-10").add(3) == Month(2027, 1)
    assert Month(2027, 1) - Month(2026, 10) == 3
    assert str(Month(2026, 4)) == "2026-04"
    for bad in ["2026-13", "2026/10", "26-10", "", "2026-1"]:
        with pytest.raises(ValueError):
            Month.parse(bad)


def test_fiscal_months_are_a_fresh_list_each_time() -> None:
    # Built once per year for speed; a caller changing its copy must not change the next one.
    months = fiscal_months(2026)
    months.clear()
    assert fiscal_months(2026) == [Month(2026, m) for m in range(4, 13)] + [Month(2027, m) for m in range(1, 4)]
