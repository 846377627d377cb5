"""Print charts in the PDF: matplotlib draws each chart onto a recorder, and a reportlab
flowable replays the recording on the page's canvas.

The chart stays vector and its text stays text in the report's embedded font (one subset per
document). This replaced matplotlib SVG → svglib → reportlab ``Drawing`` → PDF, which spent
two thirds of a 60-chart PDF writing, parsing and converting SVG; matplotlib's own PDF backend
was slower still (each chart subsets the font anew, and pypdf then merges 60 pages). The
recorder is a matplotlib renderer that does what the SVG backend does (the same text metrics,
path clipping, simplification and text anchors), so the layout is unchanged.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from matplotlib import _path  # the path → operator string converter the PDF and SVG backends use
from matplotlib.backend_bases import RendererBase
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from kpi.reports.fonts import FONT_NAME

RGBA = tuple[float, float, float, float]
CAPS = {"butt": 0, "round": 1, "projecting": 2}
JOINS = {"miter": 0, "round": 1, "bevel": 2}
# PDF operators for moveto, lineto, quadratic (empty: converted to cubic), cubic, close.
PATH_CODES = [b"m", b"l", b"", b"c", b"h"]
DECIMALS = 3  # a thousandth of a point: finer than any printer, and the PDF stays small


class PathOp(NamedTuple):
    data: str  # path construction operators in chart points, y up
    clip: str | None  # a clip path's operators ending in ``W n``
    stroke: RGBA | None
    fill: RGBA | None
    width: float
    dash: tuple[float, list[float]] | None
    cap: int
    join: int
    at: list[tuple[float, float]] | None = None  # a marker: the path drawn at each point


class TextOp(NamedTuple):
    x: float
    y: float
    angle: float  # degrees anticlockwise about (x, y)
    anchor: str  # start | middle | end, as in SVG: reportlab measures the string itself
    text: str
    size: float
    color: RGBA
    clip: str | None


Op = PathOp | TextOp


def _rect(x: float, y: float, w: float, h: float) -> str:
    return f"{x:.6g} {y:.6g} {w:.6g} {h:.6g} re W n"


class Recorder(RendererBase):
    """A matplotlib renderer that records paths and text in points (the figure at 72 dpi)."""

    def __init__(self, width: float = 0.0, height: float = 0.0):
        super().__init__()
        self.start(width, height)

    def start(self, width: float, height: float) -> None:
        """Begin a new recording (the previous one's operations stay with whoever took them)."""
        self.width, self.height = width, height
        self.ops: list[Op] = []

    def flipy(self) -> bool:
        return False  # y up, as in PDF

    def get_canvas_width_height(self) -> tuple[float, float]:
        return self.width, self.height

    def get_text_width_height_descent(self, s: str, prop: Any, ismath: Any) -> tuple[float, float, float]:
        # The SVG backend's metrics: labels, ticks and legend land where they did.
        return self._text2path.get_text_width_height_descent(s, prop, ismath)

    def _clip(self, gc: Any) -> str | None:
        path, trans = gc.get_clip_path()
        if path is not None:
            return self._path(path, trans, None, False) + " W n"
        rect = gc.get_clip_rectangle()
        return None if rect is None else _rect(*rect.bounds)

    def _path(self, path: Any, transform: Any, clip: Any, simplify: bool, sketch: Any = None) -> str:
        convert = _path.convert_to_string  # type: ignore[attr-defined]  # (not in matplotlib's stubs)
        text: bytes = convert(path, transform, clip, simplify, sketch, DECIMALS, PATH_CODES, True)
        return text.decode("ascii")

    def draw_path(self, gc: Any, path: Any, transform: Any, rgbFace: Any = None) -> None:
        # As the SVG backend: an unfilled path is clipped to the figure and simplified.
        clip = rgbFace is None and gc.get_hatch_path() is None
        data = self._path(
            path,
            transform,
            (0.0, 0.0, self.width, self.height) if clip else None,
            path.should_simplify and clip,
            gc.get_sketch_params(),
        )
        self._add(gc, data, rgbFace)

    def draw_markers(
        self, gc: Any, marker_path: Any, marker_trans: Any, path: Any, trans: Any, rgbFace: Any = None
    ) -> None:
        # As the SVG backend: the marker's path once, placed at each point inside the figure.
        points = [
            (float(v[-2]), float(v[-1]))
            for v, _ in path.iter_segments(trans, clip=(0, 0, self.width, self.height), simplify=False)
            if len(v)
        ]
        if points:
            self._add(gc, self._path(marker_path, marker_trans, None, False), rgbFace, points)

    def _add(self, gc: Any, data: str, face: Any, at: list[tuple[float, float]] | None = None) -> None:
        # The SVG backend's colours: a forced alpha (an artist's alpha) applies to fill and stroke.
        forced = gc.get_forced_alpha()
        fill = None
        if face is not None:
            alpha = gc.get_alpha() if forced else (face[3] if len(face) == 4 else 1.0)
            fill = (*face[:3], alpha) if alpha > 0 else None
        stroke = None
        width = gc.get_linewidth()
        if width > 0:
            rgb = gc.get_rgb()
            alpha = gc.get_alpha() if forced else rgb[3]
            stroke = (*rgb[:3], alpha) if alpha > 0 else None
        if fill is None and stroke is None:
            return
        offset, seq = gc.get_dashes()
        dash = None if seq is None else (float(offset), [float(v) for v in seq])
        self.ops.append(
            PathOp(
                data, self._clip(gc), stroke, fill, width, dash, CAPS[gc.get_capstyle()], JOINS[gc.get_joinstyle()], at
            )
        )

    def draw_text(
        self, gc: Any, x: float, y: float, s: str, prop: Any, angle: float, ismath: Any = False, mtext: Any = None
    ) -> None:
        if ismath:  # never in our charts ($ is escaped); drawn as outlines like any backend would
            super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
            return
        anchor = "start"
        if mtext is not None and (angle == 0 or mtext.get_rotation_mode() == "anchor"):
            # As the SVG backend: anchor at the text's own position with its horizontal
            # alignment, moved across the baseline to where matplotlib laid the line out.
            ax, ay = mtext.get_transform().transform(mtext.get_unitless_position())
            rad = np.deg2rad(angle)
            up = (-np.sin(rad), np.cos(rad))
            v = up[0] * (x - ax) + up[1] * (y - ay)
            x, y = ax + v * up[0], ay + v * up[1]
            anchor = {"left": "start", "right": "end", "center": "middle"}[mtext.get_ha()]
        rgb = gc.get_rgb()
        alpha = gc.get_alpha() if gc.get_forced_alpha() else rgb[3]
        self.ops.append(
            TextOp(float(x), float(y), angle, anchor, s, prop.get_size_in_points(), (*rgb[:3], alpha), self._clip(gc))
        )


def record(fig: Any, recorder: Recorder | None = None) -> tuple[float, float, list[Op]]:
    """Draw ``fig`` (at 72 dpi) onto ``recorder``: (width, height, operations) in points.

    Pass the same recorder for every chart: matplotlib caches text sizes per renderer, and
    the charts of a report repeat most of their text (months, legends, units).
    """
    width, height = fig.get_size_inches() * 72
    recorder = recorder or Recorder()
    recorder.start(float(width), float(height))
    fig.draw(recorder)
    return recorder.width, recorder.height, recorder.ops


def _color(canv: Canvas, rgba: RGBA, stroke: bool) -> None:
    r, g, b, a = rgba
    if stroke:
        canv.setStrokeColorRGB(r, g, b)
        if a < 1:
            canv.setStrokeAlpha(a)
    else:
        canv.setFillColorRGB(r, g, b)
        if a < 1:
            canv.setFillAlpha(a)


def replay(canv: Canvas, ops: list[Op]) -> None:
    """Draw recorded operations on ``canv``; each in its own graphics state."""
    for op in ops:
        canv.saveState()
        if op.clip:
            canv.addLiteral(op.clip)
        if isinstance(op, TextOp):
            _color(canv, op.color, stroke=False)
            canv.setFont(FONT_NAME, op.size)
            x, y = op.x, op.y
            if op.angle:
                canv.translate(x, y)
                canv.rotate(op.angle)
                x = y = 0.0
            if op.anchor == "middle":
                canv.drawCentredString(x, y, op.text)
            elif op.anchor == "end":
                canv.drawRightString(x, y, op.text)
            else:
                canv.drawString(x, y, op.text)
        else:
            if op.stroke:
                _color(canv, op.stroke, stroke=True)
                canv.setLineWidth(op.width)
                canv.setLineCap(op.cap)
                canv.setLineJoin(op.join)
                if op.dash:
                    canv.setDash(op.dash[1], op.dash[0])
            if op.fill:
                _color(canv, op.fill, stroke=False)
            paint = "B" if op.stroke and op.fill else ("S" if op.stroke else "f")
            if op.at is None:
                canv.addLiteral(f"{op.data} {paint}")
            else:
                for x, y in op.at:
                    canv.addLiteral(f"q 1 0 0 1 {x:.{DECIMALS}f} {y:.{DECIMALS}f} cm {op.data} {paint} Q")
        canv.restoreState()


class ChartFlowable(Flowable):
    """A recorded chart scaled to ``width``: drawn on the page where the layout puts it."""

    def __init__(self, size: tuple[float, float], ops: list[Op], width: float):
        super().__init__()
        self.ops = ops
        self.scale = width / size[0]
        self.width, self.height = width, size[1] * self.scale

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        self.canv.saveState()
        self.canv.scale(self.scale, self.scale)
        replay(self.canv, self.ops)
        self.canv.restoreState()
