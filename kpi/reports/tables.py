"""Rows of the report's tables as plain text, shared by the PDF, XLSX and the page."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from kpi.charts import format_value
from kpi.labels import LEGEND_ORDER, status_text
from kpi.reports.content import ReportContent
from kpi.status import Status

SUMMARY_HEADER = ["No", "重点施策", "実施事業", "担当部署", "状況", "指標・●の内訳", "自己評価"]
INDICATOR_HEADER = ["実施事業", "指標", "基準値", "目標値", "見込値", "実績値", "進捗率", "状況", "未報告"]
MILESTONE_HEADER = ["実施事業", "項目（●）", "予定月", "完了日", "状況"]


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA


def breakdown(row: dict[str, Any]) -> str:
    """Counts per status of a project's items, e.g. '○2 △1 ◆1'."""
    parts = []
    for s in LEGEND_ORDER:
        n = int(row.get(f"n_{s.value}", 0) or 0)
        if n:
            parts.append(f"{status_text(s).split()[0]}{n}")
    return " ".join(parts) or "—"


def summary_rows(content: ReportContent) -> list[tuple[list[str], str | None]]:
    """(cells, status code) per project in scope."""
    out = []
    for r in content.projects.to_dict("records"):
        assess = r.get("assessment")
        out.append(
            (
                [
                    str(r["id"]),
                    str(r["measure"]),
                    str(r["name"]),
                    str(r["lead_department"]),
                    status_text(r["status"]),
                    breakdown(r),
                    status_text(assess) if assess and not _blank(assess) else "—",
                ],
                r["status"],
            )
        )
    return out


def indicator_rows(content: ReportContent) -> list[tuple[list[str], str | None]]:
    out = []
    for r in content.indicators.to_dict("records"):
        unit = str(r["unit"] or "")
        month = f"（{int(r['month'][5:])}月）" if r.get("month") else ""
        ratio = r["ratio"]
        out.append(
            (
                [
                    f"{int(r['project']):02d} {r['project_name']}",
                    str(r["name"]),
                    format_value(None if _blank(r["baseline"]) else float(r["baseline"]), unit),
                    format_value(None if _blank(r["target"]) else float(r["target"]), unit),
                    format_value(None if _blank(r["expected"]) else float(r["expected"]), unit),
                    format_value(None if _blank(r["actual"]) else float(r["actual"]), unit) + month,
                    "—" if _blank(ratio) else f"{float(ratio):.0%}",
                    status_text(r["status"]),
                    f"{int(r['unreported_months'])}か月" if int(r["unreported_months"] or 0) else "",
                ],
                r["status"],
            )
        )
    return out


def milestone_rows(content: ReportContent) -> list[tuple[list[str], str | None]]:
    out = []
    for r in content.milestones.to_dict("records"):
        due = r["target"]
        out.append(
            (
                [
                    f"{int(r['project']):02d} {r['project_name']}",
                    str(r["name"]),
                    f"{due[:4]}年{int(due[5:])}月",
                    "" if _blank(r["actual"]) else str(r["actual"]),
                    status_text(r["status"]),
                ],
                r["status"],
            )
        )
    return out


def status_counts(content: ReportContent) -> list[tuple[Status, int]]:
    """Projects per status (the summary line above the table)."""
    counts = content.projects["status"].value_counts()
    return [(s, int(counts.get(s.value, 0))) for s in LEGEND_ORDER if int(counts.get(s.value, 0))]
