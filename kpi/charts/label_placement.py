"""Where an indicator chart's labels go: the nominal plot geometry, a label's estimated size,
and the placement of each label at its first candidate position that stays inside the plot
and clear of the labels already placed and of the drawn lines and the status mark. If none
fits, the y axis gets more headroom and placement starts again.

Pure. ``kpi.charts.data`` asks ``place_labels`` for the labels of a chart; the renderers
(``kpi.charts.figures``, ``kpi.reports.print_charts``) draw at this geometry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kpi.text.phrases import em_width

# Nominal geometry in px (the print renderer draws 1 px = 1 pt, the screen figure uses the
# same margins): the plot area is what labels are measured against.
PLOT_W = 400
PLOT_H = 170
MARGIN_L = 64
MARGIN_R = 16
TITLE_PX = 13
TEXT_PX = 11
LINE_GAP = 1.3  # line height / font size
PAD_PX = 3  # gap between a label and its line, and between a label and the axes
# Labels are placed for the narrowest plot that draws them: a chart in a two-column row of the
# レポート page at 1280 px is 400 px wide, its plot about 310 px (plotly widens the left margin
# for the tick labels). On a wider plot (the PDF and SVG draw PLOT_W) the same text takes a
# smaller share: each box shrinks towards its anchor.
PLACE_W = 300
PLACE_H = 160  # and a plot at least this high (a 380 px figure with a two-line title: 169 px)


def text_width_em(text: str) -> float:
    """Width in em: full-width characters take 1, others about 0.6 (one rule: kpi.text.phrases)."""
    return em_width(text)


@dataclass(frozen=True)
class Label:
    """Text anchored at (x, y) in data units; ``box`` is its estimated extent in plot
    fractions (x0, y0, x1, y1), 0…1 inside the axes."""

    key: str  # target | baseline | as_of | projection | no_target | start (a target-only 起点)
    text: str
    x: float
    y: float
    ha: str  # left | right | center
    va: str  # bottom | top | middle
    color: str
    box: tuple[float, float, float, float]


_Box = tuple[float, float, float, float]


def _overlaps(a: _Box, b: _Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _inside(box: _Box) -> bool:
    px, py = PAD_PX / PLACE_W, PAD_PX / PLACE_H
    return box[0] >= px and box[2] <= 1 - px and box[1] >= py and box[3] <= 1 - py


def _box(fx: float, fy: float, ha: str, va: str, w: float, h: float) -> _Box:
    x0 = fx if ha == "left" else fx - w if ha == "right" else fx - w / 2
    y0 = fy if va == "bottom" else fy - h if va == "top" else fy - h / 2
    return (x0, y0, x0 + w, y0 + h)


@dataclass(frozen=True)
class LabelWant:
    """A label to place: what it labels decides its candidate positions (``_candidates``)."""

    key: str
    text: str
    color: str
    kind: str  # hline (along a line) | vline (beside it) | point (left of it) | start (right of it) | corner
    at: tuple[float, float]  # data anchor (x, y); for hline only y counts, for vline only x


@dataclass(frozen=True)
class Obstacle:
    """Something drawn that no label may cover, in data units: a line segment (``seg``: from
    (x0, y0) to (x1, y1)), a vertical line across the plot (``vline`` at x0) or a mark
    (``mark``: MARK_PX around (x0, y0))."""

    kind: str  # seg | vline | mark
    x0: float
    y0: float = 0.0
    x1: float = 0.0
    y1: float = 0.0


MARK_PX = 6.0  # half the status mark (10 pt in print, 18 px on screen as drawn over a point)
CLEAR_PX = 1.5  # a label keeps this far from every line: half a line's width and a little air


def _segment_hits(box: _Box, a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Whether the segment a–b passes through the box (all in px): Liang–Barsky clipping."""
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, ax - box[0]), (dx, box[2] - ax), (-dy, ay - box[1]), (dy, box[3] - ay)):
        if p == 0:
            if q < 0:
                return False
            continue
        r = q / p
        if p < 0:
            t0 = max(t0, r)
        else:
            t1 = min(t1, r)
        if t0 > t1:
            return False
    return True


def _in_px(
    obstacles: Sequence[Obstacle], xr: tuple[float, float], yr: tuple[float, float]
) -> list[tuple[str, tuple[float, float], tuple[float, float]]]:
    def p(x: float, y: float) -> tuple[float, float]:
        return ((x - xr[0]) / (xr[1] - xr[0]) * PLACE_W, (y - yr[0]) / (yr[1] - yr[0]) * PLACE_H)

    out: list[tuple[str, tuple[float, float], tuple[float, float]]] = []
    for ob in obstacles:
        if ob.kind == "vline":
            x = p(ob.x0, yr[0])[0]
            out.append(("seg", (x, 0.0), (x, PLACE_H)))
        elif ob.kind == "mark":
            out.append(("mark", p(ob.x0, ob.y0), (0.0, 0.0)))
        else:
            out.append(("seg", p(ob.x0, ob.y0), p(ob.x1, ob.y1)))
    return out


def _clear(box: _Box, drawn: Sequence[tuple[str, tuple[float, float], tuple[float, float]]]) -> bool:
    """Whether a box (plot fractions) keeps CLEAR_PX off every line and off every mark."""
    c = CLEAR_PX
    px_box = (box[0] * PLACE_W - c, box[1] * PLACE_H - c, box[2] * PLACE_W + c, box[3] * PLACE_H + c)
    for kind, a, b in drawn:
        if kind == "mark":
            m = MARK_PX
            if px_box[0] < a[0] + m and a[0] - m < px_box[2] and px_box[1] < a[1] + m and a[1] - m < px_box[3]:
                return False
        elif _segment_hits(px_box, a, b):
            return False
    return True


