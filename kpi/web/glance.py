"""A group's distribution as HTML: a small stacked bar and 「順調 3・注意 1・遅延 2」 (issue 22a)."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from kpi.charts.data import format_value
from kpi.text.glance import distribution, distribution_text
from kpi.text.palette import STATUS_STYLES
from kpi.web.prefs import lang
from kpi.web.words import tr


def distribution_html(row: Mapping[str, object]) -> str:
    """The bar (one segment per status, its width the share of projects) and the counts in words."""
    parts = distribution(row)
    if not parts:
        return ""
    total = sum(n for _, n in parts)
    text = distribution_text(parts, lang())
    segments = "".join(
        f'<span style="width:{100 * n / total:.1f}%;background:{STATUS_STYLES[s].color}"></span>' for s, n in parts
    )
    label = escape(tr("glance_dist_label").format(text=text))
    return (
        f'<div class="kpi-dist"><span class="kpi-dist-bar" role="img" aria-label="{label}">{segments}</span>'
        f'<span class="kpi-dist-text">{escape(text)}</span></div>'
    )


def range_text(low: float, high: float, unit: str, safety_max: bool, language: str) -> str:
    """The valid range as people say it: 「0〜100%」, or 「0以上」 when the upper bound is only
    the unit's safety limit (「0〜1,000,000,000件」 says nothing to a clerk)."""
    if safety_max:
        return tr("entry_range_from").format(low=format_value(low, unit))
    return tr("entry_range_between").format(low=format_value(low, ""), high=format_value(high, unit))
