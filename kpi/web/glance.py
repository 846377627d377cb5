"""A group's distribution as HTML: a small stacked bar and 「順調 3・注意 1・遅延 2」 (issue 22a)."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

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
