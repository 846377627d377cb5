"""期末評価's drawing: the inquiry line, the chosen project's year review and its workflow
(the form, the buttons ``kpi.domain.inquiry.allowed_actions`` allows, the current evaluation),
and the 総括 table of every project. The page wires them."""

from __future__ import annotations

from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from kpi.cycle.council import council_filename, council_papers
from kpi.cycle.evaluations import (
    YearReview,
    evaluation_history,
    rating_counts,
    save_evaluation,
    state_counts,
    suggestion_reason,
    summary_table,
)
from kpi.cycle.resubmit import save_and_submit
from kpi.cycle.visibility import public_state_counts
from kpi.domain import clock
from kpi.domain.fiscal import Month
from kpi.domain.inquiry import Action, State, TransitionRefused, allowed_actions
from kpi.domain.permissions import PermissionDenied, can_write_project
from kpi.domain.plan import PlanData
from kpi.domain.rating import EvaluationRejected, rating_scale
from kpi.domain.write_scope import first_writable
from kpi.store.inquiry import InquiryInfo, InquiryRejected, StateInfo, apply_action
from kpi.store.writes import read, with_retry
from kpi.text import phrases
from kpi.text.fmt import number, plain_markdown, text
from kpi.text.glance import date_label, day_text
from kpi.text.labels import month_text, public_state_label, state_label, status_text
from kpi.text.rating import UNFILLED, rating_text
from kpi.web import auth, cache, markup, prefs, widgets, words

KEY_PROJECT = "evaluation_project"
KEY_PROJECT_WHO = "evaluation_project_for"  # who the chosen project was chosen for (None: a visitor)
KEY_MEASURES = "evaluation_measures"
KEY_DEPARTMENTS = "evaluation_departments"
KEY_FLASH = "evaluation_flash"
REFUSALS = (EvaluationRejected, PermissionDenied, TransitionRefused, InquiryRejected)


def _numbers(frame: pd.DataFrame, column: str) -> list[str]:
    return [number(v, u) for v, u in zip(frame[column], frame["unit"], strict=True)]


def _review_table(title_key: str, frame: pd.DataFrame, columns: Any) -> None:
    """One table of the year review (indicators, milestones, self-assessments), or 「なし」."""
    st.markdown(f"**{words.tr(title_key)}**")
    if frame.empty:
        st.caption(words.tr("ev_none"))
    else:
        # An HTML table, not st.dataframe: every column (目標値, the reasons) in view at 1280 px,
        # text wrapped between phrases instead of cut off at the table's right edge.
        # In the left column at 1280 px: headers break between phrases, short values (a status,
        # a month, a number) stay on one line, names and notes take the room that is left.
        table = columns(frame)
        header = [phrases.html(h) for h in table]
        prose = {0, *(i for i, h in enumerate(table) if h in (words.tr("ev_note"), words.tr("ev_comment")))}
        cells = [[text(v) for v in col] for col in table.values()]
        rows = [
            # no <wbr> in a short value: Chromium breaks at a <wbr> even under white-space: nowrap
            (
                "",
                [
                    "kpi-name|" + phrases.html(c) if i in prose else "kpi-nowrap|" + markup.esc(c)
                    for i, c in enumerate(row)
                ],
            )
            for row in zip(*cells, strict=True)
        ]
        widgets.table(header, rows, "kpi-review kpi-cards")  # cards on phones: no sideways scroll


def _council(engine: Any, year: int, as_of: Month, fmt: str) -> bytes:
    """The 懇話会 papers; runs on the download's own thread, so it gets the engine, not ui."""
    return read(engine, council_papers, year, as_of, fmt, clock.today())


def _act(year: int, action: str, no: int, comment: str = "", done: str = "") -> None:
    """One workflow step (submit / return / confirm / reopen) for the chosen project."""
    actor = auth.current_actor()
    if actor is None:
        return
    try:
        with_retry(cache.engine(), apply_action, actor, year, no, action, comment)
    except REFUSALS as exc:
        st.error(plain_markdown(str(exc)))
        return
    cache.clear_caches()
    st.session_state[KEY_FLASH] = done
    st.rerun()


def flash() -> None:
    """The message of the last write, shown once after its rerun."""
    if KEY_FLASH in st.session_state:
        st.success(st.session_state.pop(KEY_FLASH), icon=":material/check_circle:")


def inquiry_caption(inquiry: InquiryInfo | None) -> None:
    """「各課照会: 受付中（締切 …）」, closed, or not started."""
    if inquiry is None:
        st.caption(words.tr("ev_inquiry_none"))
    else:
        key = "ev_inquiry_open" if inquiry.is_open else "ev_inquiry_closed"
        st.caption(words.tr(key).format(deadline=date_label(inquiry.deadline, prefs.lang())))


