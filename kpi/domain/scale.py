"""A municipality's own scale: the words (and symbols) its plan uses for the product's status
codes, an optional extra grade for 「前倒し達成」, and its own 期末評価 rating list.

The codes (``kpi.domain.status.Status``, the ratings' codes) never change: the database, CSV
and JSON keep them. Only what a person reads changes: ``kpi.text.labels.status_label`` and
``status_symbol`` and ``kpi.domain.rating.rating_scale`` read the scale that is in use. The
plan being shown puts its scale in use (``use_scale``): ``kpi.store.reads.plan_data`` when it
reads a plan, the sidebar when a page chooses a year. A context variable, so that two
sessions (threads) showing different plans never see each other's words.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Grade:
    """How one status code reads in the plan: 「B 概ね順調」 and/or 「○」 (None: the product's)."""

    label: str | None = None
    symbol: str | None = None


@dataclass(frozen=True)
class AheadGrade:
    """The extra grade 「前倒し達成」: an indicator whose progress ratio r reaches ``ratio``
    (達成 or 順調) reads as this grade; its code stays achieved / on_track."""

    label: str
    ratio: float
    symbol: str | None = None


@dataclass(frozen=True)
class PlanScale:
    statuses: Mapping[str, Grade] = field(default_factory=dict)  # status code → its words
    ahead: AheadGrade | None = None
    ratings: tuple[tuple[str, str], ...] = ()  # (code, label) of the 期末評価; () = the product's

    @property
    def is_default(self) -> bool:
        return not self.statuses and self.ahead is None and not self.ratings

    def grade(self, code: str) -> Grade | None:
        return self.statuses.get(code)

    def to_json(self) -> dict[str, Any] | None:
        """As stored (fiscal_years.scale); None for the product's own scale."""
        if self.is_default:
            return None
        out: dict[str, Any] = {}
        if self.statuses:
            out["statuses"] = {
                code: {k: v for k, v in (("label", g.label), ("symbol", g.symbol)) if v is not None}
                for code, g in self.statuses.items()
            }
        if self.ahead is not None:
            ahead = {"label": self.ahead.label, "ratio": self.ahead.ratio}
            out["ahead"] = ahead | ({"symbol": self.ahead.symbol} if self.ahead.symbol else {})
        if self.ratings:
            out["ratings"] = [{"code": c, "label": label} for c, label in self.ratings]
        return out

    @classmethod
    def from_json(cls, raw: Mapping[str, Any] | None) -> PlanScale:
        if not raw:
            return PRODUCT_SCALE
        statuses = {
            str(code): Grade(label=g.get("label"), symbol=g.get("symbol"))
            for code, g in (raw.get("statuses") or {}).items()
        }
        a = raw.get("ahead")
        ahead = AheadGrade(str(a["label"]), float(a["ratio"]), a.get("symbol")) if a else None
        ratings = tuple((str(r["code"]), str(r["label"])) for r in raw.get("ratings") or ())
        return cls(statuses, ahead, ratings)


PRODUCT_SCALE = PlanScale()  # 順調 / 注意 / 遅延 / 達成 and A–D: the product's words

_ACTIVE: ContextVar[PlanScale] = ContextVar("kpi_plan_scale", default=PRODUCT_SCALE)


def active_scale() -> PlanScale:
    """The scale of the plan being shown (the product's without one)."""
    return _ACTIVE.get()


def use_scale(scale: PlanScale | None) -> None:
    """Put a plan's scale in use for what this thread draws next (None: the product's)."""
    _ACTIVE.set(scale if scale is not None else PRODUCT_SCALE)
