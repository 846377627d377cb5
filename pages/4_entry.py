"""実績入力: a logged-in editor enters the month's actuals, milestones and self-assessments."""

from datetime import date
from functools import partial
from typing import Any

import streamlit as st

from kpi.domain import clock
from kpi.domain import write_scope as entry_scope
from kpi.domain.fiscal import Month, current_month, fiscal_months
from kpi.domain.frames import is_missing
from kpi.domain.permissions import Actor, PermissionDenied
from kpi.services import actuals_form as entry_actuals
from kpi.services import assessments, bulk_import, milestones
from kpi.services.actuals import MAX_TEXT, ActualsRejected
from kpi.services.actuals_files import FileFormatError, template_csv
from kpi.services.actuals_form import CellInput, EntryRow
from kpi.store.reads import locked_months
from kpi.store.writes import EntryError, read
from kpi.text.fmt import exact, number, plain_markdown, text
from kpi.text.labels import status_text
from kpi.web import auth, cache, frame, markup, nav, prefs, words

KEY = "entry_"  # prefix of this page's session-state keys
REFUSED = (ActualsRejected, PermissionDenied, EntryError)


# Labels are bound when drawn (partial), not read later: AppTest formats options afterwards.
def _month_label(m: str, ja: bool) -> str:
    return Month.parse(m).label_ja() if ja else m


def _assessment_label(s: str, lang: str, unset: str) -> str:
    return status_text(s, lang) if s else unset


def _field_keys(month: Month, codes: list[str]) -> list[str]:
    return [f"{KEY}{p}_{month}_{code}" for code in codes for p in "vnr"]


def _forget_form(month: Month, codes: list[str]) -> None:
    """Drop the form's snapshots and fields: the next run shows the stored values, reasons empty."""
    for key in [k for k in st.session_state if str(k).startswith(f"{KEY}loaded_{month}")]:
        st.session_state.pop(key, None)
    for key in _field_keys(month, codes):
        st.session_state.pop(key, None)


def _errors(exc: Exception) -> tuple[list[str], dict[str, list[str]]]:
    """Every message, and the reasons per indicator code (to mark the rows)."""
    if isinstance(exc, ActualsRejected):
        by_code: dict[str, list[str]] = {}
        for e in exc.errors:
            by_code.setdefault(e.indicator_id, []).append(e.reason)
        return [str(e) for e in exc.errors], by_code
    return [str(exc)], {}


def _save_form(
    engine: Any, actor: Actor, year: int, month: Month, loaded: dict[str, tuple[int, float | None, str]], today: date
) -> None:
    """The form's submit callback: it runs before the page is drawn, so the rows can show the
    result (saved values, cleared reasons, or the errors at each indicator)."""
    state = st.session_state
    cells = [
        CellInput(
            code,
            state.get(f"{KEY}v_{month}_{code}", ""),
            state.get(f"{KEY}n_{month}_{code}", ""),
            state.get(f"{KEY}r_{month}_{code}", ""),
            loaded_revision=rev,
            loaded_value=value0,
            loaded_note=note0,
        )
        for code, (rev, value0, note0) in loaded.items()
    ]
    try:
        result = entry_actuals.submit_month(engine, actor, year, month, cells, today)
    except REFUSED as exc:
        state[f"{KEY}errors"] = (str(month), *_errors(exc))
        return
    cache.clear_caches()
    state.pop(f"{KEY}errors", None)
    state[f"{KEY}result"] = (result, {c.code: str(c.value) for c in cells})
    _forget_form(month, list(loaded))


def _hint(row: EntryRow) -> str:
    return words.tr("entry_flow_hint") if row.accumulation == "flow" else words.tr("entry_level_hint")


def _caption(row: EntryRow) -> str:
    parts = [
        f"{words.tr('unit')}: {row.unit}",
        f"{words.tr('baseline')}: {number(row.baseline, row.unit)}",
        f"{words.tr('target')}: {number(row.target, row.unit)}",
        f"{words.tr('expected')}: {number(row.expected, row.unit)}",
        f"{words.tr('entry_range')}: {number(row.min_value)}〜{number(row.max_value, row.unit)}",
        f"{words.tr('entry_current')}: {number(row.current, row.unit)}"
        + (f"（{plain_markdown(row.author)}）" if row.author else ""),
    ]
    return " ・ ".join(parts)


frame.page_setup()
year, as_of = nav.sidebar()
st.title(words.tr("entry_title"))
data = nav.load(year)
actor = auth.current_actor()
if data is None or year is None:
    st.stop()
if actor is None:
    st.info(words.tr("entry_login_first"), icon=":material/login:")
    st.stop()
if actor.role == "viewer":
    st.info(words.tr("entry_viewer"), icon=":material/visibility:")
    st.stop()

today: date = clock.today()
engine = cache.engine()
months = [m for m in fiscal_months(year) if m <= current_month(today)] or [Month(year, 4)]
default = str(as_of) if as_of in months else str(months[-1])
month = Month.parse(
    st.selectbox(
        words.tr("entry_month"),
        [str(m) for m in months],
        index=[str(m) for m in months].index(default),
        format_func=partial(_month_label, ja=prefs.lang() == "ja"),
        placeholder=words.tr("choose_option"),
        key=f"{KEY}month",
    )
)
locked = str(month) in read(engine, locked_months, year)
if locked:
    st.warning(words.tr("entry_locked"), icon=":material/lock:")