def project_choice(data: PlanData) -> int:
    """The project to evaluate (?project=, else the actor's first writable one)."""
    numbers = [int(n) for n in data.projects["project_no"]]
    actor = auth.current_actor()
    own = first_writable(actor, data)
    # An editor signing in on this page (or after someone else in the same browser) starts on
    # their own project, not on the one the person before was looking at. An administrator,
    # who may write every project, keeps the project in view (e.g. one just submitted).
    who, seen = (actor.username if actor else None), st.session_state.get(KEY_PROJECT_WHO)
    editor = actor is not None and not actor.is_admin
    if KEY_PROJECT_WHO in st.session_state and seen != who and editor and own is not None:
        st.session_state[KEY_PROJECT] = own
    st.session_state[KEY_PROJECT_WHO] = who
    prefs.query_choice(KEY_PROJECT, "project", numbers, numbers[0] if own is None else own)
    no = st.selectbox(
        words.tr("project"),
        numbers,
        placeholder=words.tr("choose_option"),
        key=KEY_PROJECT,
        format_func=data.project_labels.__getitem__,
    )
    assert no is not None  # the selectbox always has a project chosen (query_choice above)
    prefs.set_query_choice(KEY_PROJECT, "project", no)
    return int(no)


def project_header(p: pd.Series, info: StateInfo) -> None:
    """The project's departments, its workflow state and a 差戻し comment."""
    st.caption(f"{words.tr('department')} {plain_markdown(p['lead_department'])}・{words.tr('related_departments')} "
               f"{plain_markdown('・'.join(p['related_departments'] or [])) or '—'}")  # fmt: skip
    st.markdown(f"**{words.tr('ev_state')}**: {_state_word(info.state)}")
    if info.state is State.RETURNED and info.comment:
        st.warning(words.tr("ev_return_notice").format(comment=plain_markdown(info.comment)), icon=":material/undo:")
    if info.state is State.RETURNED and auth.current_actor() is not None:  # what to do next: for staff
        st.caption(words.tr("inq_def_return_next"))


def _state_word(state: State | str) -> str:
    """The workflow state as the reader may see it: in full for staff, 確定 / 未確定 for visitors
    (whose counts are keyed 確定 and kpi.cycle.visibility.PENDING)."""
    if auth.current_actor() is None:
        return public_state_label(state, prefs.lang())
    return state_label(state, prefs.lang())


def year_review_tables(review: YearReview) -> None:
    """The year as the evaluation rests on it: statuses, milestones, self-assessments."""
    st.subheader(words.tr("ev_year_title").format(month=words.month_label(review.year_end)))
    st.markdown(f"{words.tr('project')}: {status_text(review.project_status, prefs.lang())}")
    _review_table(
        "ev_year_indicators",
        review.indicators,
        lambda f: {
            words.tr("indicator"): f["name"],
            words.tr("status"): [status_text(s, prefs.lang()) for s in f["status"]],
            words.tr("month"): [month_text(m, prefs.lang()) for m in f["month"]],
            words.tr("actual"): _numbers(f, "actual"),
            words.tr("target"): _numbers(f, "target"),
            words.tr("ev_note"): [text(n, "") for n in f["note"]],
        },
    )
    _review_table(
        "ev_year_milestones",
        review.milestones,
        lambda f: {
            words.tr("milestone"): f["name"],
            words.tr("month"): [month_text(m, prefs.lang()) for m in f["month"]],
            words.tr("status"): [status_text(s, prefs.lang()) for s in f["status"]],
            words.tr("ev_completed"): [day_text(d, prefs.lang()) for d in f["completed_on"]],
        },
    )
    _review_table(
        "ev_year_assessments",
        review.assessments,
        lambda f: {
            words.tr("month"): [month_text(m, prefs.lang()) for m in f["month"]],
            words.tr("status"): [status_text(s, prefs.lang()) for s in f["status"]],
            words.tr("ev_comment"): [text(c, "") for c in f["comment"]],
        },
    )


