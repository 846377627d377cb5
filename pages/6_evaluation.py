"""期末評価: per project 実績の検証評価 / 左記の状況・理由等 / 新たに生じた課題 next to the year
(statuses, values against targets, milestones, self-assessments, notes, suggested rating),
its workflow (入力中 → 提出済 → 確定, 差戻し), and the 総括 table of every project."""

from datetime import date
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from kpi import clock, ui
from kpi.council import council_filename, council_papers
from kpi.entry_scope import first_writable
from kpi.evaluation import (
    EvaluationRejected,
    evaluation_history,
    evaluation_overview,
    rating_counts,
    rating_scale,
    rating_text,
    save_evaluation,
    state_counts,
    suggestion_reason,
    summary_table,
    year_review,
)
from kpi.fiscal import Month
from kpi.fmt import number, text
from kpi.inquiry import OPEN_STATES, State, TransitionRefused, state_label
from kpi.inquiry_store import InquiryRejected, apply_action
from kpi.labels import status_text
from kpi.permissions import PermissionDenied, can_write_project
from kpi.writes import read, with_retry

KEY_PROJECT = "evaluation_project"
KEY_MEASURES = "evaluation_measures"
KEY_DEPARTMENTS = "evaluation_departments"
KEY_FLASH = "evaluation_flash"
REFUSALS = (EvaluationRejected, PermissionDenied, TransitionRefused, InquiryRejected)

ui.page_setup()
year, as_of = ui.sidebar()
st.title(ui.tr("ev_title"))
data = ui.load(year)


def _date(d: date) -> str:
    return d.isoformat()


def _numbers(frame: pd.DataFrame, column: str) -> list[str]:
    return [number(v, u) for v, u in zip(frame[column], frame["unit"], strict=True)]


def _review_table(title_key: str, frame: pd.DataFrame, columns: Any) -> None:
    """One table of the year review (indicators, milestones, self-assessments), or 「なし」."""
    st.markdown(f"**{ui.tr(title_key)}**")
    if frame.empty:
        st.caption(ui.tr("ev_none"))
    else:
        st.dataframe(pd.DataFrame(columns(frame)), hide_index=True, width="stretch")


def _council(engine: Any, year: int, as_of: Month, fmt: str) -> bytes:
    """The 懇話会 papers; runs on the download's own thread, so it gets the engine, not ui."""
    return read(engine, council_papers, year, as_of, fmt, clock.today())


def _act(action: str, no: int, comment: str = "", done: str = "") -> None:
    """One workflow step (submit / return / confirm / reopen) for the chosen project."""
    actor = ui.current_actor()
    if actor is None or year is None:
        return
    try:
        with_retry(ui.engine(), apply_action, actor, year, no, action, comment)
    except REFUSALS as exc:
        st.error(str(exc))
        return
    ui.clear_caches()
    st.session_state[KEY_FLASH] = done
    st.rerun()


