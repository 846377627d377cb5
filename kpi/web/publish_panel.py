"""計画管理's public edition: review the 公開コメント waiting for approval, make the public
edition of a month as a zip (the same files as ``python -m kpi publish``), list what was
published. The writes check the admin role themselves (kpi.store.publications)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from kpi.domain import clock
from kpi.domain.fiscal import Month, fiscal_months
from kpi.domain.permissions import Actor, PermissionDenied
from kpi.domain.plan import PlanData
from kpi.reports.publication import publish, zip_bytes
from kpi.services import publication
from kpi.text import fmt
from kpi.text.catalog import LANGS
from kpi.web import cache
from kpi.web.words import month_label, tr

KEY_ZIP = "pub_zip"
KEY_FLASH = "pub_flash"


def _review(engine: Any, actor: Actor, comment_id: int, approve: bool) -> None:
    try:
        publication.review_comment(engine, actor, comment_id, approve)
    except (publication.PublicationRejected, PermissionDenied) as exc:
        st.error(fmt.plain_markdown(str(exc)))
        return
    cache.clear_caches()
    st.session_state[KEY_FLASH] = tr("pub_reviewed")
    st.rerun()


def panel(engine: Any, actor: Actor, data: PlanData, as_of: Month) -> None:
    st.subheader(tr("pub_panel"))
    st.caption(tr("pub_panel_help"))
    if KEY_FLASH in st.session_state:
        st.success(st.session_state.pop(KEY_FLASH), icon=":material/check_circle:")

    st.markdown(f"**{tr('pub_pending')}**")
    pending = publication.pending_comments(engine, data.year)
    if not pending:
        st.caption(tr("pub_no_pending"))
    for c in pending:
        with st.container(border=True):
            st.markdown(f"**{fmt.plain_markdown(data.project_labels.get(c.project_no, c.project_no))}**")
            st.markdown(fmt.plain_markdown(c.text))
            st.caption(fmt.plain_markdown(c.author))
            ok, no = st.columns(2)
            if ok.button(tr("pub_approve"), key=f"pub_approve_{c.id}"):
                _review(engine, actor, c.id, True)
            if no.button(tr("pub_reject"), key=f"pub_reject_{c.id}"):
                _review(engine, actor, c.id, False)

    months = [m for m in fiscal_months(data.year) if m <= as_of] or [fiscal_months(data.year)[0]]
    with st.form("pub_form"):
        month = st.selectbox(
            tr("pub_month"), months, index=len(months) - 1, format_func=month_label, key="pub_month",
            placeholder=tr("choose_option"),
        )  # fmt: skip
        translated = st.checkbox(tr("pub_english"), key="pub_english")
        make = st.form_submit_button(tr("pub_make"), type="primary")
    if make and month is not None:
        langs = LANGS if translated else LANGS[:1]
        try:
            result = publish(engine, actor, data.year, month, clock.today(), langs)
        except PermissionDenied as exc:
            st.error(fmt.plain_markdown(str(exc)))
        else:
            if result is not None:
                cache.clear_caches()
                name = f"public_{data.year}_{month}.zip"
                st.session_state[KEY_ZIP] = (name, zip_bytes(result.files, result.edition.published_on))
                st.success(tr("pub_made").format(n=len(result.files), c=result.corrections),
                           icon=":material/check_circle:")  # fmt: skip
    if KEY_ZIP in st.session_state:
        name, payload = st.session_state[KEY_ZIP]
        st.download_button(tr("pub_download"), payload, file_name=name, mime="application/zip", key="pub_download")

    rows = publication.publications(engine, data.year)
    if rows:
        st.markdown(f"**{tr('pub_published_list')}**")
        st.dataframe(
            pd.DataFrame(
                {
                    tr("pub_published_on"): [r.published_on.isoformat() for r in reversed(rows)],
                    tr("pub_month"): [r.month for r in reversed(rows)],
                    "lang": [r.lang for r in reversed(rows)],
                    tr("pub_h_by"): [r.published_by for r in reversed(rows)],
                    "SHA-256": [r.checksum[:16] for r in reversed(rows)],
                }
            ),
            hide_index=True,
            width="stretch",
        )