def workflow(
    year: int,
    no: int,
    p: pd.Series,
    info: StateInfo,
    inquiry: InquiryInfo | None,
    evaluations: pd.DataFrame,
    review: YearReview,
) -> None:
    """The suggestion, the form and buttons the actor may use now, the current evaluation."""
    scale = rating_scale()
    sug = review.suggestion
    note = words.tr("ev_provisional") if sug.provisional else ""
    rating = rating_text(sug.rating, prefs.lang()) if sug.rating else "—"
    st.info(f"{words.tr('ev_suggested')}{note}: **{rating}** — {suggestion_reason(sug.reason, prefs.lang())}")
    current = evaluations[evaluations["project_no"] == no]
    cur = current.iloc[0] if len(current) else None
    actor = auth.current_actor()
    writable = actor is not None and can_write_project(actor, p["lead_department"], p["related_departments"] or [])
    is_open = inquiry is not None and inquiry.is_open
    is_admin = actor is not None and actor.is_admin
    actions = allowed_actions(info.state, is_admin=is_admin, can_edit=writable, inquiry_open=is_open)
    if Action.SAVE in actions and actor is not None:
        codes = [r.code for r in scale]
        default = codes.index(cur["rating"]) if cur is not None and cur["rating"] in codes else None
        with st.form(f"evaluation_form_{no}"):
            picked_rating = st.radio(
                words.tr("ev_rating"),
                codes,
                index=default,
                format_func=partial(rating_text, lang=prefs.lang()),
                horizontal=True,
                key=f"evaluation_rating_{no}",
            )
            reason = st.text_area(
                words.tr("ev_reason"),
                value=cur["reason"] if cur is not None else "",
                key=f"evaluation_reason_{no}",
            )
            issues = st.text_area(
                words.tr("ev_new_issues"),
                value=cur["new_issues"] if cur is not None else "",
                key=f"evaluation_issues_{no}",
            )
            # A returned (or in-progress) evaluation is corrected and submitted in one step.
            both = Action.SUBMIT in allowed_actions(
                State.IN_PROGRESS, is_admin=is_admin, can_edit=writable, inquiry_open=is_open
            )
            if both and st.form_submit_button(
                words.tr("inq_def_save_submit"), type="primary", key=f"evaluation_save_submit_{no}"
            ):
                try:
                    with_retry(cache.engine(), save_and_submit, actor, year, no, picked_rating or "", reason, issues)
                    cache.clear_caches()
                    st.session_state[KEY_FLASH] = words.tr("inq_def_submitted_next")
                    st.rerun()
                except REFUSALS as exc:
                    st.error(str(exc))
            if st.form_submit_button(
                words.tr("ev_save"), type="secondary" if both else "primary", key=f"evaluation_save_{no}"
            ):
                try:
                    out = with_retry(
                        cache.engine(), save_evaluation, actor, year, no, picked_rating or "", reason, issues
                    )
                    cache.clear_caches()
                    st.session_state[KEY_FLASH] = (
                        words.tr("ev_saved").format(rev=out.revision) if out.changed else words.tr("ev_unchanged")
                    )
                    st.rerun()
                except REFUSALS as exc:
                    st.error(plain_markdown(str(exc)))
        if Action.SUBMIT in actions and st.button(words.tr("ev_submit"), key=f"evaluation_submit_{no}"):
            _act(year, "submit", no, done=words.tr("ev_submitted"))
    elif info.state is State.SUBMITTED:
        st.info(words.tr("ev_waiting"), icon=":material/hourglass_top:")
    elif info.state is State.CONFIRMED:
        st.info(words.tr("ev_locked"), icon=":material/lock:")
    else:
        st.caption(words.tr("ev_readonly"))
    if {Action.RETURN, Action.CONFIRM, Action.REOPEN} & set(actions):
        st.markdown(f"**{words.tr('ev_admin_actions')}**")
        if Action.RETURN in actions:
            comment = st.text_area(words.tr("ev_return_comment"), key=f"evaluation_return_comment_{no}")
            c1, c2 = st.columns(2)
            if c1.button(words.tr("ev_return"), key=f"evaluation_return_{no}"):
                _act(year, "return", no, comment, words.tr("ev_returned"))
            if Action.CONFIRM in actions and c2.button(
                words.tr("ev_confirm"), type="primary", key=f"evaluation_confirm_{no}"
            ):
                _act(year, "confirm", no, done=words.tr("ev_confirmed"))
        elif Action.REOPEN in actions and st.button(words.tr("ev_reopen"), key=f"evaluation_reopen_{no}"):
            _act(year, "reopen", no, done=words.tr("ev_reopened"))

    st.subheader(words.tr("ev_current"))
    if cur is None:
        st.markdown(f"**{words.tr('ev_rating')}**: {rating_text(None, prefs.lang())}")
    else:
        st.markdown(f"**{words.tr('ev_rating')}**: {rating_text(cur['rating'], prefs.lang())}")
        st.markdown(f"**{words.tr('ev_reason')}**")
        st.text(cur["reason"] or "—")
        st.markdown(f"**{words.tr('ev_new_issues')}**")
        st.text(cur["new_issues"] or "—")
        if auth.current_actor() is None:
            return  # the revisions (drafts among them) are for signed-in staff
        with st.expander(words.tr("ev_history")):
            history = read(cache.engine(), evaluation_history, year, no)
            history["rating"] = [rating_text(r, prefs.lang()) for r in history["rating"]]
            # 「reason」 here is the evaluation's 左記の状況・理由等, not a correction reason
            history = history.rename(columns={"rating": "ev_rating", "reason": "ev_reason"})
            history = history.rename(columns={"new_issues": "ev_new_issues"})
            st.dataframe(widgets.display_table(history), hide_index=True, width="stretch")


