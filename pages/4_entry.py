"""実績入力: a logged-in editor enters the month's actuals, milestones and self-assessments."""

from datetime import date
from functools import partial

import pandas as pd
import streamlit as st

from kpi import clock, entry, ui
from kpi.actuals import ActualsRejected
from kpi.fiscal import Month, current_month, fiscal_months
from kpi.importers import FileFormatError, template_csv
from kpi.labels import status_text
from kpi.permissions import PermissionDenied
from kpi.store import actual_history, locked_months

KEY = "entry_"  # prefix of this page's session-state keys


# Labels are bound when drawn (partial), not read later: AppTest formats options afterwards.
def _month_label(m: str, ja: bool) -> str:
    return Month.parse(m).label_ja() if ja else m


def _assessment_label(s: str, lang: str, unset: str) -> str:
    return status_text(s, lang) if s else unset


ui.page_setup()
year, as_of = ui.sidebar()
st.title(ui.tr("entry_title"))
data = ui.load(year)
actor = ui.current_actor()
if data is None or year is None:
    st.stop()
if actor is None:
    st.info(ui.tr("entry_login_first"), icon=":material/login:")
    st.stop()
if actor.role == "viewer":
    st.info(ui.tr("entry_viewer"), icon=":material/visibility:")
    st.stop()

today: date = clock.today()
engine = ui.engine()
months = [m for m in fiscal_months(year) if m <= current_month(today)] or [Month(year, 4)]
default = str(as_of) if as_of in months else str(months[-1])
month = Month.parse(
    st.selectbox(
        ui.tr("entry_month"),
        [str(m) for m in months],
        index=[str(m) for m in months].index(default),
        format_func=partial(_month_label, ja=ui.lang() == "ja"),
        key=f"{KEY}month",
    )
)
locked = str(month) in entry.read(engine, locked_months, year)
if locked:
    st.warning(ui.tr("entry_locked"), icon=":material/lock:")


def _fmt(v: float | None, unit: str = "") -> str:
    return "—" if v is None or pd.isna(v) else f"{v:,.4g}{unit}"


def _show_errors(exc: Exception) -> None:
    lines = [str(e) for e in exc.errors] if isinstance(exc, ActualsRejected) else [str(exc)]
    st.error(ui.tr("entry_rejected") + "\n\n" + "\n".join(f"- {entry.escape_markdown(x)}" for x in lines))


# The result of the last save survives the rerun that refreshes the form.
last = st.session_state.pop(f"{KEY}result", None)
if last is not None:
    result, mine = last
    if result.saved:
        st.success(ui.tr("entry_saved").format(n=len(result.saved)), icon=":material/check_circle:")
    elif not result.conflicts:
        st.info(ui.tr("entry_nothing"))
    for k in result.conflicts:
        st.error(
            ui.tr("entry_conflict").format(
                code=k.indicator_id,
                author=entry.escape_markdown(k.their_author),
                value=f"{k.their_value:g}",
                mine=mine.get(k.indicator_id, ""),
            )
        )
    if result.statuses:
        st.markdown(f"**{ui.tr('entry_result')}**")
        st.markdown(
            " ".join(ui.chip_html(s, code) for code, s in sorted(result.statuses.items())), unsafe_allow_html=True
        )

# ---- indicators: one form, one transaction
rows = entry.entry_rows(data, actor, month)
snap_key = f"{KEY}loaded_{month}"
if snap_key not in st.session_state:
    # What the form was loaded with: a later save by someone else is a conflict, not an overwrite.
    st.session_state[snap_key] = {r["code"]: (r["revision"], r["current"], r["note"]) for r in rows.to_dict("records")}
loaded: dict[str, tuple[int, float | None, str]] = st.session_state[snap_key]

st.subheader(ui.tr("entry_indicators"))
if rows.empty:
    st.info(ui.tr("entry_no_indicators"))
