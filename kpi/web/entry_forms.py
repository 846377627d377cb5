"""実績入力's forms, one function each: the month's indicators (one transaction), milestones,
self-assessments, and the administrators' bulk import. The page wires them."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from kpi.charts.data import format_value
from kpi.domain import write_scope
from kpi.domain.fiscal import Month
from kpi.domain.frames import is_missing
from kpi.domain.numbers import parse_number
from kpi.domain.permissions import Actor, PermissionDenied
from kpi.domain.plan import PlanData
from kpi.services import actuals_form, assessments, bulk_import, milestones, withdraw
from kpi.services.actuals import MAX_TEXT, ActualsRejected
from kpi.services.actuals_files import FileFormatError, template_csv
from kpi.services.actuals_form import CellInput, EntryRow
from kpi.services.entry_page import assessment_changes, entry_months, milestone_changes
from kpi.store.writes import EntryError, StorageFault, read
from kpi.text import labels as catalog_labels
from kpi.text.catalog import t
from kpi.text.fmt import exact, number, plain_markdown, text
from kpi.text.glance import day_text, size_text
from kpi.text.labels import status_text
from kpi.web import cache, markup, nav
from kpi.web.glance import range_text
from kpi.web.prefs import lang
from kpi.web.words import month_label, person, tr

KEY = "entry_"  # prefix of the page's session-state keys
REFUSED = (ActualsRejected, PermissionDenied, EntryError)
Loaded = dict[str, tuple[int, float | None, str]]  # code → (revision, value, note) the form showed


# Labels are bound when drawn (partial), not read later: AppTest formats options afterwards.
def _assessment_label(s: str, lang: str, unset: str) -> str:
    return status_text(s, lang) if s else unset


def _fkey(kind: str, month: Month | str, code: str) -> str:
    return f"{KEY}{kind}_{month}_{code}"


def _field_keys(month: Month, codes: list[str]) -> list[str]:
    return [_fkey(p, month, code) for code in codes for p in "vnr"]


def _forget_form(month: Month, codes: list[str]) -> None:
    """Drop the form's snapshots and fields: the next run shows the stored values, reasons empty."""
    for key in [k for k in st.session_state if str(k).startswith(f"{KEY}loaded_{month}")]:
        st.session_state.pop(key, None)
    for key in _field_keys(month, codes):
        st.session_state.pop(key, None)


def _fill(key: str, value: str) -> str:
    """Put the stored value into a field's state before the field is drawn, once: the field is
    then drawn from its state alone (no ``value=``), so a reload that writes the stored values
    replaces what was typed (a field given ``value=`` kept the typed text after a reload)."""
    if key not in st.session_state:
        st.session_state[key] = value
    return key


def _errors(exc: Exception) -> tuple[list[str], dict[str, list[str]]]:
    """Every message, and the reasons per indicator code (to mark the rows)."""
    if isinstance(exc, ActualsRejected):
        by_code: dict[str, list[str]] = {}
        for e in exc.errors:
            by_code.setdefault(e.indicator_id, []).append(e.reason)
        return [str(e) for e in exc.errors], by_code
    return [str(exc)], {}


def _show_errors(exc: Exception) -> None:
    lines, _ = _errors(exc)
    st.error(tr("entry_rejected") + "\n\n" + "\n".join(f"- {plain_markdown(x)}" for x in lines))


def _save_form(
    engine: Any,
    actor: Actor,
    year: int,
    month: Month,
    loaded: Loaded,
    today: date,
    rows: dict[str, EntryRow] | None = None,
    confirmed: bool = False,
) -> None:
    """The form's submit callback: it runs before the page is drawn, so the rows can show the
    result (saved values, cleared reasons, or the errors at each indicator). A value far from
    the previous month and the planned path is not saved until the user confirms it."""
    state = st.session_state
    cells = [
        CellInput(
            code,
            state.get(_fkey("v", month, code), ""),
            state.get(_fkey("n", month, code), ""),
            state.get(_fkey("r", month, code), ""),
            loaded_revision=rev,
            loaded_value=value0,
            loaded_note=note0,
        )
        for code, (rev, value0, note0) in loaded.items()
    ]
    far = [rows[c.code] for c in cells if rows and c.code in rows and _far(rows[c.code], c)]
    if far and not confirmed:
        state[f"{KEY}unusual"] = (str(month), [(r.code, r.name) for r in far])
        return
    state.pop(f"{KEY}unusual", None)
    try:
        result = actuals_form.submit_month(engine, actor, year, month, cells, today)
    except REFUSED as exc:
        state[f"{KEY}errors"] = (str(month), *_errors(exc))
        if isinstance(exc, StorageFault):
            # The page may not draw while the database is unreachable, and Streamlit drops the
            # state of widgets a run did not draw: keep what was typed outside the widgets.
            state[f"{KEY}typed_{month}"] = {k: state[k] for k in _field_keys(month, list(loaded)) if k in state}
        return
    state.pop(f"{KEY}typed_{month}", None)
    cache.clear_caches()
    state.pop(f"{KEY}errors", None)
    state[f"{KEY}result"] = (result, {c.code: str(c.value) for c in cells})
    by_code = {c.code: c for c in cells}
    state[f"{KEY}cleared"] = [
        (code, str(month), by_code[code].loaded_value, by_code[code].loaded_revision) for code in result.cleared
    ]
    _forget_form(month, list(loaded))


