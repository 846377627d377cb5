"""The charts of a report: one ``IndicatorChartData`` per indicator in scope, drawn for print
by ``kpi.reports.print_charts`` (PNG for the zip, SVG for the PDF). No browser involved."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from kpi.charts.data import IndicatorChartData, indicator_chart_data
from kpi.charts.figures import chart_filename
from kpi.domain.plan import PlanData
from kpi.reports.content import ReportContent

Progress = Callable[[int, int], None]  # (charts done, charts in all)


@dataclass(frozen=True)
class ReportChart:
    code: str
    title: str
    filename: str  # without extension
    chart: IndicatorChartData


def report_charts(data: PlanData, content: ReportContent, lang: str = "ja") -> list[ReportChart]:
    """One chart per indicator in the report's scope, in plan order."""
    out = []
    for row in content.indicators.to_dict("records"):
        chart = indicator_chart_data(data, row["id"], content.as_of, status=row, lang=lang)
        name = f"{content.project_code(row['project'])}_{row['id']}"
        out.append(
            ReportChart(
                code=row["id"],
                title=f"{row['measure']} {row['name']}",
                filename=chart_filename(data.year, name, content.as_of),
                chart=chart,
            )
        )
    return out


def png_zip(charts: Sequence[ReportChart], progress: Progress | None = None) -> bytes:
    """All chart PNGs (200 dpi) in one zip; names sort in plan order."""
    from kpi.reports.print_charts import chart_png

    buf = io.BytesIO()
    # PNG is compressed already: storing it is as small and faster than deflating again.
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for i, c in enumerate(charts, start=1):
            zf.writestr(f"{c.filename}.png", chart_png(c.chart))
            if progress:
                progress(i, len(charts))
    return buf.getvalue()