# Thousands of writable indicators: the form opens on one 重点施策 or department at a time.
all_names = dict(zip(data.indicators["code"], data.indicators["name"], strict=True))
scope = ""
if entry_scope.needs_scope(data, actor):
    choices = entry_scope.scope_choices(data, actor)
    labels = {v: (name if kind == "measure" else f"{words.tr('department')}: {name}") for v, kind, name in choices}
    scope = st.selectbox(words.tr("entry_scope"), list(labels), format_func=labels.__getitem__, key=f"{KEY}scope")
    data = data.only_projects(entry_scope.projects_in_scope(data, actor, scope))

# The result of the last save survives the rerun that refreshes the form.
last = st.session_state.pop(f"{KEY}result", None)
if last is not None:
    result, mine = last
    names = all_names
    if result.saved:
        st.success(words.tr("entry_saved").format(n=len(result.saved)), icon=":material/check_circle:")
    elif not result.conflicts:
        st.info(words.tr("entry_nothing"))
    for k in result.conflicts:
        st.error(
            words.tr("entry_conflict").format(
                code=plain_markdown(names.get(k.indicator_id, k.indicator_id)),
                author=plain_markdown(k.their_author),
                value=number(k.their_value),
                mine=plain_markdown(mine.get(k.indicator_id, "")),
            )
        )
    if result.statuses:
        st.markdown(f"**{words.tr('entry_result')}**")
        st.markdown(
            " ".join(markup.chip_html(s, names.get(code, code)) for code, s in sorted(result.statuses.items())),
            unsafe_allow_html=True,
        )

failed = st.session_state.get(f"{KEY}errors")
row_errors: dict[str, list[str]] = {}
if failed is not None and failed[0] == str(month):
    _, lines, row_errors = failed
    st.error(words.tr("entry_rejected") + "\n\n" + "\n".join(f"- {plain_markdown(x)}" for x in lines))

# ---- indicators: one form, one transaction
rows = entry_actuals.entry_rows(data, actor, month)
snap_key = f"{KEY}loaded_{month}{scope}"
if snap_key not in st.session_state:
    # What the form was loaded with: a later save by someone else is a conflict, not an overwrite.
    st.session_state[snap_key] = {r.code: (r.revision, r.current, r.note) for r in rows}
loaded: dict[str, tuple[int, float | None, str]] = st.session_state[snap_key]

st.subheader(words.tr("entry_indicators"))
if not rows:
    st.info(words.tr("entry_no_indicators"))
else:
    with st.form(f"{KEY}form_{month}"):
        for r in rows:
            _rev, value0, note0 = loaded.get(r.code, (0, None, ""))
            shown = None if is_missing(value0) else value0
            with st.container(border=True):
                st.markdown(
                    f"**{plain_markdown(r.name)}** `{r.code}` {markup.chip_html(r.status)}", unsafe_allow_html=True
                )
                st.caption(_caption(r))
                for reason in row_errors.get(r.code, []):
                    st.error(f"{words.tr('entry_row_error')}: {plain_markdown(reason)}", icon=":material/error:")
                c1, c2, c3 = st.columns([1, 2, 2])
                c1.text_input(
                    f"{words.tr('entry_value')}（{r.unit}）",
                    value=exact(shown),
                    key=f"{KEY}v_{month}_{r.code}",
                    disabled=locked,
                    help=_hint(r),
                    placeholder=_hint(r),
                )
                c2.text_input(
                    words.tr("entry_note"),
                    value=note0 or "",
                    key=f"{KEY}n_{month}_{r.code}",
                    disabled=locked,
                    max_chars=MAX_TEXT,
                )
                c3.text_input(
                    words.tr("entry_reason"),
                    key=f"{KEY}r_{month}_{r.code}",
                    disabled=locked or shown is None,
                    max_chars=MAX_TEXT,
                )
        st.form_submit_button(
            words.tr("entry_save"),
            type="primary",
            disabled=locked,
            icon=":material/save:",
            on_click=_save_form,
            args=(engine, actor, year, month, loaded, today),
        )
    if st.button(words.tr("entry_reload"), key=f"{KEY}reload", icon=":material/refresh:"):
        st.session_state.pop(f"{KEY}errors", None)
        _forget_form(month, list(loaded))
        st.rerun()

    for r in rows:
        with st.expander(f"{words.tr('entry_history')}: {r.name}"):
            st.dataframe(cache.actual_history_table(year, r.code), hide_index=True, width="stretch")


def _show_errors(exc: Exception) -> None:
    lines, _ = _errors(exc)
    st.error(words.tr("entry_rejected") + "\n\n" + "\n".join(f"- {plain_markdown(x)}" for x in lines))


# ---- milestones
st.subheader(words.tr("entry_milestones"))
ms = milestones.writable_milestones(data, actor)
if ms.empty:
    st.info(words.tr("entry_no_milestones"))
