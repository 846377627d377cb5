"""あなたの課の照会: what the department still owes (期末評価 of an open inquiry, missing actuals,
overdue ●, self-assessments), its evaluations' states, the inquiry workbook to download and
upload; for admins, opening/closing the inquiry, the reminders ready to copy and the
departments' contact e-mails."""

from datetime import date, timedelta
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from kpi.cycle.evaluations import department_overview, rating_text
from kpi.cycle.inquiry_sheet import (
    OUTCOME_LABELS,
    InquiryImportRejected,
    departments,
    import_inquiry,
    inquiry_workbook,
    preview_inquiry_import,
    workbook_filename,
)
from kpi.cycle.reminders import app_url, department_reminders
from kpi.domain import clock
from kpi.domain.inquiry import (
    KIND_LABELS,
    KIND_LABELS_EN,
    Action,
    State,
    TransitionRefused,
    allowed_actions,
    state_label,
)
from kpi.domain.permissions import PermissionDenied, can_write_project
from kpi.store.inquiry import InquiryRejected, apply_action, close_inquiry, open_inquiry
from kpi.store.writes import read, with_retry
from kpi.web import auth, cache, frame, nav, prefs, widgets, words

KEY_DEPARTMENT = "inquiry_department"
KEY_FLASH = "inquiry_flash"
PAGE_OF = {"evaluation": "pages/6_evaluation.py", "entry": "pages/4_entry.py"}
DEFAULT_DEADLINE_DAYS = 30

frame.page_setup()
year, as_of = nav.sidebar()
st.title(words.tr("inq_title"))
data = nav.load(year)
actor = auth.current_actor()


def _workbook(engine: Any, year: int, department: str) -> bytes:
    """Made when the button is clicked, on the download's own thread (so: the engine, not ui)."""
    return read(engine, inquiry_workbook, year, department)


def _done(message: str) -> None:
    cache.clear_caches()
    st.session_state[KEY_FLASH] = message
    st.rerun()


if actor is None:
    st.info(words.tr("inq_login"), icon=":material/login:")
    st.stop()
if data is None or year is None:
    st.stop()
if KEY_FLASH in st.session_state:
    st.success(st.session_state.pop(KEY_FLASH), icon=":material/check_circle:")

leading = departments(data)
choices = leading if actor.is_admin else [d for d in actor.departments if d in leading] or list(actor.departments)
if not choices:
    st.warning(words.tr("inq_no_department"))
    st.stop()
department = st.selectbox(
    words.tr("inq_department"), choices, placeholder=words.tr("choose_option"), key=KEY_DEPARTMENT
)

shared = cache.year_end_indicator_statuses(year, as_of)
items, inquiry, states, evaluations = read(cache.engine(), department_overview, year, as_of, data, shared)
evaluations = evaluations.set_index("project_no")
if inquiry is None:
    st.caption(words.tr("ev_inquiry_none"))
else:
    key = "ev_inquiry_open" if inquiry.is_open else "ev_inquiry_closed"
    st.caption(words.tr(key).format(deadline=inquiry.deadline.isoformat()))

# ---- what the department owes, each with a link to the page where it is done
own = [i for i in items if i.department == department]
st.subheader(words.tr("inq_owes").format(n=len(own)))
if not own:
    st.success(words.tr("inq_nothing"))
for kind, label in (KIND_LABELS_EN if prefs.lang() == "en" else KIND_LABELS).items():
    of_kind = [i for i in own if i.kind == kind]
    if not of_kind:
        continue
    st.markdown(f"**{label} ({len(of_kind)})**" if prefs.lang() == "en" else f"**{label}（{len(of_kind)}）**")
    for item in of_kind:
        page = PAGE_OF[item.page.split("?")[0]]
        params = {"project": str(item.project_no)} if item.kind == "evaluation" else {}
        st.page_link(
            page,
            label=f"{data.project_labels.get(item.project_no, item.project_name)}: {item.line(prefs.lang())}",
            query_params=params,
            icon=":material/arrow_forward:",
        )

# ---- the department's evaluations
st.subheader(words.tr("inq_evaluations"))
projects = data.projects[data.projects["lead_department"] == department]
st.dataframe(
    pd.DataFrame(
        {
            words.tr("project"): [data.project_labels[int(n)] for n in projects["project_no"]],
            words.tr("ev_state"): [state_label(states[int(n)].state, prefs.lang()) for n in projects["project_no"]],
            words.tr("ev_rating"): [
                rating_text(evaluations.loc[int(n), "rating"], prefs.lang())
                if int(n) in evaluations.index
                else words.tr("ev_unfilled")
                for n in projects["project_no"]
            ],
            words.tr("ev_comment"): [
                states[int(n)].comment if states[int(n)].state is State.RETURNED else "" for n in projects["project_no"]
            ],
        }
    ),
    hide_index=True,
    width="stretch",
)