else:
    with st.form(f"{KEY}form_{month}"):
        for r in rows.to_dict("records"):
            rev, value0, note0 = loaded.get(r["code"], (0, None, ""))
            with st.container(border=True):
                st.markdown(
                    f"**{entry.escape_markdown(r['name'])}** `{r['code']}` {ui.chip_html(r['status'])}",
                    unsafe_allow_html=True,
                )
                low, high = r["min_value"], r["max_value"]
                st.caption(
                    f"{ui.tr('unit')}: {r['unit']} ・ {ui.tr('baseline')}: {_fmt(r['baseline'])} ・ "
                    f"{ui.tr('target')}: {_fmt(r['target'])} ・ {ui.tr('expected')}: {_fmt(r['expected'])} ・ "
                    f"{ui.tr('entry_range')}: {_fmt(low)}〜{_fmt(high)} ・ "
                    f"{ui.tr('entry_current')}: {_fmt(r['current'])}"
                    + (f"（{entry.escape_markdown(r['author'])}）" if r["author"] else "")
                )
                c1, c2, c3 = st.columns([1, 2, 2])
                c1.text_input(
                    f"{ui.tr('entry_value')}（{r['unit']}）",
                    value="" if value0 is None else f"{value0:g}",
                    key=f"{KEY}v_{month}_{r['code']}",
                    disabled=locked,
                )
                c2.text_input(ui.tr("entry_note"), value=note0, key=f"{KEY}n_{month}_{r['code']}", disabled=locked)
                c3.text_input(
                    ui.tr("entry_reason"), key=f"{KEY}r_{month}_{r['code']}", disabled=locked or value0 is None
                )
        submitted = st.form_submit_button(ui.tr("entry_save"), type="primary", disabled=locked, icon=":material/save:")
    if submitted:
        cells = []
        for code, (rev, value0, note0) in loaded.items():
            cells.append(
                entry.CellInput(
                    code,
                    st.session_state.get(f"{KEY}v_{month}_{code}", ""),
                    st.session_state.get(f"{KEY}n_{month}_{code}", ""),
                    st.session_state.get(f"{KEY}r_{month}_{code}", ""),
                    loaded_revision=rev,
                    loaded_value=value0,
                    loaded_note=note0,
                )
            )
        try:
            saved = entry.submit_month(engine, actor, year, month, cells, today)
        except (ActualsRejected, PermissionDenied, entry.EntryError) as exc:
            _show_errors(exc)
        else:
            ui.clear_caches()
            mine = {c.code: str(c.value) for c in cells}
            st.session_state[f"{KEY}result"] = (saved, mine)
            st.session_state.pop(snap_key, None)
            for code in loaded:
                for p in "vnr":
                    st.session_state.pop(f"{KEY}{p}_{month}_{code}", None)
            st.rerun()
    if st.button(ui.tr("entry_reload"), key=f"{KEY}reload", icon=":material/refresh:"):
        st.session_state.pop(snap_key, None)
        for code in loaded:
            for p in "vnr":
                st.session_state.pop(f"{KEY}{p}_{month}_{code}", None)
        st.rerun()

    for r in rows.to_dict("records"):
        with st.expander(f"{ui.tr('entry_history')}: {r['name']}"):
            hist = entry.read(engine, actual_history, year, r["code"])
            st.dataframe(ui.display_table(hist), hide_index=True, width="stretch")

# ---- milestones
st.subheader(ui.tr("entry_milestones"))
ms = entry.writable_milestones(data, actor)
if ms.empty:
    st.info(ui.tr("entry_no_milestones"))
