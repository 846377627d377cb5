"""Words that make a roll-up inform: a group's distribution (「順調 3・注意 1・遅延 2」), why a
group is 注意/遅延 (which projects), and a ●'s own reason (「期限超過・未完了（予定 2026年4月）」)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from kpi.domain.fiscal import date_ja
from kpi.domain.frames import opt_float
from kpi.domain.group_rollup import RollupPolicy, RollupRule
from kpi.domain.status import Status
from kpi.text.catalog import t
from kpi.text.labels import month_label, status_label
from kpi.text.palette import LEGEND_ORDER

NAMES_SHOWN = 3  # a group's reason names at most three projects, then 「ほか N件」


def distribution(row: Mapping[str, object]) -> list[tuple[Status, int]]:
    """(status, count) of a roll-up row's ``n_<status>`` columns, in the legend's order, non-zero only."""
    out = []
    for s in LEGEND_ORDER:
        count = int(opt_float(row.get(f"n_{s.value}")) or 0)
        if count:
            out.append((s, count))
    return out


def distribution_text(parts: Sequence[tuple[Status, int]], lang: str = "ja") -> str:
    """「順調 3・注意 1・遅延 2」."""
    return t("glance_dist_sep", lang).join(
        t("glance_dist_item", lang).format(status=status_label(s, lang), n=n) for s, n in parts
    )


def group_reason(status: str, names: Sequence[str], level: str, lang: str = "ja") -> str:
    """「遅延の実施事業: 03 …、07 …（ほか2件）」: the projects that make a group 注意/遅延."""
    shown = t("list_sep", lang).join(names[:NAMES_SHOWN])
    if len(names) > NAMES_SHOWN:
        shown += t("list_sep", lang) + t("glance_more", lang).format(n=len(names) - NAMES_SHOWN)
    return t("glance_group_reason", lang).format(status=status_label(status, lang), level=level, names=shown)


def milestone_reason(status: str, month: str, lang: str = "ja") -> str:
    """A ●'s own reason: overdue (遅延) or due this month (注意), with its month."""
    key = "glance_ms_overdue" if status == Status.DELAYED.value else "glance_ms_due_now"
    return t(key, lang).format(month=month_label(month, lang))


def rule_text(policy: RollupPolicy, level: str, lang: str = "ja") -> str:
    """One sentence saying how a group's status is read (shown under the tree's legend)."""
    if policy.rule is RollupRule.SHARE:
        return t("glance_rule_share", lang).format(
            level=level, on=f"{policy.on_track_percent:g}", caution=f"{policy.caution_percent:g}"
        )
    return t(f"glance_rule_{policy.rule.value}", lang).format(level=level)


def size_text(size: int, lang: str = "ja") -> str:
    """A file size as people read it: 「176 B」, 「12.3 KB」, 「1.5 MB」 (1 KB = 1,024 B)."""
    if size < 1024:
        return t("bulk_size_b", lang).format(n=size)
    if size < 1024 * 1024:
        return t("bulk_size_kb", lang).format(n=f"{size / 1024:.1f}")
    return t("bulk_size_mb", lang).format(n=f"{size / 1024 / 1024:.1f}")


def date_label(day: date, lang: str = "ja") -> str:
    """「2027年4月30日」 (``kpi.domain.fiscal.date_ja``); English: 2027-04-30."""
    return day.isoformat() if lang == "en" else date_ja(day)


def day_text(value: object, lang: str = "ja", missing: str = "―") -> str:
    """A cell that may hold a day (a ``date``, a datetime or its ``YYYY-MM-DD`` text):
    ``date_label``; ``missing`` when there is none; other text as it is."""
    if isinstance(value, date):
        return date_label(value if type(value) is date else value.date(), lang)  # type: ignore[attr-defined]
    text = "" if value is None or value != value else str(value).strip()  # NaN is not equal to itself
    if not text:
        return missing
    try:
        return date_label(date.fromisoformat(text), lang) if len(text) == 10 else text
    except ValueError:
        return text