is_open = inquiry is not None and inquiry.is_open
for p in projects.to_dict("records"):
    no = int(p["project_no"])
    writable = can_write_project(actor, p["lead_department"], p["related_departments"] or [])
    if Action.SUBMIT not in allowed_actions(
        states[no].state, is_admin=actor.is_admin, can_edit=writable, inquiry_open=is_open
    ):
        continue
    label = words.tr("inq_submit").format(project=data.project_labels[no])
    if st.button(label, key=f"inquiry_submit_{no}", icon=":material/send:"):
        try:
            with_retry(cache.engine(), apply_action, actor, year, no, "submit")
        except (TransitionRefused, InquiryRejected, PermissionDenied) as exc:
            st.error(str(exc))
        else:
            _done(words.tr("ev_submitted"))

# ---- the inquiry workbook: download, fill in a spreadsheet program, upload
if len(projects):
    st.subheader(words.tr("inq_sheet"))
    st.download_button(
        words.tr("inq_download"),
        partial(_workbook, cache.engine(), year, department),
        file_name=workbook_filename(year, department),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="inquiry_download",
        icon=":material/download:",
    )
    upload = st.file_uploader(words.tr("inq_upload"), type=["xlsx"], key="inquiry_upload")
    if upload is not None:
        content = upload.getvalue()
        try:
            preview = read(cache.engine(), preview_inquiry_import, actor, content, year, department)
        except (InquiryImportRejected, PermissionDenied) as exc:
            st.error(str(exc))
        else:
            st.markdown(f"**{words.tr('inq_preview')}**")
            st.dataframe(
                pd.DataFrame(
                    {
                        words.tr("project"): [
                            data.project_labels.get(r.project_no, f"{r.project_no:02d} {r.project_name}")
                            for r in preview.rows
                        ],
                        words.tr("inq_outcome"): [OUTCOME_LABELS[r.outcome] for r in preview.rows],
                        f"{words.tr('inq_workbook')}: {words.tr('ev_rating')}": [
                            rating_text(r.workbook.rating or None) for r in preview.rows
                        ],
                        f"{words.tr('inq_workbook')}: {words.tr('ev_reason')}": [
                            r.workbook.reason for r in preview.rows
                        ],
                        f"{words.tr('inq_database')}: {words.tr('ev_rating')}": [
                            rating_text(r.database.rating or None) for r in preview.rows
                        ],
                        f"{words.tr('inq_database')}: {words.tr('ev_reason')}": [
                            r.database.reason for r in preview.rows
                        ],
                        words.tr("ev_comment"): [r.message for r in preview.rows],
                    }
                ),
                hide_index=True,
                width="stretch",
            )
            if preview.errors:
                st.error("\n\n".join(preview.errors))
            elif not preview.changes:
                st.info(words.tr("inq_no_change"))
            elif st.button(words.tr("inq_import"), type="primary", key="inquiry_import"):
                try:
                    done = with_retry(
                        cache.engine(), import_inquiry, actor, content, year, department, source=upload.name
                    )
                except (InquiryImportRejected, PermissionDenied) as exc:
                    st.error(str(exc))
                else:
                    _done(words.tr("inq_imported").format(n=len(done.changes)))

if not actor.is_admin:
    st.stop()

# ---- administrators: run the inquiry, reminders, contact e-mails
st.divider()
st.header(words.tr("inq_admin"))
c1, c2 = st.columns(2)
with c1.form("inquiry_open_form"):
    default = inquiry.deadline if inquiry is not None else clock.today() + timedelta(days=DEFAULT_DEADLINE_DAYS)
    deadline = st.date_input(words.tr("inq_deadline"), value=default, key="inquiry_deadline")
    if st.form_submit_button(words.tr("inq_open"), type="primary"):
        try:
            with_retry(cache.engine(), open_inquiry, actor, year, deadline if isinstance(deadline, date) else default)
        except (InquiryRejected, PermissionDenied) as exc:
            st.error(str(exc))
        else:
            _done(words.tr("inq_opened"))
if inquiry is not None and inquiry.is_open and c2.button(words.tr("inq_close"), key="inquiry_close"):
    try:
        with_retry(cache.engine(), close_inquiry, actor, year)
    except (InquiryRejected, PermissionDenied) as exc:
        st.error(str(exc))
    else:
        _done(words.tr("inq_closed"))

st.subheader(words.tr("inq_reminders"))
reminders = read(cache.engine(), department_reminders, year, as_of, app_url(), (items, inquiry))
for r in reminders:
    address = r.email or words.tr("inq_no_address")
    with st.expander(f"{r.department}（{len(r.items)}）— {address}"):
        st.code(f"{r.subject}\n\n{r.body}", language=None, wrap_lines=True)

st.subheader(words.tr("inq_emails"))
widgets.department_emails_section(actor, list(leading))