else:
    with st.form(f"{KEY}ms_form"):
        for m in ms.to_dict("records"):
            done = m["completed_on"] is not None and not pd.isna(m["completed_on"])
            label = f"{m['project_no']}. {m['item'] or ''} {m['text'] or ''} （{m['month']}）"
            c1, c2, c3 = st.columns([3, 1, 1])
            c1.text(label)
            if done:
                c2.markdown(ui.chip_html("done", str(m["completed_on"])), unsafe_allow_html=True)
                if actor.is_admin:
                    c3.checkbox(ui.tr("entry_undo"), key=f"{KEY}ms_undo_{m['code']}")
            else:
                c2.checkbox(ui.tr("entry_done"), key=f"{KEY}ms_done_{m['code']}")
                c3.date_input(ui.tr("entry_done_on"), value=today, max_value=today, key=f"{KEY}ms_date_{m['code']}")
        ms_submit = st.form_submit_button(ui.tr("entry_ms_save"), icon=":material/save:")
    if ms_submit:
        try:
            for m in ms.to_dict("records"):
                if st.session_state.get(f"{KEY}ms_done_{m['code']}"):
                    when = st.session_state.get(f"{KEY}ms_date_{m['code']}") or today
                    entry.with_retry(engine, entry.complete_milestone, actor, year, m["code"], when, today)
                if st.session_state.get(f"{KEY}ms_undo_{m['code']}"):
                    entry.with_retry(engine, entry.undo_milestone, actor, year, m["code"])
        except (PermissionDenied, entry.EntryError) as exc:
            _show_errors(exc)
        else:
            ui.clear_caches()
            st.rerun()

# ---- monthly self-assessment per project
st.subheader(f"{ui.tr('entry_assessment')}（{month.label_ja() if ui.lang() == 'ja' else month}）")
projects = entry.writable_projects(data, actor, month)
choices = ["", *entry.ASSESSMENT_STATUSES]
with st.form(f"{KEY}assess_form_{month}"):
    for p in projects.to_dict("records"):
        required = "" if p["has_indicator"] else f" — {ui.tr('entry_assessment_required')}"
        c1, c2, c3 = st.columns([3, 1, 2])
        c1.text(f"{p['project_no']}. {p['project_name']}{required}")
        current = p["assessment"] or ""
        c2.selectbox(
            ui.tr("entry_assessment"),
            choices,
            index=choices.index(current) if current in choices else 0,
            format_func=partial(_assessment_label, lang=ui.lang(), unset=ui.tr("entry_not_set")),
            key=f"{KEY}a_{month}_{p['project_no']}",
            disabled=locked,
        )
        c3.text_input(
            ui.tr("entry_comment"), value=p["comment"] or "", key=f"{KEY}ac_{month}_{p['project_no']}", disabled=locked
        )
    a_submit = st.form_submit_button(ui.tr("entry_assessment_save"), disabled=locked, icon=":material/save:")
if a_submit:
    try:
        for p in projects.to_dict("records"):
            status = st.session_state.get(f"{KEY}a_{month}_{p['project_no']}") or ""
            comment = st.session_state.get(f"{KEY}ac_{month}_{p['project_no']}") or ""
            if status and (status != (p["assessment"] or "") or comment != (p["comment"] or "")):
                entry.with_retry(
                    engine, entry.save_assessment, actor, year, p["project_no"], month, status, comment, today
                )
    except (PermissionDenied, entry.EntryError) as exc:
        _show_errors(exc)
    else:
        ui.clear_caches()
        st.rerun()

# ---- bulk import (administrators)
if actor.is_admin:
    st.subheader(ui.tr("entry_bulk"))
    st.download_button(
        ui.tr("entry_template"), template_csv(), file_name="actuals_template.csv", mime="text/csv", key=f"{KEY}tpl"
    )
    upload = st.file_uploader(ui.tr("entry_upload"), type=["csv", "xlsx"], key=f"{KEY}upload")
    if upload is not None:
        payload = upload.getvalue()
        try:
            preview = entry.read(engine, entry.preview_import, actor, payload, upload.name, today)
        except FileFormatError as exc:
            st.error(entry.escape_markdown(str(exc)))
        else:
            st.dataframe(preview.rows, hide_index=True, width="stretch")
            if preview.errors:
                st.error(ui.tr("entry_row_errors").format(n=len(preview.errors)))
                st.text("\n".join(str(e) for e in preview.errors))
            elif st.button(ui.tr("entry_commit").format(n=len(preview.rows)), type="primary", key=f"{KEY}commit"):
                try:
                    res = entry.with_retry(engine, entry.commit_import, actor, payload, upload.name, today)
                except (ActualsRejected, PermissionDenied, FileFormatError) as exc:
                    _show_errors(exc)
                else:
                    ui.clear_caches()
                    st.success(ui.tr("entry_imported").format(n=len(res.saved)))
