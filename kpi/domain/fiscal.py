"""Fiscal calendar: calendar months and Japanese fiscal years (April to March).

令和8年度 is fiscal year 2026: 2026-04 … 2027-03. Pure: no database, no Streamlit.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date

FISCAL_START_MONTH = 4  # Japanese local government fiscal years begin in April
REIWA_OFFSET = 2018  # 令和1年 = 2019, so 令和N年度 = fiscal year N + 2018

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month such as 2026-10."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"月は1〜12です: {self.month}")

    @classmethod
    def parse(cls, text: str) -> Month:
        """Parse ``YYYY-MM``; raise ValueError with a readable message otherwise."""
        m = _MONTH_RE.match(str(text).strip())
        if not m:
            raise ValueError(f"月は YYYY-MM 形式で指定してください: {text!r}")
        return cls(int(m.group(1)), int(m.group(2)))

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def add(self, months: int) -> Month:
        index = self.year * 12 + (self.month - 1) + months
        return Month(index // 12, index % 12 + 1)

    def __sub__(self, other: Month) -> int:
        """Number of months from ``other`` to ``self``."""
        return (self.year * 12 + self.month) - (other.year * 12 + other.month)

    @property
    def fiscal_year(self) -> int:
        return self.year if self.month >= FISCAL_START_MONTH else self.year - 1

    @property
    def fiscal_index(self) -> int:
        """Position in its fiscal year: April = 1 … March = 12."""
        return (self.month - FISCAL_START_MONTH) % 12 + 1

    def label_ja(self) -> str:
        """「2026年10月」: the one Japanese month format (kpi.text.labels.month_label picks it or ISO)."""
        return f"{self.year}年{self.month}月"


def date_ja(day: date) -> str:
    """「2026年10月5日」: a day in Japanese, from the month's own format."""
    return f"{Month.of(day).label_ja()}{day.day}日"


def fiscal_months(fiscal_year: int) -> list[Month]:
    """The twelve months of a fiscal year, April first."""
    return list(_fiscal_months(fiscal_year))


@functools.lru_cache(maxsize=64)
def _fiscal_months(fiscal_year: int) -> tuple[Month, ...]:
    # Every indicator's status asks for its year's months (3,000 indicators × 12 months of
    # 全体概要's history): built once per year, handed out as a fresh list.
    start = Month(fiscal_year, FISCAL_START_MONTH)
    return tuple(start.add(i) for i in range(12))


def fiscal_year_label(fiscal_year: int) -> str:
    """令和 label of a fiscal year: 2026 → 令和8年度."""
    return f"令和{fiscal_year - REIWA_OFFSET}年度"


def fiscal_year_span(fiscal_year: int) -> str:
    """The label with its months: 2026 → 令和8年度（2026-04〜2027-03）."""
    start = Month(fiscal_year, FISCAL_START_MONTH)
    return f"{fiscal_year_label(fiscal_year)}（{start}〜{start.add(11)}）"


def fiscal_year_short(fiscal_year: int) -> str:
    """Short label used in the plan's own tables: 2026 → R8."""
    return f"R{fiscal_year - REIWA_OFFSET}"


def latest_ended_month(today: date) -> Month:
    """The default as-of month: the last month that has fully ended before ``today``."""
    return Month.of(today).add(-1)


def current_month(today: date) -> Month:
    return Month.of(today)
