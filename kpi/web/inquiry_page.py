"""あなたの課の照会's drawing: the department to show, what it owes (each with a link), its
evaluations and their 提出 buttons, the inquiry workbook, and the administrators' section
(open/close the inquiry, reminders, contact e-mails). The page wires them."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from kpi.cycle.inquiry_sheet import (
    InquiryImportRejected,
    departments,
    import_inquiry,
    inquiry_workbook,
    preview_inquiry_import,
    preview_table,
    workbook_filename,
)
from kpi.cycle.reminders import app_url, department_reminders
from kpi.domain.deadline import default_deadline
from kpi.domain.fiscal import Month
from kpi.domain.inquiry import (
    KIND_ORDER,
    Action,
    OwedItem,
    State,
    TransitionRefused,
    allowed_actions,
    owed_by_department,
)
from kpi.domain.permissions import Actor, PermissionDenied, can_write_project
from kpi.domain.plan import PlanData
from kpi.store.inquiry import InquiryInfo, InquiryRejected, StateInfo, apply_action, close_inquiry, open_inquiry
from kpi.store.writes import read, with_retry
from kpi.text.catalog import t
from kpi.text.fmt import plain_markdown
from kpi.text.glance import date_label, size_text
from kpi.text.labels import owed_kind_label, owed_text, state_label
from kpi.text.rating import rating_text
from kpi.web import cache, widgets
from kpi.web.prefs import lang
from kpi.web.words import tr

KEY_DEPARTMENT = "inquiry_department"
KEY_FLASH = "inquiry_flash"
PAGE_OF = {"evaluation": "pages/6_evaluation.py", "entry": "pages/4_entry.py"}


def _workbook(engine: Any, year: int, department: str) -> bytes:
    """Made when the button is clicked, on the download's own thread (so: the engine, not ui)."""
    return read(engine, inquiry_workbook, year, department)


def _done(message: str) -> None:
    cache.clear_caches()
    st.session_state[KEY_FLASH] = message
    st.rerun()


def flash() -> None:
    if KEY_FLASH in st.session_state:
        st.success(st.session_state.pop(KEY_FLASH), icon=":material/check_circle:")


def department_choice(actor: Actor, data: PlanData) -> str | None:
    """The department shown: an admin chooses any 担当部署 (labelled so: it is not theirs);
    an editor sees their own (a chooser only when they have several); None if none."""
    leading = departments(data)
    choices = leading if actor.is_admin else [d for d in actor.departments if d in leading] or list(actor.departments)
    if not choices:
        st.warning(tr("inq_no_department"))
        return None
    label = tr("inq_def_department_admin") if actor.is_admin else tr("inq_def_department_own")
    if not actor.is_admin and st.session_state.get(KEY_DEPARTMENT) not in choices:
        # After a sign-out and a sign-in in the same browser, an editor never inherits the
        # administrator's choice (or its empty one): they start on their own department.
        st.session_state[KEY_DEPARTMENT] = choices[0]
    return st.selectbox(label, choices, index=None if actor.is_admin else 0, placeholder=tr("choose_option"),
                        key=KEY_DEPARTMENT)  # fmt: skip


def owed_list(data: PlanData, items: list[OwedItem], department: str) -> None:
    """What the department owes, by kind, each with a link to the page where it is done."""
    own = owed_by_department(items).get(department, [])
    st.subheader(tr("inq_owes").format(n=len(own)))
    if not own:
        st.success(tr("inq_nothing"))
    for kind in KIND_ORDER:
        of_kind = [i for i in own if i.kind == kind]
        if not of_kind:
            continue
        st.markdown(f"**{t('owed_kind_count', lang()).format(kind=owed_kind_label(kind, lang()), n=len(of_kind))}**")
        for item in of_kind:
            page = PAGE_OF[item.page.split("?")[0]]
            params = {"project": str(item.project_no)} if item.kind == "evaluation" else {}
            st.page_link(
                page,
                label=f"{data.project_labels.get(item.project_no, item.project_name)}: {owed_text(item, lang())}",
                query_params=params,
                icon=":material/arrow_forward:",
            )


def evaluations_table(
    data: PlanData, projects: pd.DataFrame, states: dict[int, StateInfo], evaluations: pd.DataFrame
) -> None:
    """The department's projects: state, rating, a 差戻し comment."""
    st.subheader(tr("inq_evaluations"))
    nos = [int(n) for n in projects["project_no"]]
    table = {
        tr("project"): [data.project_labels[n] for n in nos],
        tr("ev_state"): [state_label(states[n].state, lang()) for n in nos],
        tr("ev_rating"): [
            rating_text(evaluations.loc[n, "rating"], lang()) if n in evaluations.index else rating_text(None, lang())
            for n in nos
        ],
        tr("ev_comment"): [states[n].comment if states[n].state is State.RETURNED else "" for n in nos],
    }
    st.dataframe(pd.DataFrame(table), hide_index=True, width="stretch")


