"""How a 重点施策 and a 基本方針 read one status from their projects: the plan's choice.

Three rules (README "Status rules", roll-up), set in the plan file's ``rollup`` block:

- ``worst`` (default): the worst project, as always (one 遅延 makes the whole 遅延);
- ``share``: the share of judged projects that are on track (順調/予定/達成/完了) against two
  thresholds, e.g. 順調 from 80 %, 注意 from 50 %, 遅延 below;
- ``most_frequent``: the status most projects have (a tie reads as the worse one).

The distribution (how many projects per status) is shown beside the status whatever the rule.
A project's own status is always the worst of its items: the rule is about groups of projects.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from kpi.domain.status import TOLERANCE, Status, severity, worst


class RollupRule(StrEnum):
    WORST = "worst"
    SHARE = "share"
    MOST_FREQUENT = "most_frequent"


# The share rule's defaults: four of five projects on track is a group on track, fewer than
# half is a group delayed (a plan may set its own in ``rollup``).
DEFAULT_ON_TRACK_PERCENT = 80.0
DEFAULT_CAUTION_PERCENT = 50.0

GOOD = frozenset({Status.ON_TRACK, Status.NOT_DUE, Status.ACHIEVED, Status.DONE})
JUDGED = GOOD | {Status.CAUTION, Status.DELAYED}
FINISHED = frozenset({Status.ACHIEVED, Status.DONE})


@dataclass(frozen=True)
class RollupPolicy:
    """The plan's roll-up rule for groups of projects (``PlanData.rollup``)."""

    rule: RollupRule = RollupRule.WORST
    on_track_percent: float = DEFAULT_ON_TRACK_PERCENT  # share rule: 順調 from this share of judged projects
    caution_percent: float = DEFAULT_CAUTION_PERCENT  # share rule: 注意 from this share, 遅延 below

    @classmethod
    def from_stored(cls, stored: object) -> RollupPolicy:
        """The policy of a stored ``{"rule": …, "on_track_percent": …}`` (None: the default)."""
        if not isinstance(stored, dict) or not stored:
            return cls()
        return cls(
            RollupRule(stored.get("rule") or RollupRule.WORST.value),
            float(stored.get("on_track_percent", DEFAULT_ON_TRACK_PERCENT)),
            float(stored.get("caution_percent", DEFAULT_CAUTION_PERCENT)),
        )

    def stored(self) -> dict[str, object] | None:
        """What the store keeps: None for the default rule, so old plans store nothing new."""
        if self == RollupPolicy():
            return None
        return {
            "rule": self.rule.value,
            "on_track_percent": self.on_track_percent,
            "caution_percent": self.caution_percent,
        }


def group_status(statuses: Iterable[Status], policy: RollupPolicy | None = None) -> Status | None:
    """One status for a group of project statuses under ``policy`` (None: nothing to judge)."""
    items = [s for s in statuses if severity(s) < severity(None)]  # 参考 and unknown codes never count
    if not items:
        return None
    policy = policy or RollupPolicy()
    if policy.rule is RollupRule.WORST:
        return worst(items)
    if policy.rule is RollupRule.MOST_FREQUENT:
        counts = Counter(items)
        top = max(counts.values())
        return worst([s for s, n in counts.items() if n == top])  # a tie reads as the worse one
    judged = [s for s in items if s in JUDGED]
    if not judged:  # nothing judged yet: 未入力 / 基準値未設定 say so
        return worst(items)
    good = sum(1 for s in judged if s in GOOD)
    share = 100.0 * good / len(judged)
    if share + TOLERANCE * 100 >= policy.on_track_percent:
        return Status.ACHIEVED if all(s in FINISHED for s in judged) else Status.ON_TRACK
    if share + TOLERANCE * 100 >= policy.caution_percent:
        return Status.CAUTION
    return Status.DELAYED