def _far(row: EntryRow, cell: CellInput) -> bool:
    """The typed value is far from the previous month and the planned path (kpi.domain.unusual)."""
    try:
        typed = parse_number(cell.value, row.unit)
    except ValueError:
        return False  # not a number: the save says so
    same = cell.loaded_value is not None and typed is not None and abs(typed - cell.loaded_value) < 1e-9
    return not same and row.unusual(typed)


def _hint(row: EntryRow) -> str:
    return tr("entry_flow_hint") if row.accumulation == "flow" else tr("entry_level_hint")


def _caption(row: EntryRow) -> str:
    """Plan values at the indicator's precision (87.3%, not 87.6667%) and the valid range as
    people say it (「0以上」 when the bound is only the unit's safety limit)."""
    parts = [
        f"{tr('unit')}: {row.unit}",
        f"{tr('baseline')}: {format_value(row.baseline, row.unit)}",
        f"{tr('target')}: {format_value(row.target, row.unit)}",
        f"{tr('expected')}: {format_value(row.expected, row.unit)}",
        f"{tr('entry_range')}: {range_text(row.min_value, row.max_value, row.unit, row.safety_max, lang())}",
        f"{tr('entry_current')}: {format_value(row.current, row.unit)}"
        + (f"（{plain_markdown(person(row.author))}）" if row.author else ""),
    ]
    return " ・ ".join(parts)


def month_choice(year: int, as_of: Month, today: date) -> Month:
    """The month to enter: this year's months up to now, opening on the as-of month."""
    months, default = entry_months(year, as_of, today)
    labels = [str(m) for m in months]
    chosen = st.selectbox(
        tr("entry_month"),
        labels,
        index=labels.index(str(default)),
        format_func=partial(catalog_labels.month_label, lang=lang()),
        placeholder=tr("choose_option"),
        key=f"{KEY}month",
    )
    return Month.parse(str(chosen))


def scope_choice(data: PlanData, actor: Actor) -> tuple[str, PlanData]:
    """Thousands of writable indicators: the form opens on one 重点施策 or department at a time."""
    if not write_scope.needs_scope(data, actor):
        return "", data
    options = write_scope.scope_choices(data, actor)
    labels = {v: (name if kind == "measure" else f"{tr('department')}: {name}") for v, kind, name in options}
    scope = st.selectbox(tr("entry_scope"), list(labels), format_func=labels.__getitem__, key=f"{KEY}scope")
    return scope, data.only_projects(write_scope.projects_in_scope(data, actor, scope))


def last_result(names: dict[str, str]) -> None:
    """The result of the last save: it survives the rerun that refreshes the form."""
    last = st.session_state.pop(f"{KEY}result", None)
    if last is None:
        return
    result, mine = last
    if result.saved:
        st.success(tr("entry_saved").format(n=len(result.saved)), icon=":material/check_circle:")
    elif not result.conflicts and not result.cleared:  # a cleared field is asked about below
        st.info(tr("entry_nothing"))
    for k in result.conflicts:
        st.error(
            tr("entry_conflict").format(
                code=plain_markdown(names.get(k.indicator_id, k.indicator_id)),
                author=plain_markdown(k.their_author),
                value=number(k.their_value),
                mine=plain_markdown(mine.get(k.indicator_id, "")),
            )
        )
    if result.statuses:
        st.markdown(f"**{tr('entry_result')}**")
        st.markdown(
            " ".join(markup.chip_html(s, names.get(code, code)) for code, s in sorted(result.statuses.items())),
            unsafe_allow_html=True,
        )


