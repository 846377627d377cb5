"""Rows of the report's tables as plain text, shared by the PDF, XLSX and the page."""

from __future__ import annotations

from typing import Any

from kpi.charts.data import format_expected, format_value
from kpi.domain.frames import opt, opt_float
from kpi.domain.status import Status
from kpi.domain.statuses import HISTORY_KEYS
from kpi.reports.content import ReportContent
from kpi.text import fmt
from kpi.text.catalog import t
from kpi.text.labels import level_words_in, month_label, month_short, paren, status_text, year_of
from kpi.text.palette import LEGEND_ORDER

# The tables' columns as catalog keys (the PDF and XLSX print them in Japanese, the page in
# the visitor's language).
HEADER_KEYS: dict[str, tuple[str, ...]] = {
    "SUMMARY": (
        "rep_h_no", "rep_h_measure", "rep_h_project", "rep_h_department", "rep_h_status", "rep_h_breakdown",
        "rep_h_assessment",
    ),
    "INDICATOR": (
        "rep_h_project", "rep_h_indicator", "rep_h_baseline", "rep_h_target", "rep_h_expected", "rep_h_actual",
        "rep_h_ratio", "rep_h_status", "rep_h_unreported",
    ),
    "MILESTONE": ("rep_h_project", "rep_h_item", "rep_h_due", "rep_h_completed", "rep_h_status"),
    "WHY": ("rep_h_project", "rep_h_department", "rep_h_status", "rep_h_why"),
}  # fmt: skip


def header(name: str, lang: str = "ja") -> list[str]:
    """A table's header (``SUMMARY``, ``INDICATOR``, ``MILESTONE``, ``WHY``) in ``lang``."""
    return [t(key, lang) for key in HEADER_KEYS[name]]


SUMMARY_HEADER = header("SUMMARY")
INDICATOR_HEADER = header("INDICATOR")
MILESTONE_HEADER = header("MILESTONE")
WHY_HEADER = header("WHY")


def month_text(month: Any, lang: str = "ja") -> str:
    """「2026年10月」 from ``2026-10`` (2026-10 in English); 「―」 when there is none."""
    m = opt(month)
    return fmt.MISSING if m is None else month_label(str(m), lang)


def status_cell(code: Any, lang: str = "ja", ratio: Any = None) -> str:
    c = opt(code)
    return fmt.MISSING if c is None else status_text(c, lang, opt_float(ratio))


def breakdown(row: dict[str, Any]) -> str:
    """Counts per status of a project's items, e.g. '○2 △1 ◆1'."""
    parts = []
    for s in LEGEND_ORDER:
        n = int(opt_float(row.get(f"n_{s.value}")) or 0)
        if n:
            parts.append(f"{status_text(s).split()[0]}{n}")
    return " ".join(parts) or fmt.MISSING


def summary_rows(content: ReportContent) -> list[tuple[list[str], str | None]]:
    """(cells, status code) per project in scope."""
    out = []
    for r in content.projects.to_dict("records"):
        out.append(
            (
                [
                    fmt.text(r.get("code", r["id"])),
                    fmt.text(r["measure"]),
                    fmt.text(r["name"]),
                    fmt.text(r["lead_department"]),
                    status_cell(r["status"], content.lang),
                    breakdown(r),
                    status_cell(r.get("assessment"), content.lang),
                ],
                opt(r["status"]),
            )
        )
    return out


def _target_text(r: dict[str, Any], unit: str, lang: str) -> str:
    """This year's target, and the final target with its year when that is another."""
    text = format_value(r["target"], unit)
    final, year = opt_float(r.get("final_target")), opt(r.get("target_year"))
    target = opt_float(r["target"])
    if final is not None and year is not None and (target is None or abs(final - target) > 1e-9 * max(1.0, abs(final))):
        final_text = t("rep_final_target", lang).format(year=year_of(int(year), lang), value=format_value(final, unit))
        text = paren(text, final_text, lang)
    return text


def indicator_rows(content: ReportContent) -> list[tuple[list[str], str | None]]:
    out = []
    for r in content.indicators.to_dict("records"):
        unit = fmt.text(r["unit"], "")
        month = opt(r.get("month"))
        actual = format_value(r["actual"], unit)
        if month is not None and opt(r["actual"]) is not None:
            actual = paren(actual, month_short(str(month), content.lang), content.lang)
        unreported = int(opt_float(r["unreported_months"]) or 0)
        out.append(
            (
                [
                    f"{content.project_code(r['project'])} {fmt.text(r['project_name'])}",
                    fmt.text(r["name"]),
                    t("chart_baseline_new", content.lang)
                    if r.get("baseline_new") is True
                    else format_value(r["baseline"], unit),
                    _target_text(r, unit, content.lang),
                    format_expected(r["expected"], unit),
                    actual,
                    fmt.percent(r["ratio"]),
                    status_cell(r["status"], content.lang, r["ratio"]),
                    t("rep_unreported_months", content.lang).format(n=unreported) if unreported else "",
                ],
                opt(r["status"]),
            )
        )
    return out


def milestone_rows(content: ReportContent) -> list[tuple[list[str], str | None]]:
    out = []
    for r in content.milestones.to_dict("records"):
        out.append(
            (
                [
                    f"{content.project_code(r['project'])} {fmt.text(r['project_name'])}",
                    fmt.text(r["name"]),
                    month_text(r["target"], content.lang),
                    fmt.text(r["actual"], ""),
                    status_cell(r["status"], content.lang),
                ],
                opt(r["status"]),
            )
        )
    return out


def status_counts(content: ReportContent) -> list[tuple[Status, int]]:
    """Projects per status (the summary line above the table)."""
    counts = content.projects["status"].value_counts()
    return [(s, int(counts.get(s.value, 0))) for s in LEGEND_ORDER if int(counts.get(s.value, 0))]


def why_rows(content: ReportContent) -> list[tuple[list[str], str | None]]:
    """Each 注意/遅延 project in scope with why, one line per cause or note."""
    out = []
    for r in content.projects.to_dict("records"):
        lines = content.why.get(int(r["id"]))
        if lines is None:
            continue
        out.append(
            (
                [
                    f"{content.project_code(r['id'])} {fmt.text(r['name'])}",
                    fmt.text(r["lead_department"]),
                    status_cell(r["status"], content.lang),
                    "\n".join(lines) or t("why_none", content.lang),
                ],
                opt(r["status"]),
            )
        )
    return out


def history_months(content: ReportContent) -> list[str]:
    return [c for c in content.history.columns if c not in HISTORY_KEYS]


def history_header(content: ReportContent) -> list[str]:
    project = level_words_in(t("rep_h_project", content.lang), content.levels, content.lang)
    return [project, *[month_short(m, content.lang) for m in history_months(content)]]


def history_rows(content: ReportContent) -> list[tuple[list[str], list[str | None]]]:
    """(cells, status code per cell) per project: the shape of its status at each month end."""
    months = history_months(content)
    out = []
    for r in content.history.to_dict("records"):
        codes = [opt(r[m]) for m in months]
        symbols = [fmt.MISSING if c is None else status_text(c).split()[0] for c in codes]
        out.append(([f"{content.project_code(r['id'])} {fmt.text(r['name'])}", *symbols], [None, *codes]))
    return out