MAX_LEFT = 2  # months a point's label moves left of it before it goes further up or down


def _candidates(
    want: LabelWant, xr: tuple[float, float], yr: tuple[float, float]
) -> list[tuple[float, float, str, str]]:
    """Positions to try, nearest to what the label names first: beside its line or point,
    then further along the line or further up and down from the point."""
    fx = (want.at[0] - xr[0]) / (xr[1] - xr[0])
    fy = (want.at[1] - yr[0]) / (yr[1] - yr[0])
    px, py = 2 * PAD_PX / PLACE_W, PAD_PX / PLACE_H
    step = LINE_GAP * TEXT_PX / PLACE_H / 2  # half a label's height
    if want.kind == "hline":
        left, right, mid = (px, "left"), (1 - px, "right"), (0.5, "center")
        along = [(k / 8, "center") for k in (2, 6, 1, 3, 5, 7)]
        order = [left, right, mid, *along] if want.key == "target" else [right, left, mid, *reversed(along)]
        above, below = (fy + py, "bottom"), (fy - py, "top")
        sides = [above, below] if want.key == "target" else [below, above]
        return [(x, y, ha, va) for x, ha in order for y, va in sides]
    if want.kind == "vline":
        heights = [(1 - py, "top"), (py, "bottom"), *((f, "middle") for f in (0.75, 0.5, 0.25))]
        return [(fx + s * px, y, ha, va) for y, va in heights for s, ha in ((-1, "right"), (1, "left"))]
    shifts = [k * step for k in range(1, 9)]
    month = 1 / (xr[1] - xr[0])
    if want.kind == "start":  # a trajectory's first point: the line goes on to its right
        near = [
            (fx + px, fy - py, "left", "top"),
            (fx + px, fy + py, "left", "bottom"),
            (fx - px, fy + py, "right", "bottom"),
        ]
        further = [(fx + px, fy + d, "left", va) for s in shifts for d, va in ((-py - s, "top"), (py + s, "bottom"))]
        return near + further
    if want.kind == "point":
        near = [
            (fx - px, fy + py, "right", "bottom"),
            (fx - px, fy - py, "right", "top"),
            (fx - 2 * px, fy, "right", "middle"),
        ]
        # Further up or down, then further left (a month at a time: past an as-of line that
        # stands between the point and its label), nearest first; more than MAX_LEFT months
        # away only when no place up or down that near is clear of the lines (a label seven
        # months left of its point, where one two lines higher was free, named nothing).
        ranked = [
            ((j > MAX_LEFT, j * month * PLACE_W * 2 + s * PLACE_H), (fx - px - j * month, fy + d, "right", va))
            for j in range(9)
            for s in [0.0, *(k * step for k in range(1, 17))]
            for d, va in ((py + s, "bottom"), (-py - s, "top"))
        ]
        return near + [c for _, c in sorted(ranked, key=lambda f: f[0])]
    rows = [(1 - py, "top"), (py, "bottom")]
    rows += [r for s in shifts for r in ((1 - py - s, "top"), (py + s, "bottom"))]
    anchors = [(px, "left"), (1 - px, "right"), (0.5, "center")] + [(k / 8, "center") for k in (2, 6, 1, 3, 5, 7)]
    return [(x, y, ha, va) for y, va in rows for x, ha in anchors]


def place_labels(
    wants: Sequence[LabelWant],
    xr: tuple[float, float],
    yr: tuple[float, float],
    floor: float | None,
    avoid: Sequence[Obstacle] = (),
) -> tuple[tuple[Label, ...], tuple[float, float]]:
    """Labels placed without overlap inside the plot and off every drawn line and mark
    (``avoid``); the y range grows until they fit.

    Each label takes its first candidate position that stays inside the plot, clear of the
    labels already placed and CLEAR_PX off the lines. When a label has none, the axis gets
    more headroom (lines move together, the band above them is free) and placement starts
    again; only if eight rounds find none does a label take its first position that merely
    fits (never over another label or an axis).
    """
    lo, hi = yr
    fallback: tuple[tuple[Label, ...], tuple[float, float]] | None = None
    for _ in range(9):
        placed: list[Label] = []
        drawn = _in_px(avoid, xr, (lo, hi))
        complete, crossed = True, False
        for want in wants:
            w = text_width_em(want.text) * TEXT_PX / PLACE_W
            h = LINE_GAP * TEXT_PX / PLACE_H
            fits = []
            for fx, fy, ha, va in _candidates(want, xr, (lo, hi)):
                box = _box(fx, fy, ha, va, w, h)
                if _inside(box) and not any(_overlaps(box, p.box) for p in placed):
                    fits.append((fx, fy, ha, va, box))
            clear = [f for f in fits if _clear(f[4], drawn)]
            chosen = clear[0] if clear else fits[0] if fits else None
            if chosen is None:
                complete = False
                break
            crossed = crossed or not clear
            fx, fy, ha, va, box = chosen
            x = xr[0] + fx * (xr[1] - xr[0])
            y = lo + fy * (hi - lo)
            placed.append(Label(want.key, want.text, x, y, ha, va, want.color, box))
        if complete and not crossed:
            return tuple(placed), (lo, hi)
        if complete and fallback is None:
            fallback = (tuple(placed), (lo, hi))
        # No room: one more label height above and below (never below a zero floor).
        grow = (hi - lo) * 1.6 * LINE_GAP * TEXT_PX / PLACE_H
        hi += grow
        lo = max(floor, lo - grow) if floor is not None else lo - grow
    return fallback if fallback is not None else (tuple(placed), (lo, hi))