def actuals_section(
    engine: Any, actor: Actor, data: PlanData, month: Month, scope: str, locked: bool, today: date
) -> None:
    """The month's indicators: one form, one transaction, with the last errors at their rows."""
    failed = st.session_state.get(f"{KEY}errors")
    row_errors: dict[str, list[str]] = {}
    if failed is not None and failed[0] == str(month):
        _, lines, row_errors = failed
        st.error(tr("entry_rejected") + "\n\n" + "\n".join(f"- {plain_markdown(x)}" for x in lines))

    rows = actuals_form.entry_rows(data, actor, month)
    snap_key = f"{KEY}loaded_{month}{scope}"
    if snap_key not in st.session_state:
        # What the form was loaded with: a later save by someone else is a conflict, not an overwrite.
        st.session_state[snap_key] = {r.code: (r.revision, r.current, r.note) for r in rows}
    loaded: Loaded = st.session_state[snap_key]
    for key, value in st.session_state.get(f"{KEY}typed_{month}", {}).items():
        st.session_state.setdefault(key, value)  # typed before a storage fault (_save_form)

    st.subheader(tr("entry_indicators"))
    if not rows:
        st.info(tr("entry_no_indicators"))
        return
    by_code = {r.code: r for r in rows}
    pending = st.session_state.get(f"{KEY}unusual")
    far_codes = {code for code, _ in pending[1]} if pending and pending[0] == str(month) else set()
    if far_codes:
        st.warning(tr("entry_far_ask").format(n=len(far_codes)), icon=":material/warning:")
    cleared_section(engine, actor, by_code, today)
    with st.form(f"{KEY}form_{month}"):
        for r in rows:
            _rev, value0, note0 = loaded.get(r.code, (0, None, ""))
            shown = None if is_missing(value0) else value0
            with st.container(border=True):
                # Staff read names; the id is for administrators (and the CSV template).
                code = f" `{r.code}`" if actor.is_admin else ""
                st.markdown(f"**{plain_markdown(r.name)}**{code} {markup.chip_html(r.status)}", unsafe_allow_html=True)
                st.caption(_caption(r))
                if r.code in far_codes:
                    st.warning(tr("entry_far").format(name=r.name), icon=":material/warning:")
                for reason in row_errors.get(r.code, []):
                    st.error(f"{tr('entry_row_error')}: {plain_markdown(reason)}", icon=":material/error:")
                c1, c2, c3 = st.columns([1, 2, 2])
                c1.text_input(
                    f"{tr('entry_value')}（{r.unit}）",
                    key=_fill(_fkey("v", month, r.code), exact(shown)),
                    disabled=locked,
                    help=_hint(r),
                    placeholder=_hint(r),
                )
                c2.text_input(
                    tr("entry_note"), key=_fill(_fkey("n", month, r.code), note0 or ""), disabled=locked,
                    max_chars=MAX_TEXT,
                )  # fmt: skip
                c3.text_input(
                    tr("entry_reason"), key=_fill(_fkey("r", month, r.code), ""), disabled=locked or shown is None,
                    max_chars=MAX_TEXT,
                )  # fmt: skip
        st.form_submit_button(
            tr("entry_save"),
            type="primary",
            disabled=locked,
            icon=":material/save:",
            on_click=_save_form,
            args=(engine, actor, data.year, month, loaded, today, by_code),
        )
    if far_codes:
        st.button(
            tr("entry_far_confirm"),
            key=f"{KEY}far_confirm",
            icon=":material/done_all:",
            on_click=_save_form,
            args=(engine, actor, data.year, month, loaded, today, by_code, True),
        )
    if st.button(tr("entry_reload"), key=f"{KEY}reload", icon=":material/refresh:"):
        st.session_state.pop(f"{KEY}errors", None)
        st.session_state.pop(f"{KEY}unusual", None)
        cache.clear_caches()  # what is stored now, not what this session read before
        _forget_form(month, list(loaded))
        for r in actuals_form.entry_rows(nav.load(data.year) or data, actor, month):
            if r.code in loaded:  # every field replaced by what is stored
                st.session_state[_fkey("v", month, r.code)] = exact(r.current)
                st.session_state[_fkey("n", month, r.code)] = r.note
                st.session_state[_fkey("r", month, r.code)] = ""
        st.rerun()
    for r in rows:
        with st.expander(f"{tr('entry_history')}: {plain_markdown(r.name)}"):
            st.dataframe(cache.actual_history_table(data.year, r.code), hide_index=True, width="stretch")