else:
    with st.form(f"{KEY}ms_form"):
        for m in ms.to_dict("records"):
            done = not is_missing(m["completed_on"])
            label = f"{m['project_no']}. {text(m['item'], '')} {text(m['text'], '')} （{m['month']}）"
            c1, c2, c3 = st.columns([3, 1, 1])
            c1.text(label)
            if done:
                c2.markdown(markup.chip_html("done", str(m["completed_on"])), unsafe_allow_html=True)
                if actor.is_admin:
                    c3.checkbox(words.tr("entry_undo"), key=f"{KEY}ms_undo_{m['code']}")
            else:
                c2.checkbox(words.tr("entry_done"), key=f"{KEY}ms_done_{m['code']}")
                c3.date_input(words.tr("entry_done_on"), value=today, max_value=today, key=f"{KEY}ms_date_{m['code']}")
        ms_submit = st.form_submit_button(words.tr("entry_ms_save"), icon=":material/save:")
    if ms_submit:
        codes = [str(m["code"]) for m in ms.to_dict("records")]
        complete = {
            c: st.session_state.get(f"{KEY}ms_date_{c}") or today
            for c in codes
            if st.session_state.get(f"{KEY}ms_done_{c}")
        }
        undo = [c for c in codes if st.session_state.get(f"{KEY}ms_undo_{c}")]
        try:
            milestones.save_milestones(engine, actor, year, complete, undo, today)
        except REFUSED as exc:
            _show_errors(exc)
        else:
            cache.clear_caches()
            st.rerun()

# ---- monthly self-assessment per project
st.subheader(f"{words.tr('entry_assessment')}（{month.label_ja() if prefs.lang() == 'ja' else month}）")
projects = assessments.writable_projects(data, actor, month)
choices = ["", *assessments.ASSESSMENT_STATUSES]
with st.form(f"{KEY}assess_form_{month}"):
    for p in projects.to_dict("records"):
        required = "" if p["has_indicator"] else f" — {words.tr('entry_assessment_required')}"
        c1, c2, c3 = st.columns([3, 1, 2])
        c1.text(f"{p['project_no']}. {p['project_name']}{required}")
        current = p["assessment"] or ""
        c2.selectbox(
            words.tr("entry_assessment"),
            choices,
            index=choices.index(current) if current in choices else 0,
            format_func=partial(_assessment_label, lang=prefs.lang(), unset=words.tr("entry_not_set")),
            placeholder=words.tr("choose_option"),
            key=f"{KEY}a_{month}_{p['project_no']}",
            disabled=locked,
        )
        c3.text_input(
            words.tr("entry_comment"),
            value=p["comment"] or "",
            key=f"{KEY}ac_{month}_{p['project_no']}",
            disabled=locked,
        )
    a_submit = st.form_submit_button(words.tr("entry_assessment_save"), disabled=locked, icon=":material/save:")
if a_submit:
    changes = []
    for p in projects.to_dict("records"):
        status = st.session_state.get(f"{KEY}a_{month}_{p['project_no']}") or ""
        comment = st.session_state.get(f"{KEY}ac_{month}_{p['project_no']}") or ""
        if status and (status != (p["assessment"] or "") or comment != (p["comment"] or "")):
            changes.append((int(p["project_no"]), status, comment))
    try:
        assessments.save_assessments(engine, actor, year, month, changes, today)
    except REFUSED as exc:
        _show_errors(exc)
    else:
        cache.clear_caches()
        st.rerun()

# ---- bulk import (administrators)
if actor.is_admin:
    st.subheader(words.tr("entry_bulk"))
    st.download_button(
        words.tr("entry_template"), template_csv(), file_name="actuals_template.csv", mime="text/csv", key=f"{KEY}tpl"
    )
    upload = st.file_uploader(words.tr("entry_upload"), type=["csv", "xlsx"], key=f"{KEY}upload")
    reason = st.text_input(words.tr("entry_bulk_reason"), key=f"{KEY}bulk_reason")
    if upload is not None:
        payload = upload.getvalue()
        try:
            preview = read(engine, bulk_import.preview_import, actor, payload, upload.name, today, reason)
        except (FileFormatError, PermissionDenied) as exc:
            st.error(plain_markdown(str(exc)))
        else:
            shown = preview.rows.rename(columns={c: words.tr(f"entry_col_{c}") for c in preview.rows.columns})
            st.dataframe(shown, hide_index=True, width="stretch")
            if preview.corrections:
                st.warning(words.tr("entry_corrections").format(n=preview.corrections), icon=":material/edit:")
            if preview.errors:
                st.error(words.tr("entry_row_errors").format(n=len(preview.errors)))
                st.text("\n".join(str(e) for e in preview.errors))
            elif st.button(words.tr("entry_commit").format(n=len(preview.rows)), type="primary", key=f"{KEY}commit"):
                try:
                    res = bulk_import.submit_import(engine, actor, payload, upload.name, today, reason)
                except (*REFUSED, FileFormatError) as exc:
                    _show_errors(exc)
                else:
                    cache.clear_caches()
                    st.success(words.tr("entry_imported").format(n=len(res.saved)))