if data is not None and year is not None:
    evaluations, states, inquiry = read(ui.engine(), evaluation_overview, year)
    scale = rating_scale()
    if KEY_FLASH in st.session_state:
        st.success(st.session_state.pop(KEY_FLASH), icon=":material/check_circle:")
    if inquiry is None:
        st.caption(ui.tr("ev_inquiry_none"))
    else:
        key = "ev_inquiry_open" if inquiry.is_open else "ev_inquiry_closed"
        st.caption(ui.tr(key).format(deadline=_date(inquiry.deadline)))
    form_tab, summary_tab = st.tabs([ui.tr("ev_form"), ui.tr("ev_summary")], key="evaluation_tabs")

    with form_tab:
        plan = data.projects.set_index("project_no")
        numbers = [int(n) for n in data.projects["project_no"]]
        own = first_writable(ui.current_actor(), data)
        ui.query_choice(KEY_PROJECT, "project", numbers, numbers[0] if own is None else own)
        no = st.selectbox(
            ui.tr("project"),
            numbers,
            placeholder=ui.tr("choose_option"),
            key=KEY_PROJECT,
            format_func=lambda n: data.project_labels[n],
        )
        ui.set_query_choice(KEY_PROJECT, "project", no)
        p = plan.loc[no]
        st.caption(f"{ui.tr('department')} {p['lead_department']}・{ui.tr('related_departments')} "
                   f"{'・'.join(p['related_departments'] or []) or '—'}")  # fmt: skip
        info = states[no]
        st.markdown(f"**{ui.tr('ev_state')}**: {state_label(info.state, ui.lang())}")
        if info.state is State.RETURNED and info.comment:
            st.warning(ui.tr("ev_return_notice").format(comment=info.comment), icon=":material/undo:")

        review = year_review(data, as_of, no)
        left, right = st.columns([3, 2])
        with left:
            st.subheader(ui.tr("ev_year_title").format(month=ui.month_label(review.year_end)))
            st.markdown(f"{ui.tr('project')}: {status_text(review.project_status, ui.lang())}")
            _review_table(
                "ev_year_indicators",
                review.indicators,
                lambda f: {
                    ui.tr("indicator"): f["name"],
                    ui.tr("status"): [status_text(s, ui.lang()) for s in f["status"]],
                    ui.tr("month"): [text(m) for m in f["month"]],
                    ui.tr("actual"): _numbers(f, "actual"),
                    ui.tr("target"): _numbers(f, "target"),
                    ui.tr("ev_note"): [text(n, "") for n in f["note"]],
                },
            )
            _review_table(
                "ev_year_milestones",
                review.milestones,
                lambda f: {
                    ui.tr("milestone"): f["name"],
                    ui.tr("month"): f["month"],
                    ui.tr("status"): [status_text(s, ui.lang()) for s in f["status"]],
                    ui.tr("ev_completed"): [text(d) for d in f["completed_on"]],
                },
            )
            _review_table(
                "ev_year_assessments",
                review.assessments,
                lambda f: {
                    ui.tr("month"): f["month"],
                    ui.tr("status"): [status_text(s, ui.lang()) for s in f["status"]],
                    ui.tr("ev_comment"): [text(c, "") for c in f["comment"]],
                },
            )
        with right:
            sug = review.suggestion
            note = ui.tr("ev_provisional") if sug.provisional else ""
            st.info(
                f"{ui.tr('ev_suggested')}{note}: **{rating_text(sug.rating, ui.lang()) if sug.rating else '—'}** — "
                f"{suggestion_reason(sug.reason, ui.lang())}"
            )
            current = evaluations[evaluations["project_no"] == no]
            cur = current.iloc[0] if len(current) else None
            actor = ui.current_actor()
            writable = actor is not None and can_write_project(
                actor, p["lead_department"], p["related_departments"] or []
            )
            if writable and actor is not None and info.state in OPEN_STATES:
                codes = [r.code for r in scale]
                default = codes.index(cur["rating"]) if cur is not None and cur["rating"] in codes else None
                with st.form(f"evaluation_form_{no}"):
                    rating = st.radio(
                        ui.tr("ev_rating"),
                        codes,
                        index=default,
                        format_func=partial(rating_text, lang=ui.lang()),
                        horizontal=True,
                        key=f"evaluation_rating_{no}",
                    )
                    reason = st.text_area(
                        ui.tr("ev_reason"),
                        value=cur["reason"] if cur is not None else "",
                        key=f"evaluation_reason_{no}",
                    )
                    issues = st.text_area(
                        ui.tr("ev_new_issues"),
                        value=cur["new_issues"] if cur is not None else "",
                        key=f"evaluation_issues_{no}",
                    )
                    if st.form_submit_button(ui.tr("ev_save"), type="primary", key=f"evaluation_save_{no}"):
                        try:
                            out = with_retry(
                                ui.engine(), save_evaluation, actor, year, no, rating or "", reason, issues
                            )
                            ui.clear_caches()
                            st.session_state[KEY_FLASH] = (
                                ui.tr("ev_saved").format(rev=out.revision) if out.changed else ui.tr("ev_unchanged")
                            )
                            st.rerun()
                        except REFUSALS as exc:
                            st.error(str(exc))
                can_submit = info.state is State.IN_PROGRESS and inquiry is not None and inquiry.is_open
                if can_submit and st.button(ui.tr("ev_submit"), key=f"evaluation_submit_{no}"):
                    _act("submit", no, done=ui.tr("ev_submitted"))
            elif info.state is State.SUBMITTED:
                st.info(ui.tr("ev_waiting"), icon=":material/hourglass_top:")
            elif info.state is State.CONFIRMED:
                st.info(ui.tr("ev_locked"), icon=":material/lock:")
            else:
                st.caption(ui.tr("ev_readonly"))
            if actor is not None and actor.is_admin and info.state in (State.SUBMITTED, State.CONFIRMED):
                st.markdown(f"**{ui.tr('ev_admin_actions')}**")
                if info.state is State.SUBMITTED:
                    comment = st.text_area(ui.tr("ev_return_comment"), key=f"evaluation_return_comment_{no}")
                    c1, c2 = st.columns(2)
                    if c1.button(ui.tr("ev_return"), key=f"evaluation_return_{no}"):
                        _act("return", no, comment, ui.tr("ev_returned"))
                    if c2.button(ui.tr("ev_confirm"), type="primary", key=f"evaluation_confirm_{no}"):
                        _act("confirm", no, done=ui.tr("ev_confirmed"))
                elif st.button(ui.tr("ev_reopen"), key=f"evaluation_reopen_{no}"):
                    _act("reopen", no, done=ui.tr("ev_reopened"))

            st.subheader(ui.tr("ev_current"))
            if cur is None:
                st.markdown(f"**{ui.tr('ev_rating')}**: {ui.tr('ev_unfilled')}")
            else:
                st.markdown(f"**{ui.tr('ev_rating')}**: {rating_text(cur['rating'], ui.lang())}")
                st.markdown(f"**{ui.tr('ev_reason')}**")
                st.text(cur["reason"] or "—")
                st.markdown(f"**{ui.tr('ev_new_issues')}**")
                st.text(cur["new_issues"] or "—")
                with st.expander(ui.tr("ev_history")):
                    history = read(ui.engine(), evaluation_history, year, no)
                    history["rating"] = [rating_text(r, ui.lang()) for r in history["rating"]]
                    # 「reason」 here is the evaluation's 左記の状況・理由等, not a correction reason
                    history = history.rename(columns={"rating": "ev_rating", "reason": "ev_reason"})
                    history = history.rename(columns={"new_issues": "ev_new_issues"})
                    st.dataframe(ui.display_table(history), hide_index=True, width="stretch")

    with summary_tab:
        measures = data.measures
        f1, f2 = st.columns(2)
        chosen = f1.multiselect(
            ui.tr("ev_filter_measure"),
            [int(m) for m in measures["measure_no"]],
            key=KEY_MEASURES,
            placeholder=ui.tr("ev_choose"),
            format_func=lambda m: " ".join(
                measures.loc[measures["measure_no"] == m, ["symbol", "measure_name"]].iloc[0]
            ),
        )
        departments = f2.multiselect(
            ui.tr("ev_filter_department"),
            sorted({str(d) for d in data.projects["lead_department"]}),
            key=KEY_DEPARTMENTS,
            placeholder=ui.tr("ev_choose"),
        )
        table = summary_table(
            data,
            evaluations,
            as_of,
            chosen or None,
            states={n: s.state for n, s in states.items()},
            departments=departments or None,
            deadline=inquiry.deadline if inquiry is not None else None,
            today=clock.today(),
            statuses=ui.year_end_indicator_statuses(year, as_of),
        )
        st.markdown(f"**{ui.tr('ev_counts')}**")
        counts = rating_counts(table)
        cols = st.columns(len(counts))
        for col, (code, n) in zip(cols, counts.items(), strict=True):
            col.metric(rating_text(code, ui.lang()) if code != "未記入" else ui.tr("ev_unfilled"), n)
        st.markdown(f"**{ui.tr('ev_state_counts')}**")
        by_state = state_counts(table)
        cols = st.columns(len(by_state))
        for col, (state, n) in zip(cols, by_state.items(), strict=True):
            col.metric(state_label(state, ui.lang()), n)
        overdue = f"⚠ {ui.tr('ev_overdue')}"
        rows = [
            (
                "",
                [
                    ui.esc(data.project_labels.get(r.project_no, f"{r.project_no:02d} {r.project_name}")),
                    ui.esc(r.measure),
                    ui.esc(r.lead_department),
                    ui.esc(state_label(r.state, ui.lang()) + (f" {overdue}" if r.overdue else "")),
                    ui.esc(rating_text(r.rating, ui.lang()) if r.filled else f"⚠ {ui.tr('ev_unfilled')}"),
                    ui.esc(rating_text(r.suggested, ui.lang()) if r.suggested else "—"),
                    ui.esc(r.reason or "—"),
                    ui.esc(r.new_issues or "—"),
                    ui.esc(r.updated_at or "—"),
                ],
            )
            for r in table.itertuples()
        ]
        # The papers are made when a button is clicked (a few seconds), not on every rerun.
        d1, d2 = st.columns(2)
        for col, fmt, mime in (
            (d1, "pdf", "application/pdf"),
            (d2, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ):
            col.download_button(
                ui.tr(f"ev_council_{fmt}"),
                partial(_council, ui.engine(), year, as_of, fmt),
                file_name=council_filename(year, fmt),
                mime=mime,
                key=f"evaluation_council_{fmt}",
                icon=":material/description:",
            )
        # An HTML table rather than st.dataframe: every row visible, for the screenshot of 総括.
        ui.table(
            [
                ui.tr("project"),
                ui.tr("measure"),
                ui.tr("department"),
                ui.tr("ev_state"),
                ui.tr("ev_rating"),
                ui.tr("ev_suggested"),
                ui.tr("ev_reason"),
                ui.tr("ev_new_issues"),
                ui.tr("ev_updated"),
            ],
            rows,
        )
