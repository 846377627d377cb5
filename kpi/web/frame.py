"""The page frame: the error guard, page config and the app's CSS (static/app.css)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from string import Template

import streamlit as st

from kpi.services import incident
from kpi.store.writes import storage_fault
from kpi.text.catalog import t
from kpi.web.prefs import KEY_LANG, _seed_from_query, lang
from kpi.web.words import current_app_title, tr

STATIC = Path(__file__).resolve().parent / "static"
# A file, not ":material/...": Streamlit turns a material page icon into a favicon fetched
# from fonts.gstatic.com at every load, which offline city networks cannot reach.
PAGE_ICON = STATIC / "page_icon.png"
CSS_FILE = STATIC / "app.css"


@cache
def _css() -> Template:
    """The app's CSS as one <style> block, read once; ``$choose``/``$limit`` are the uploader's words."""
    return Template(f"<style>\n{CSS_FILE.read_text(encoding='utf-8')}</style>\n")


def css(language: str) -> str:
    """The app's CSS with the file uploader's words in ``language`` (from the catalog)."""
    return _css().substitute(choose=t("uploader_choose", language), limit=t("uploader_limit", language))


def page_setup(title_key: str | None = None) -> None:
    """First call of every page: the error guard, page config, print CSS."""
    guard()
    # ?lang=en must count before the first word is drawn (the tab title comes first).
    _seed_from_query(KEY_LANG, "lang", ["ja", "en"])
    st.set_page_config(page_title=current_app_title(), page_icon=str(PAGE_ICON), layout="wide")
    st.markdown(css(lang()), unsafe_allow_html=True)


def _show_incident(exc: Exception) -> bool:
    """An uncaught error of a page: logged with its traceback under an incident id, shown to
    the visitor as a friendly message with that id (never the traceback, type or SQL)."""
    incident_id = incident.record(exc, "page")
    if storage_fault(exc) == "backup_fault_unreachable":  # say what is wrong: no server, not a defect
        st.error(tr("backup_fault_page_unreachable").format(id=incident_id), icon=":material/cloud_off:")
        return True
    st.error(tr("error_incident").format(id=incident_id), icon=":material/error:")
    return True  # handled: Streamlit shows nothing more


def guard() -> None:
    """Route the current run's uncaught exceptions to ``_show_incident``.

    Streamlit 1.67 calls the run context's ``on_script_error`` with every uncaught exception
    of the script (and of fragments) and shows nothing more when it returns True. Setting it
    at the top of each run keeps pages free of try/except and of an extra indentation
    level. If a later Streamlit drops the hook, ``client.showErrorDetails = "none"`` in
    .streamlit/config.toml still hides the details (tests/web/test_error_guard.py notices).
    """
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is not None and hasattr(ctx, "on_script_error"):
        ctx.on_script_error = _show_incident
