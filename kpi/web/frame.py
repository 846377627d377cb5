"""The page frame: the error guard, page config and the app's CSS."""

from __future__ import annotations

from pathlib import Path
from string import Template

import streamlit as st

from kpi.services import incident
from kpi.text.catalog import t
from kpi.web.prefs import KEY_LANG, _seed_from_query, lang
from kpi.web.words import current_app_title, tr

# A file, not ":material/...": Streamlit turns a material page icon into a favicon fetched
# from fonts.gstatic.com at every load, which offline city networks cannot reach.
PAGE_ICON = Path(__file__).resolve().parent / "static" / "page_icon.png"


def page_setup(title_key: str | None = None) -> None:
    """First call of every page: the error guard, page config, print CSS."""
    guard()
    # ?lang=en must count before the first word is drawn (the tab title comes first).
    _seed_from_query(KEY_LANG, "lang", ["ja", "en"])
    st.set_page_config(page_title=current_app_title(), page_icon=str(PAGE_ICON), layout="wide")
    st.markdown(PRINT_CSS + LAYOUT_CSS + uploader_css(lang()), unsafe_allow_html=True)


def _show_incident(exc: Exception) -> bool:
    """An uncaught error of a page: logged with its traceback under an incident id, shown to
    the visitor as a friendly message with that id (never the traceback, type or SQL)."""
    incident_id = incident.record(exc, "page")
    st.error(tr("error_incident").format(id=incident_id), icon=":material/error:")
    return True  # handled: Streamlit shows nothing more


def guard() -> None:
    """Route the current run's uncaught exceptions to ``_show_incident``.

    Streamlit 1.67 calls the run context's ``on_script_error`` with every uncaught exception
    of the script (and of fragments) and shows nothing more when it returns True. Setting it
    at the top of each run keeps pages free of try/except and of an extra indentation
    level. If a later Streamlit drops the hook, ``client.showErrorDetails = "none"`` in
    .streamlit/config.toml still hides the details (tests/test_error_guard.py notices).
    """
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is not None and hasattr(ctx, "on_script_error"):
        ctx.on_script_error = _show_incident


PRINT_CSS = """
<style>
@media print {
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"] { display: none !important; }
  .block-container { padding-top: 0 !important; }
}
.kpi-chip { display:inline-block; padding:0.05rem 0.5rem; border-radius:0.8rem; font-size:0.85rem;
            border:1.5px solid #424242; white-space:nowrap; line-height:1.5;
            /* Browsers drop backgrounds in print by default: the fill is half of the status. */
            -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.kpi-legend span { margin-right: 0.4rem; }
.kpi-table { border-collapse: collapse; width: 100%; font-size: 0.92rem; margin-bottom: 0.8rem; }
.kpi-table th { text-align: left; border-bottom: 2px solid #90A4AE; padding: 0.3rem 0.5rem; white-space: nowrap; }
.kpi-table td { border-bottom: 1px solid #E0E0E0; padding: 0.3rem 0.5rem; vertical-align: middle; }
.kpi-table td .kpi-chip, .kpi-counts .kpi-chip { min-width: 7em; text-align: center; }
.kpi-table tr.kpi-policy td { background: #ECEFF1; font-weight: 700; }
.kpi-table tr.kpi-measure td { background: #F7F9FA; font-weight: 600; }
.kpi-table td.kpi-nowrap { white-space: nowrap; }
.kpi-table td.kpi-num { white-space: nowrap; text-align: right; font-variant-numeric: tabular-nums; }
.kpi-table td.kpi-spark-cell { width: 100px; line-height: 0; }
.kpi-spark { display: block; }
.kpi-table td.kpi-indent1 { padding-left: 1.6rem; }
.kpi-table td.kpi-indent2 { padding-left: 3.2rem; }
.kpi-counts { display: flex; flex-wrap: wrap; gap: 0.4rem; align-items: center; margin: 0.2rem 0 0.8rem; }
.kpi-counts .kpi-total { font-weight: 700; margin-right: 0.6rem; }
.kpi-fact { font-size: 0.9rem; line-height: 1.7; }
@media (max-width: 640px) {
  /* Phones: a wide table scrolls sideways instead of cutting columns; chips shrink to fit. */
  .kpi-table { display: block; overflow-x: auto; font-size: 0.85rem; }
  .kpi-table td .kpi-chip, .kpi-counts .kpi-chip { min-width: 0 !important; }
  .kpi-table td.kpi-indent1 { padding-left: 0.6rem; }
  .kpi-table td.kpi-indent2 { padding-left: 1.2rem; }
  .kpi-table td.kpi-name { min-width: 10em; }
  .kpi-table td.kpi-why { min-width: 12em; }
  /* A measure's indicator table fits a 390 px phone: names wrap, the sparkline shrinks. */
  .kpi-indicator-table th, .kpi-indicator-table td { padding: 0.25rem 0.3rem; }
  .kpi-table.kpi-indicator-table td.kpi-name { min-width: 6.5em; }
  .kpi-indicator-table th, .kpi-indicator-table td.kpi-num { white-space: normal; }
  /* The ratio tells how far from the target; the target itself is in the chart below. */
  .kpi-indicator-table th:nth-child(4), .kpi-indicator-table td:nth-child(4) { display: none; }
  .kpi-indicator-table .kpi-spark { width: 60px; height: 16px; }
  .kpi-table td.kpi-spark-cell { width: 62px; }
}
@media print {
  .kpi-table { page-break-inside: auto; }
  .kpi-table tr { page-break-inside: avoid; }
}
.kpi-table .kpi-mini { min-width: 1.6em !important; padding: 0 0.2rem; text-align: center; }
.kpi-table td.kpi-name { min-width: 14em; max-width: 26em; }
.kpi-table td.kpi-why { min-width: 16em; font-size: 0.85rem; color: #37474F; }
</style>
"""