def summary(
    data: PlanData,
    evaluations: pd.DataFrame,
    states: dict[int, StateInfo],
    inquiry: InquiryInfo | None,
    year: int,
    as_of: Month,
) -> None:
    """総括: counts by rating and state, the council papers, every project's evaluation."""
    measures = data.measures
    f1, f2 = st.columns(2)
    chosen = f1.multiselect(
        words.tr("ev_filter_measure"),
        [int(m) for m in measures["measure_no"]],
        key=KEY_MEASURES,
        placeholder=words.tr("ev_choose"),
        format_func=lambda m: " ".join(measures.loc[measures["measure_no"] == m, ["symbol", "measure_name"]].iloc[0]),
    )
    departments = f2.multiselect(
        words.tr("ev_filter_department"),
        sorted({str(d) for d in data.projects["lead_department"]}),
        key=KEY_DEPARTMENTS,
        placeholder=words.tr("ev_choose"),
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
        statuses=cache.year_end_indicator_statuses(year, as_of),
    )
    st.markdown(f"**{words.tr('ev_counts')}**")
    counts = rating_counts(table)
    cols = st.columns(len(counts))
    for col, (code, n) in zip(cols, counts.items(), strict=True):
        col.metric(rating_text(None if code == UNFILLED else code, prefs.lang()), n)
    st.markdown(f"**{words.tr('ev_state_counts')}**")
    visitor = auth.current_actor() is None
    by_state = public_state_counts(state_counts(table)) if visitor else state_counts(table)
    cols = st.columns(len(by_state))
    for col, (state, n) in zip(cols, by_state.items(), strict=True):
        col.metric(_state_word(state), n)
    overdue = f"⚠ {words.tr('ev_overdue')}"
    # A visitor reads no draft: no ⚠ for what is not written yet, no overdue mark, no time.
    unfilled = "—" if visitor else f"⚠ {rating_text(None, prefs.lang())}"

    def shown_time(r: Any) -> str:
        return str(r.updated_at) if not visitor or r.state == State.CONFIRMED.value else ""

    rows = [
        (
            "",
            [
                # At 1280 px every column in view: names of at most two lines, short words
                # unbroken (「未着手」), the long texts smaller and wrapped between phrases.
                markup.name_cell(data.project_labels.get(r.project_no, f"{r.project_no:02d} {r.project_name}")),
                "kpi-nowrap|" + markup.esc(r.measure),
                "kpi-nowrap kpi-dept|" + markup.esc(r.lead_department),
                # the last change under the state (a column of its own ran off the page at 1280 px)
                "kpi-nowrap|"
                + markup.esc(_state_word(r.state) + (f" {overdue}" if r.overdue and not visitor else ""))
                + (f'<br><span class="kpi-sub">{markup.esc(shown_time(r))}</span>' if shown_time(r) else ""),
                "kpi-nowrap|" + markup.esc(rating_text(r.rating, prefs.lang()) if r.filled else unfilled),
                "kpi-nowrap|" + markup.esc(rating_text(r.suggested, prefs.lang()) if r.suggested else "—"),
                "kpi-why|" + phrases.html(r.reason or "—"),
                "kpi-why|" + phrases.html(r.new_issues or "—"),
            ],
        )
        for r in table.itertuples()
    ]
    # The papers are made when a button is clicked (a few seconds), not on every rerun. They
    # hold every evaluation, drafts included: for signed-in staff only.
    d1, d2 = st.columns(2)
    for col, fmt, mime in (
        ()
        if auth.current_actor() is None
        else (
            (d1, "pdf", "application/pdf"),
            (d2, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )
    ):
        col.download_button(
            words.tr(f"ev_council_{fmt}"),
            partial(_council, cache.engine(), year, as_of, fmt),
            file_name=council_filename(year, fmt),
            mime=mime,
            key=f"evaluation_council_{fmt}",
            icon=":material/description:",
        )
    # An HTML table rather than st.dataframe: every row visible, for the screenshot of 総括.
    # Headers break between phrases: 「新たに生じた課題や特に留意すべき状況の変化等」 in one
    # unbreakable piece was most of the table's width.
    widgets.table(
        [
            phrases.html(h)
            for h in (
                words.tr("project"),
                words.tr("measure"),
                words.tr("department"),
                words.tr("scr_state_updated").format(state=words.tr("ev_state"), updated=words.tr("ev_updated")),
                words.tr("ev_rating"),
                words.tr("ev_suggested"),
                words.tr("ev_reason"),
                words.tr("ev_new_issues"),
            )
        ],
        rows,
        "kpi-council",
    )
