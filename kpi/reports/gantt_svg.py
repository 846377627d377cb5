"""The 工程表 as a static SVG: the same ``GanttData`` (kpi.charts.gantt_data) that plotly draws,
made on the server so that the screen shows it without loading plotly.js (issue 22: the
工程表 page's first draw paid for plotly.js in the browser).

Month columns April → next June, a row per 実施項目 (a shaded header row per project when
several are shown), bars with their text, ● milestones in the palette's status shape and
colour with their text and status in words, the R8/R9 boundary and the as-of line. Every
bar and ● has a <title> (shown on hover). Every text is escaped.
"""

from __future__ import annotations

from html import escape

from kpi.charts.data import AS_OF_COLOR
from kpi.charts.gantt_data import (
    BAR_COLOR,
    BAR_LINE,
    GANTT_MONTHS,
    HEADER_FILL,
    LONG_GANTT_ROWS,
    MILESTONE_ORDER,
    GanttData,
    GanttMark,
    bar_tip,
    mark_tip,
)
from kpi.domain.status import Status
from kpi.reports.public_svg import status_marker
from kpi.text.catalog import t
from kpi.text.labels import status_text
from kpi.text.palette import FONT_STACK, STATUS_STYLES
from kpi.text.phrases import em_width

# At 1280 px the page's main column is about 840 px wide: drawn at about 1:1 there.
LABEL_W = 320  # the names' column (24 full-width characters at 12 px; headers at 11 px)
MONTH_W = 34
ROW_H = 34
LINE_H = 15  # a name's line
NAME_PX, SMALL_PX = 12, 11
BAR_H = 20
TITLE_Y, SUBTITLE_Y, LEGEND_Y = 20, 40, 62
HEAD_H = 40  # the month header: the year (April of each year) and the month
TOP = 76
WIDTH = LABEL_W + GANTT_MONTHS * MONTH_W + 8


def _esc(text: str) -> str:
    """Escaped, on one line: the SVG sits in Markdown, where a blank line would end the HTML."""
    return escape(" ".join(text.splitlines()))


def _n(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, text: str, size: int, extra: str = "") -> str:
    return f'<text x="{_n(x)}" y="{_n(y)}" font-size="{size}"{extra}>{_esc(text)}</text>'


def _lines(x: float, mid: float, lines: tuple[str, ...], size: int, extra: str = "") -> str:
    """Lines of text centred vertically on ``mid``."""
    gap = size + 2
    first = mid - (len(lines) - 1) * gap / 2
    spans = "".join(
        f'<tspan x="{_n(x)}" y="{_n(first + i * gap)}">{_esc(line)}</tspan>' for i, line in enumerate(lines)
    )
    return f'<text font-size="{size}" dominant-baseline="central"{extra}>{spans}</text>'


def _month_x(months: float) -> float:
    return LABEL_W + months * MONTH_W


def mark_label(text: str, status: str, lang: str) -> str:
    """A ●'s words beside it: its text and its status (「稼働（◇ 予定）」, 「× 遅延」)."""
    words = status_text(Status(status), lang)
    return t("speed22_mark_label", lang).format(text=text, status=words) if text else words


def _free(x0: float, x1: float, taken: list[tuple[float, float]]) -> bool:
    return all(x1 <= a or x0 >= b for a, b in taken)


def _label_x(m: GanttMark, width: float, taken: list[tuple[float, float]]) -> tuple[float, str]:
    """Where a ●'s words go: right of it, or left when the right would cover a bar's text."""
    x = _month_x(m.x)
    if _free(x + 10, x + 10 + width, taken) or not _free(x - 10 - width, x - 10, taken):
        return x + 10, "start"
    return x - 10, "end"


def _month_header(g: GanttData, top: float) -> list[str]:
    out = []
    for i, (year, month) in enumerate(g.ticks):
        x = _month_x(i + 0.5)
        if year:
            out.append(_text(x, top + 14, year, SMALL_PX, ' text-anchor="middle" font-weight="bold"'))
        out.append(_text(x, top + 31, month, SMALL_PX, ' text-anchor="middle"'))
    return out


def _legend(g: GanttData, lang: str) -> list[str]:
    x, y = float(WIDTH - 8), float(LEGEND_Y)
    items: list[tuple[str, str]] = []  # (drawing at x=0, label), laid out right to left
    if g.bars:
        swatch = f'<rect x="0" y="-6" width="18" height="12" fill="{BAR_COLOR}" stroke="{BAR_LINE}"/>'
        items.append((swatch, t("chart_schedule_bar", lang)))
    present = {m.status for m in g.marks}
    for code in MILESTONE_ORDER:
        if code.value in present:
            style = STATUS_STYLES[code]
            items.append(
                (status_marker(style.marker, 9, 0, style.color), f"{t('milestone', lang)}: {status_text(code, lang)}")
            )
    out = []
    for drawing, label in reversed(items):
        w = 24 + em_width(label) * SMALL_PX
        x -= w
        out.append(f'<g transform="translate({_n(x)},{_n(y)})">{drawing}')
        out.append(_text(24, 0, label, SMALL_PX, ' dominant-baseline="central"') + "</g>")
        x -= 14
    return out