def submit_buttons(
    actor: Actor, year: int, data: PlanData, projects: pd.DataFrame, states: dict[int, StateInfo], is_open: bool
) -> None:
    """A 提出 button for each project the workflow lets the actor submit now."""
    for p in projects.to_dict("records"):
        no = int(p["project_no"])
        writable = can_write_project(actor, p["lead_department"], p["related_departments"] or [])
        allowed = allowed_actions(states[no].state, is_admin=actor.is_admin, can_edit=writable, inquiry_open=is_open)
        if Action.SUBMIT not in allowed:
            continue
        label = tr("inq_submit").format(project=data.project_labels[no])
        if st.button(label, key=f"inquiry_submit_{no}", icon=":material/send:"):
            try:
                with_retry(cache.engine(), apply_action, actor, year, no, "submit")
            except (TransitionRefused, InquiryRejected, PermissionDenied) as exc:
                st.error(plain_markdown(str(exc)))
            else:
                _done(tr("ev_submitted"))


def _preview_table(data: PlanData, preview: Any) -> None:
    st.dataframe(preview_table(preview, lang(), data.project_labels), hide_index=True, width="stretch")


def workbook_section(actor: Actor, year: int, data: PlanData, department: str) -> None:
    """The inquiry workbook: download, fill in a spreadsheet program, upload (previewed first)."""
    st.subheader(tr("inq_sheet"))
    st.download_button(
        tr("inq_download"),
        partial(_workbook, cache.engine(), year, department),
        file_name=workbook_filename(year, department),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="inquiry_download",
        icon=":material/download:",
    )
    upload = st.file_uploader(tr("inq_upload"), type=["xlsx"], key="inquiry_upload")
    if upload is None:
        return
    content = upload.getvalue()
    # Streamlit's own size (「176.0B」) is hidden by app.css: the catalog's takes its place.
    st.caption(tr("bulk_file").format(name=upload.name, size=size_text(len(content), lang())))
    try:
        preview = read(cache.engine(), preview_inquiry_import, actor, content, year, department)
    except (InquiryImportRejected, PermissionDenied) as exc:
        st.error(plain_markdown(str(exc)))
        return
    st.markdown(f"**{tr('inq_preview')}**")
    _preview_table(data, preview)
    if preview.errors:
        st.error("\n\n".join(plain_markdown(e) for e in preview.errors))
    elif not preview.changes:
        st.info(tr("inq_no_change"))
    elif st.button(tr("inq_import"), type="primary", key="inquiry_import"):
        try:
            done = with_retry(cache.engine(), import_inquiry, actor, content, year, department, source=upload.name)
        except (InquiryImportRejected, PermissionDenied) as exc:
            st.error(plain_markdown(str(exc)))
        else:
            _done(tr("inq_imported").format(n=len(done.changes)))


def admin_section(
    actor: Actor, year: int, as_of: Month, data: PlanData, inquiry: InquiryInfo | None, items: list[OwedItem]
) -> None:
    """Administrators: open or close the inquiry, the reminders to copy, contact e-mails."""
    st.divider()
    st.header(tr("inq_admin"))
    c1, c2 = st.columns(2)
    is_open = inquiry is not None and inquiry.is_open
    if is_open:
        assert inquiry is not None
        c1.info(
            tr("inq_def_open_now").format(deadline=date_label(inquiry.deadline, lang())), icon=":material/schedule:"
        )
    # Once open, the form only changes the deadline (opening again is how a deadline moves).
    with c1.form("inquiry_open_form"):
        default = inquiry.deadline if inquiry is not None else default_deadline(data.schedule, year)
        deadline = st.date_input(
            tr("inq_deadline"), value=default, key="inquiry_deadline", help=tr("inq_def_deadline_help")
        )
        if st.form_submit_button(tr("inq_def_deadline_change") if is_open else tr("inq_open"), type="primary"):
            chosen = deadline if isinstance(deadline, date) else default
            try:
                with_retry(cache.engine(), open_inquiry, actor, year, chosen)
            except (InquiryRejected, PermissionDenied) as exc:
                st.error(plain_markdown(str(exc)))
            else:
                _done(tr("inq_opened"))
    if is_open and c2.button(tr("inq_close"), key="inquiry_close"):
        try:
            with_retry(cache.engine(), close_inquiry, actor, year)
        except (InquiryRejected, PermissionDenied) as exc:
            st.error(plain_markdown(str(exc)))
        else:
            _done(tr("inq_closed"))

    st.subheader(tr("inq_reminders"))
    reminders = read(cache.engine(), department_reminders, year, as_of, app_url(), (items, inquiry))
    for r in reminders:
        address = r.email or tr("inq_no_address")
        with st.expander(f"{plain_markdown(r.department)}（{len(r.items)}）— {plain_markdown(address)}"):
            st.code(f"{r.subject}\n\n{r.body}", language=None, wrap_lines=True)

    st.subheader(tr("inq_emails"))
    widgets.department_emails_section(actor, list(departments(data)))
