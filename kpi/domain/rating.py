"""The rating scale of the 期末評価 (実績の検証評価) and the refusal of an evaluation.

A 達成 / B 概ね達成 / C 未達成 / D 評価不能 by default. A plan's own list is its file's
``scale.ratings`` (kpi.domain.scale); without one, the environment variable
``KPI_EVALUATION_SCALE`` may set one as ``CODE:label`` pairs separated by commas,
e.g. ``KPI_EVALUATION_SCALE="S:大きく上回る,A:達成,B:概ね達成,C:未達成,D:評価不能"``. How a
rating reads in either language is ``kpi.text.rating``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from kpi.domain.scale import active_scale

SCALE_ENV = "KPI_EVALUATION_SCALE"
DEFAULT_SCALE: tuple[tuple[str, str], ...] = (("A", "達成"), ("B", "概ね達成"), ("C", "未達成"), ("D", "評価不能"))


class EvaluationRejected(ValueError):
    """The evaluation was not saved (or the scale is misconfigured); the message says why, in Japanese."""


@dataclass(frozen=True)
class Rating:
    code: str
    label: str

    @property
    def text(self) -> str:
        return f"{self.code} {self.label}"


def rating_scale() -> tuple[Rating, ...]:
    """The plan's own rating list (its file's ``scale.ratings``, kpi.domain.scale), else the
    configured scale (``KPI_EVALUATION_SCALE``), else the default A/B/C/D."""
    own = active_scale().ratings
    if own:
        return tuple(Rating(c, label) for c, label in own)
    raw = os.environ.get(SCALE_ENV, "").strip()
    pairs = DEFAULT_SCALE
    if raw:
        parsed = []
        for part in raw.split(","):
            code, sep, label = part.partition(":")
            if not sep or not code.strip() or not label.strip():
                raise EvaluationRejected(f"{SCALE_ENV} は「A:達成,B:概ね達成」の形式で指定してください: {raw!r}")
            parsed.append((code.strip(), label.strip()))
        pairs = tuple(parsed)
    return tuple(Rating(c, label) for c, label in pairs)
