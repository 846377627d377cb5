"""Where an indicator chart's labels go: the nominal plot geometry, a label's estimated size,
and the placement of each label at its first candidate position that stays inside the plot
and clear of the labels already placed (and, when there is room, off the drawn lines). If
none fits, the y axis gets more headroom and placement starts again.

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
    px, py = PAD_PX / PLOT_W, PAD_PX / PLOT_H
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


def _candidates(
    want: LabelWant, xr: tuple[float, float], yr: tuple[float, float]
) -> list[tuple[float, float, str, str]]:
    fx = (want.at[0] - xr[0]) / (xr[1] - xr[0])
    fy = (want.at[1] - yr[0]) / (yr[1] - yr[0])
    px, py = 2 * PAD_PX / PLOT_W, PAD_PX / PLOT_H
    if want.kind == "hline":
        left, right, mid = (px, "left"), (1 - px, "right"), (0.5, "center")
        order = [left, right, mid] if want.key == "target" else [right, left, mid]
        above, below = (fy + py, "bottom"), (fy - py, "top")
        sides = [above, below] if want.key == "target" else [below, above]
        return [(x, y, ha, va) for x, ha in order for y, va in sides]
    if want.kind == "vline":
        top, bottom = (1 - py, "top"), (py, "bottom")
        return [(fx + s * px, y, ha, va) for y, va in (top, bottom) for s, ha in ((-1, "right"), (1, "left"))]
    if want.kind == "start":  # a trajectory's first point: the line goes on to its right
        return [
            (fx + px, fy - py, "left", "top"),
            (fx + px, fy + py, "left", "bottom"),
            (fx - px, fy + py, "right", "bottom"),
        ]
    if want.kind == "point":
        return [
            (fx - px, fy + py, "right", "bottom"),
            (fx - px, fy - py, "right", "top"),
            (fx - 2 * px, fy, "right", "middle"),
        ]
    return [
        (px, 1 - py, "left", "top"),
        (1 - px, 1 - py, "right", "top"),
        (1 - px, py, "right", "bottom"),
        (px, py, "left", "bottom"),
    ]


def place_labels(
    wants: Sequence[LabelWant],
    xr: tuple[float, float],
    yr: tuple[float, float],
    floor: float | None,
    avoid: Sequence[tuple[str, float, float]] = (),
) -> tuple[tuple[Label, ...], tuple[float, float]]:
    """Labels placed without overlap inside the plot; the y range grows until they fit.

    Each label takes its first candidate position that also stays off the drawn lines
    (``avoid``), else its first that merely fits: lines may pass behind a label, labels may
    never cover each other or an axis.
    """
    lo, hi = yr
    for _ in range(8):
        placed: list[Label] = []
        for want in wants:
            w = text_width_em(want.text) * TEXT_PX / PLOT_W
            h = LINE_GAP * TEXT_PX / PLOT_H
            free = [((x - xr[0]) / (xr[1] - xr[0]), (y - lo) / (hi - lo)) for owner, x, y in avoid if owner != want.key]
            fits = []
            for fx, fy, ha, va in _candidates(want, xr, (lo, hi)):
                box = _box(fx, fy, ha, va, w, h)
                if _inside(box) and not any(_overlaps(box, p.box) for p in placed):
                    fits.append((fx, fy, ha, va, box))
            clear = [f for f in fits if not any(f[4][0] < px < f[4][2] and f[4][1] < py < f[4][3] for px, py in free)]
            chosen = clear[0] if clear else fits[0] if fits else None
            if chosen is None:
                break
            fx, fy, ha, va, box = chosen
            x = xr[0] + fx * (xr[1] - xr[0])
            y = lo + fy * (hi - lo)
            placed.append(Label(want.key, want.text, x, y, ha, va, want.color, box))
        else:
            return tuple(placed), (lo, hi)
        # No room: one more label height above and below (never below a zero floor).
        grow = (hi - lo) * 1.6 * LINE_GAP * TEXT_PX / PLOT_H
        hi += grow
        lo = max(floor, lo - grow) if floor is not None else lo - grow
    return tuple(placed), (lo, hi)