# Streamlit's file uploader has English words of its own ("Upload", "200MB per file") and no
# parameter for them: they are replaced by the catalog's (uploader_choose, uploader_limit).
UPLOADER_CSS = Template("""
<style>
[data-testid="stFileUploaderDropzone"] button p { font-size: 0; }
[data-testid="stFileUploaderDropzone"] button p::after { content: "$choose"; font-size: 0.875rem; }
[data-testid="stFileUploaderDropzoneInstructions"] span { font-size: 0; }
[data-testid="stFileUploaderDropzoneInstructions"] span::after { content: "$limit"; font-size: 0.875rem; }
</style>
""")


def uploader_css(language: str) -> str:
    return UPLOADER_CSS.substitute(choose=t("uploader_choose", language), limit=t("uploader_limit", language))


# Accessibility and layout rules of our own (390 px phones, 1920 px screens, A4 print).
LAYOUT_CSS = """
<style>
/* Streamlit's captions are faded (opacity 0.6) to 3.9:1 on white; WCAG 2.1 AA (1.4.3) needs
   4.5:1. A solid grey keeps them quieter than body text at 7:1. */
[data-testid="stCaptionContainer"] { color: #595959 !important; opacity: 1 !important; }
/* wide_only / narrow_only: a chart for screens and paper, its list form for phones. */
@media screen and (max-width: 640px) { [class*="st-key-kpi_wide_"] { display: none !important; } }
@media screen and (min-width: 641px), print { [class*="st-key-kpi_narrow_"] { display: none !important; } }
/* Phones: twelve month labels (「10月11月12月」) need more room than a 390 px chart has;
   smaller tick text keeps every month readable and apart (plotly sets the size inline). */
@media screen and (max-width: 640px) {
  .js-plotly-plot .xtick text { font-size: 8px !important; }
  .js-plotly-plot .ytick text { font-size: 9px !important; }
}
/* Paper cannot follow a link: the choosers under the tables are left out of print. */
@media print { [class*="st-key-kpi_nav_"] { display: none !important; } }
.kpi-schedule-list ul { margin: 0 0 0.6rem 0; padding-left: 1.1rem; }
.kpi-schedule-list li { margin: 0.2rem 0; font-size: 0.9rem; line-height: 1.5; }
.kpi-schedule-list .kpi-sl-period { color: #424242; font-size: 0.85rem; }
.kpi-schedule-list .kpi-sl-mark { font-size: 0.85rem; }
.kpi-schedule-list .kpi-sl-project { margin: 0.7rem 0 0.2rem; }
/* Names in the changes and missing-reports tables: at most two lines (full name on hover). */
.kpi-table td.kpi-name2 { min-width: 22em; }
.kpi-clamp2 { display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden; }
/* Wide screens: tables and text stop at a readable width instead of stretching. */
@media screen and (min-width: 1600px) {
  .block-container { max-width: 1500px; }
  /* A table as wide as its content: the department no longer sits 1000 px from its project. */
  .kpi-table { width: auto; min-width: 60%; max-width: 100%; }
}
@media screen and (max-width: 640px) {
  /* A long project name as the title took three lines of 2.75rem on a phone. */
  [data-testid="stMain"] h1 { font-size: 1.75rem !important; }
  /* Phones: the plan tree and the short status tables become lists (one block per row). */
  .kpi-table.kpi-list { display: block; overflow: visible; }
  .kpi-table.kpi-list thead { display: none; }
  .kpi-table.kpi-list tbody { display: block; }
  .kpi-table.kpi-list tr { display: flex; flex-wrap: wrap; align-items: center; gap: 0.15rem 0.4rem;
                           border-bottom: 1px solid #E0E0E0; padding: 0.3rem 0.2rem; }
  .kpi-table.kpi-list td { display: block; border: none; padding: 0.05rem 0.2rem; min-width: 0 !important; }
  .kpi-table.kpi-list td:empty { display: none; }
  .kpi-table.kpi-list td.kpi-name, .kpi-table.kpi-list td.kpi-why { flex: 1 1 100%; max-width: none; }
  .kpi-table.kpi-list td.kpi-indent1, .kpi-table.kpi-list td.kpi-indent2 { flex: 1 1 55%; padding-left: 0.2rem; }
  .kpi-table.kpi-list tr:has(td.kpi-indent1) { padding-left: 0.8rem; }
  .kpi-table.kpi-list tr:has(td.kpi-indent2) { padding-left: 1.6rem; }
  .kpi-table.kpi-list td.kpi-dept { font-size: 0.8rem; color: #424242; }
  .kpi-table.kpi-list td.kpi-now::before { content: "→ "; }
  /* The status-by-month matrix still scrolls sideways: its project names stay in view. */
  .kpi-history td:first-child, .kpi-history th:first-child { position: sticky; left: 0; background: #fff; z-index: 1; }
}
</style>
"""