def cleared_section(engine: Any, actor: Actor, rows: dict[str, EntryRow], today: date) -> None:
    """A field of a stored value was emptied: keep the value, or withdraw it (取消, with a reason)."""
    pending = st.session_state.get(f"{KEY}cleared") or []
    for code, month, value, revision in list(pending):
        row = rows.get(code)
        name = row.name if row else code
        shown = format_value(value, row.unit if row else "")
        with st.container(border=True):
            st.warning(tr("entry_cleared").format(name=name, value=shown), icon=":material/help:")
            reason = st.text_input(tr("entry_withdraw_reason"), key=f"{KEY}wd_reason_{code}_{month}")
            c1, c2 = st.columns(2)
            if c1.button(tr("entry_keep"), key=f"{KEY}keep_{code}_{month}", icon=":material/undo:"):
                _drop_cleared(code, month)
                st.session_state[f"{KEY}notice"] = tr("entry_kept").format(name=name, value=shown)
                st.rerun()
            if c2.button(tr("entry_withdraw"), key=f"{KEY}withdraw_{code}_{month}", icon=":material/delete:"):
                try:
                    withdraw.submit_withdraw(engine, actor, code, month, reason, today, revision)
                except REFUSED as exc:
                    _show_errors(exc)
                else:
                    _drop_cleared(code, month)
                    cache.clear_caches()
                    _forget_form(Month.parse(month), list(rows))
                    st.session_state[f"{KEY}notice"] = tr("entry_withdrawn").format(name=name, value=shown)
                    st.rerun()
    notice = st.session_state.pop(f"{KEY}notice", None)
    if notice:
        st.success(notice, icon=":material/check_circle:")


def _drop_cleared(code: str, month: str) -> None:
    st.session_state[f"{KEY}cleared"] = [
        p for p in st.session_state.get(f"{KEY}cleared") or [] if (p[0], p[1]) != (code, month)
    ]


def milestones_section(engine: Any, actor: Actor, data: PlanData, today: date) -> None:
    """The writable milestones: tick 完了 (with its date), or undo one (administrators)."""
    st.subheader(tr("entry_milestones"))
    ms = milestones.writable_milestones(data, actor)
    if ms.empty:
        st.info(tr("entry_no_milestones"))
        return
    with st.form(f"{KEY}ms_form"):
        for m in ms.to_dict("records"):
            done = not is_missing(m["completed_on"])
            due = catalog_labels.month_text(m["month"], lang())
            label = f"{m['project_no']}. {text(m['item'], '')} {text(m['text'], '')} （{due}）"
            c1, c2, c3 = st.columns([3, 1, 1])
            c1.text(label)
            if done:
                c2.markdown(markup.chip_html("done", day_text(m["completed_on"], lang())), unsafe_allow_html=True)
                if actor.is_admin:
                    c3.checkbox(tr("entry_undo"), key=f"{KEY}ms_undo_{m['code']}")
            else:
                c2.checkbox(tr("entry_done"), key=f"{KEY}ms_done_{m['code']}")
                c3.date_input(tr("entry_done_on"), value=today, max_value=today, key=f"{KEY}ms_date_{m['code']}")
        submitted = st.form_submit_button(tr("entry_ms_save"), icon=":material/save:")
    if submitted:
        state = st.session_state
        codes = [str(c) for c in ms["code"]]
        complete, undo = milestone_changes(
            codes,
            {c: bool(state.get(f"{KEY}ms_done_{c}")) for c in codes},
            {c: state.get(f"{KEY}ms_date_{c}") for c in codes},
            {c: bool(state.get(f"{KEY}ms_undo_{c}")) for c in codes},
            today,
        )
        try:
            milestones.save_milestones(engine, actor, data.year, complete, undo, today)
        except REFUSED as exc:
            _show_errors(exc)
        else:
            cache.clear_caches()
            st.rerun()


def assessments_section(engine: Any, actor: Actor, data: PlanData, month: Month, locked: bool, today: date) -> None:
    """The month's self-assessment of each writable project."""
    st.subheader(tr("entry_assessment_of").format(month=month_label(month)))
    projects = assessments.writable_projects(data, actor, month).to_dict("records")
    statuses = ["", *assessments.ASSESSMENT_STATUSES]
    with st.form(f"{KEY}assess_form_{month}"):
        for p in projects:
            required = "" if p["has_indicator"] else f" — {tr('entry_assessment_required')}"
            c1, c2, c3 = st.columns([3, 1, 2])
            c1.text(f"{p['project_no']}. {p['project_name']}{required}")
            current = p["assessment"] or ""
            c2.selectbox(
                tr("entry_assessment"),
                statuses,
                index=statuses.index(current) if current in statuses else 0,
                format_func=partial(_assessment_label, lang=lang(), unset=tr("entry_not_set")),
                placeholder=tr("choose_option"),
                key=f"{KEY}a_{month}_{p['project_no']}",
                disabled=locked,
            )
            c3.text_input(
                tr("entry_comment"), value=p["comment"] or "", key=f"{KEY}ac_{month}_{p['project_no']}", disabled=locked
            )
        submitted = st.form_submit_button(tr("entry_assessment_save"), disabled=locked, icon=":material/save:")
    if submitted:
        state = st.session_state
        nos = [int(p["project_no"]) for p in projects]
        changes = assessment_changes(
            projects,
            {n: state.get(f"{KEY}a_{month}_{n}") or "" for n in nos},
            {n: state.get(f"{KEY}ac_{month}_{n}") or "" for n in nos},
        )
        try:
            assessments.save_assessments(engine, actor, data.year, month, changes, today)
        except REFUSED as exc:
            _show_errors(exc)
        else:
            cache.clear_caches()
            st.rerun()