def gantt_svg(g: GanttData, lang: str = "ja") -> str:
    """The 工程表 as one responsive <svg> element (scales to its container's width)."""
    heights = [max(ROW_H, len(r.lines) * LINE_H + 6) for r in g.rows]
    tops: dict[int, float] = {}
    y = float(TOP + HEAD_H)
    for r, h in zip(g.rows, heights, strict=True):
        tops[r.y] = y
        y += h
    height_of = dict(zip((r.y for r in g.rows), heights, strict=True))
    body_bottom = y
    long = g.n_rows > LONG_GANTT_ROWS
    bottom = body_bottom + (HEAD_H if long else 0) + 24
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {_n(bottom)}" role="img" '
        f'aria-label="{_esc(g.title)}" class="kpi-gantt" font-family="{escape(FONT_STACK)}" '
        f'style="width:100%;max-width:{WIDTH}px;height:auto">',
        f"<title>{_esc(g.title)}</title>",
        _text(0, TITLE_Y, g.title, 16, ' font-weight="bold" dominant-baseline="central"'),
        _text(0, SUBTITLE_Y, g.subtitle, NAME_PX, ' fill="#616161" dominant-baseline="central"'),
        *_legend(g, lang),
    ]
    for r in g.rows:
        if r.header:
            out.append(
                f'<rect x="0" y="{_n(tops[r.y])}" width="{WIDTH}" height="{height_of[r.y]}" fill="{HEADER_FILL}"/>'
            )
    for i in range(GANTT_MONTHS + 1):  # month columns
        x = _month_x(i)
        out.append(f'<path d="M{_n(x)},{TOP}V{_n(body_bottom)}" stroke="#EEEEEE"/>')
    for r in g.rows:  # row rules and names
        out.append(f'<path d="M0,{_n(tops[r.y] + height_of[r.y])}H{WIDTH}" stroke="#EEEEEE"/>')
        weight = ' font-weight="bold"' if r.header else ""
        out.append(_lines(4, tops[r.y] + height_of[r.y] / 2, r.lines, SMALL_PX if r.header else NAME_PX, weight))
    out += _month_header(g, TOP)
    if long:
        out += _month_header(g, body_bottom)
    out.append(f'<path d="M{_n(_month_x(12))},{TOP}V{_n(body_bottom)}" stroke="#9E9E9E"/>')  # R8 / R9
    texts: dict[int, list[tuple[float, float]]] = {}  # per row: the x extents of its bars' texts
    for b in g.bars:
        x0, x1 = _month_x(b.base), _month_x(b.base + b.length)
        half = max((em_width(line) for line in b.lines), default=0) * b.size / 2
        if half:
            texts.setdefault(b.y, []).append(((x0 + x1) / 2 - half - 2, (x0 + x1) / 2 + half + 2))
        mid = tops[b.y] + height_of[b.y] / 2
        tip = _esc(bar_tip(b, lang))
        out.append(
            f'<g><title>{tip}</title><rect x="{_n(x0)}" y="{_n(mid - BAR_H / 2)}" width="{_n(x1 - x0)}" '
            f'height="{BAR_H}" fill="{BAR_COLOR}" stroke="{BAR_LINE}"/>'
            + _lines((x0 + x1) / 2, mid, b.lines, b.size, ' text-anchor="middle" fill="#212121"')
            + "</g>"
        )
    as_of = _month_x(g.as_of_x)
    out.append(
        f'<path d="M{_n(as_of)},{TOP + HEAD_H}V{_n(body_bottom)}" stroke="{AS_OF_COLOR}" '
        f'stroke-width="2" stroke-dasharray="7 3 2 3"/>'
    )
    for m in g.marks:
        style = STATUS_STYLES[Status(m.status)]
        x, mid = _month_x(m.x), tops[m.y] + height_of[m.y] / 2
        words = mark_label(m.text, m.status, lang)
        label_x, anchor = _label_x(m, em_width(words) * SMALL_PX, texts.get(m.y, []))
        tip = _esc(mark_tip(m, lang))
        out.append(
            f'<g class="kpi-gantt-mark"><title>{tip}</title>{status_marker(style.marker, x, mid, style.color, 7)}'
            + _text(
                label_x,
                mid,
                words,
                SMALL_PX,
                f' text-anchor="{anchor}" dominant-baseline="central" stroke="#fff" stroke-width="3" '
                'paint-order="stroke"',
            )
            + "</g>"
        )
    label_y = bottom - 10
    out.append(
        _text(as_of, label_y, g.as_of_label, SMALL_PX, f' text-anchor="middle" fill="{AS_OF_COLOR}" '
              'dominant-baseline="central"')
    )  # fmt: skip
    out.append("</svg>")
    return "".join(out)
