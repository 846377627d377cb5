"""Words on the screen: the catalog in the visitor's language with the plan's own level names."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from kpi.domain.fiscal import Month
from kpi.domain.permissions import public_author
from kpi.domain.plan import DEFAULT_LEVELS, level_words
from kpi.store.db import database_url
from kpi.text import labels
from kpi.text.catalog import t
from kpi.text.fmt import text as fmt_text
from kpi.text.labels import actor_label, app_title, generic_levels, plan_names_apply
from kpi.web.auth import current_actor
from kpi.web.cache import (
    cached_departments,
    cached_display_names,
    cached_plan_levels,
    cached_plan_titles,
    current_version,
)
from kpi.web.prefs import KEY_YEAR, lang


def level_names() -> tuple[str, ...]:
    """The chosen year's level names (else the latest year's); English keeps its generic words."""
    if not plan_names_apply(lang()):
        return generic_levels(lang())
    url = database_url()
    levels = cached_plan_levels(url, current_version(url))
    chosen = st.session_state.get(KEY_YEAR)
    if chosen in levels:
        return levels[chosen]
    return levels[max(levels)] if levels else DEFAULT_LEVELS


def current_app_title() -> str:
    """The app's name for the tab and sidebar: the chosen year's plan (else the latest)."""
    url = database_url()
    titles = cached_plan_titles(url, current_version(url))
    chosen = st.session_state.get(KEY_YEAR)
    plan = titles.get(chosen) if chosen in titles else (titles[max(titles)] if titles else None)
    return app_title(plan, lang())


def tr(key: str) -> str:
    """A label of the catalog, with the plan's own level names (「重点施策別」→「分野別」)."""
    text = t(key, lang())
    # Only a label naming a level reads the plan: the error message of a page whose database
    # failed must not need the database.
    if not plan_names_apply(lang()) or not any(word in text for word in DEFAULT_LEVELS):
        return text
    return level_words(text, level_names())


def all_option(value: Any) -> str:
    """format_func for a selectbox whose empty first option means 「すべて」 (no filter)."""
    return tr("all_option") if value in ("", None) else str(value)


def people() -> dict[str, str]:
    """Account → display name for signed-in staff (kpi.store.accounts.display_names); nothing
    for a visitor, who reads departments instead of people."""
    if current_actor() is None:
        return {}
    url = database_url()
    return cached_display_names(url, current_version(url))


def person(author: Any, names: Mapping[str, str] | None = None) -> str:
    """An author as staff read it: the person's display name with the account, 「コマンド操作
    （root）」 for the command line (kpi.text.labels.actor_label). ``names``: ``people()`` read
    once by a caller that shows many authors (a table)."""
    if not isinstance(author, str) or not author:
        return fmt_text(author)
    return actor_label(author, lang(), people() if names is None else names)


def author_text(author: Any) -> str:
    """An author as the visitor may see it: the user name when logged in, otherwise the
    author's department (anonymous visitors do not learn account names)."""
    if author is None or (not isinstance(author, str) and pd.isna(author)) or author == "":
        return ""
    viewer = current_actor()
    url = database_url()
    departments = {} if viewer is not None else cached_departments(url, current_version(url))
    return actor_label(public_author(str(author), viewer, departments, tr("author_staff")), lang(), people())


def month_label(month: Month) -> str:
    """「2026年10月」 in Japanese, 2026-10 in English."""
    return labels.month_label(month, lang())


def _fiscal_month_name(index: int) -> str:
    return labels.month_short((index + 2) % 12 + 1, lang())  # fiscal month 1 is April