# What a row will do comes right after its value: at 1280 px 「変更 78 → 1,234」 was cut off at
# the grid's right edge behind the file's own columns; the id (for the file) goes last.
PREVIEW_ORDER = ("line", "name", "month", "value", "change", "warning", "note", "reason", "error", "indicator_id")


def preview_view(rows: pd.DataFrame, language: str) -> pd.DataFrame:
    """The bulk preview as people read it: months in words, what each row does first, and the
    catalog's column names."""
    shown = rows.assign(month=[catalog_labels.month_text(m, language) for m in rows["month"]])
    shown = shown[[c for c in PREVIEW_ORDER if c in shown.columns]]
    return shown.rename(columns={c: t(f"entry_col_{c}", language) for c in shown.columns})


def bulk_import_section(engine: Any, actor: Actor, today: date) -> None:
    """Administrators: a CSV/Excel file of actuals, previewed, then saved in one transaction.

    After an import the file and its preview are gone (the uploader gets a new key) and the
    result stays on the page with a link to the changes."""
    st.subheader(tr("entry_bulk"))
    st.download_button(
        tr("entry_template"), template_csv(), file_name="actuals_template.csv", mime="text/csv", key=f"{KEY}tpl"
    )
    st.caption(tr("bulk_note_rule"))
    done = st.session_state.get(f"{KEY}bulk_done")
    if done:
        st.success(done, icon=":material/check_circle:")
        st.page_link("pages/7_history.py", label=tr("bulk_see_changes"), icon=":material/history:")
    generation = int(st.session_state.get(f"{KEY}bulk_gen", 0))
    upload = st.file_uploader(tr("entry_upload"), type=["csv", "xlsx"], key=f"{KEY}upload_{generation}")
    if upload is None:
        return
    st.session_state.pop(f"{KEY}bulk_done", None)
    reason = st.text_input(tr("entry_bulk_reason"), key=f"{KEY}bulk_reason_{generation}")
    payload = upload.getvalue()
    st.caption(tr("bulk_file").format(name=upload.name, size=size_text(len(payload), lang())))
    try:
        preview = read(engine, bulk_import.preview_import, actor, payload, upload.name, today, reason, lang())
    except (FileFormatError, PermissionDenied) as exc:
        st.error(plain_markdown(str(exc)))
        return
    st.dataframe(preview_view(preview.rows, lang()), hide_index=True, width="stretch")
    if preview.corrections:
        st.warning(tr("entry_corrections").format(n=preview.corrections), icon=":material/edit:")
    if preview.unchanged:
        st.info(tr("bulk_unchanged").format(n=preview.unchanged))
    if preview.errors:
        st.error(tr("entry_row_errors").format(n=len(preview.errors)))
        st.text("\n".join(str(e) for e in preview.errors))
        return
    checked = True
    if preview.far:
        st.warning(tr("bulk_far_ask").format(n=preview.far), icon=":material/warning:")
        checked = st.checkbox(tr("bulk_far_confirm"), key=f"{KEY}bulk_far_{generation}")
    if st.button(
        tr("entry_commit").format(n=len(preview.rows)), type="primary", key=f"{KEY}commit", disabled=not checked
    ):
        try:
            res = bulk_import.submit_import(engine, actor, payload, upload.name, today, reason)
        except (*REFUSED, FileFormatError) as exc:
            _show_errors(exc)
        else:
            cache.clear_caches()
            message = tr("entry_imported").format(n=len(res.saved))
            if res.unchanged:
                message += " " + tr("bulk_unchanged").format(n=len(res.unchanged))
            st.session_state[f"{KEY}bulk_done"] = message
            st.session_state[f"{KEY}bulk_gen"] = generation + 1  # a new, empty uploader
            st.rerun()
