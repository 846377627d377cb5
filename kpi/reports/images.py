"""Chart images for reports: the dashboard's plotly figures (kpi.charts) rendered to PNG.

kaleido 1.x drives Debian's chromium; one browser is kept for the whole process
(``kaleido.start_sync_server``) so that many figures take ~0.2 s each instead of ~2 s.
"""

from __future__ import annotations

import atexit
import io
import threading
import warnings
import zipfile
from dataclasses import dataclass

import plotly.graph_objects as go
import plotly.io as pio

from kpi.charts import chart_filename, indicator_chart
from kpi.fiscal import Month
from kpi.labels import FONT_STACK
from kpi.reports.content import ReportContent
from kpi.store import PlanData

CHART_WIDTH_PX = 820  # at scale 2 a chart prints sharp at half an A4 landscape width, text readable
CHART_HEIGHT_PX = 440
CHART_SCALE = 2

_lock = threading.Lock()
_server_started = False


@dataclass(frozen=True)
class ChartImage:
    code: str
    title: str
    filename: str  # without extension
    png: bytes


def _ensure_server() -> None:
    global _server_started
    if _server_started:
        return
    import kaleido

    kaleido.start_sync_server(silence_warnings=True)
    atexit.register(kaleido.stop_sync_server, silence_warnings=True)
    _server_started = True


def figure_png(fig: go.Figure, width: int = CHART_WIDTH_PX, height: int = CHART_HEIGHT_PX) -> bytes:
    """PNG bytes of a figure; Japanese text uses the shared font stack (Noto Sans CJK)."""
    fig.update_layout(font_family=FONT_STACK)
    with _lock:  # one browser, one figure at a time (downloads run on their own threads)
        _ensure_server()
        with warnings.catch_warnings():  # plotly warns that kaleido options are ignored by a server
            warnings.simplefilter("ignore", UserWarning)
            return pio.to_image(fig, format="png", width=width, height=height, scale=CHART_SCALE)


def indicator_images(data: PlanData, content: ReportContent, lang: str = "ja") -> list[ChartImage]:
    """One PNG per indicator in the report's scope, in plan order."""
    out = []
    as_of: Month = content.as_of
    for row in content.indicators.to_dict("records"):
        fig = indicator_chart(data, row["id"], as_of, status=row, lang=lang, height=CHART_HEIGHT_PX)
        name = f"{int(row['project']):02d}_{row['id']}"
        out.append(
            ChartImage(
                code=row["id"],
                title=f"{row['measure']} {row['name']}",
                filename=chart_filename(data.year, name, as_of),
                png=figure_png(fig),
            )
        )
    return out


def png_zip(images: list[ChartImage]) -> bytes:
    """All chart PNGs in one zip (the page's download); names sort in plan order."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for img in images:
            zf.writestr(f"{img.filename}.png", img.png)
    return buf.getvalue()
