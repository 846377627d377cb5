"""期末評価: per project 実績の検証評価 / 左記の状況・理由等 / 新たに生じた課題, with a suggested
rating from the statuses; and the 総括 table of every project (経営戦略課's May summary)."""

import pandas as pd
import streamlit as st

from kpi import ui
from kpi.db import transaction
from kpi.evaluation import (
    EvaluationRejected,
    current_evaluations,
    evaluation_history,
    rating_counts,
    rating_scale,
    rating_text,
    save_evaluation,
    suggestions,
    summary_table,
)
from kpi.permissions import PermissionDenied, can_write_project

KEY_PROJECT = "evaluation_project"
KEY_MEASURES = "evaluation_measures"

ui.page_setup()
year, as_of = ui.sidebar()
st.title(ui.tr("ev_title"))
data = ui.load(year)
if data is not None and year is not None:
    with transaction(ui.engine()) as session:
        evaluations = current_evaluations(session, year)
    suggested = suggestions(data, as_of)
    scale = rating_scale()
    form_tab, summary_tab = st.tabs([ui.tr("ev_form"), ui.tr("ev_summary")])

    with form_tab:
        plan = data.projects.set_index("project_no")
        numbers = [int(n) for n in data.projects["project_no"]]
        no = st.selectbox(
            ui.tr("project"), numbers, key=KEY_PROJECT, format_func=lambda n: f"{n:02d} {plan.loc[n, 'project_name']}"
        )
        p = plan.loc[no]
        st.caption(f"{ui.tr('department')} {p['lead_department']}・{ui.tr('related_departments')} "
                   f"{'・'.join(p['related_departments'] or []) or '—'}")  # fmt: skip
        sug = suggested[no]
        note = ui.tr("ev_provisional") if sug.provisional else ""
        st.info(f"{ui.tr('ev_suggested')}{note}: **{rating_text(sug.rating) if sug.rating else '—'}** — {sug.reason}")
        current = evaluations[evaluations["project_no"] == no]
        cur = current.iloc[0] if len(current) else None
        actor = ui.current_actor()
        writable = actor is not None and can_write_project(actor, p["lead_department"], p["related_departments"] or [])
        if writable and actor is not None:
            codes = [r.code for r in scale]
            default = codes.index(cur["rating"]) if cur is not None and cur["rating"] in codes else None
            with st.form(f"evaluation_form_{no}"):
                rating = st.radio(
                    ui.tr("ev_rating"),
                    codes,
                    index=default,
                    format_func=rating_text,
                    horizontal=True,
                    key=f"evaluation_rating_{no}",
                )
                reason = st.text_area(
                    ui.tr("ev_reason"), value=cur["reason"] if cur is not None else "", key=f"evaluation_reason_{no}"
                )
                issues = st.text_area(
                    ui.tr("ev_new_issues"),
                    value=cur["new_issues"] if cur is not None else "",
                    key=f"evaluation_issues_{no}",
                )
                if st.form_submit_button(ui.tr("ev_save"), type="primary", key=f"evaluation_save_{no}"):
                    try:
                        with transaction(ui.engine()) as session:
                            out = save_evaluation(session, actor, year, no, rating or "", reason, issues)
                        ui.clear_caches()
                        st.success(ui.tr("ev_saved").format(rev=out.revision) if out.changed else ui.tr("ev_unchanged"))
                        if out.changed:
                            st.rerun()
                    except (EvaluationRejected, PermissionDenied) as exc:
                        st.error(str(exc))
        else:
            st.caption(ui.tr("ev_readonly"))
        st.subheader(ui.tr("ev_current"))
        if cur is None:
            st.markdown(f"**{ui.tr('ev_rating')}**: {ui.tr('ev_unfilled')}")
        else:
            st.markdown(f"**{ui.tr('ev_rating')}**: {rating_text(cur['rating'])}")
            st.markdown(f"**{ui.tr('ev_reason')}**\n\n{cur['reason'] or '—'}")
            st.markdown(f"**{ui.tr('ev_new_issues')}**\n\n{cur['new_issues'] or '—'}")
            with st.expander(ui.tr("ev_history")):
                with transaction(ui.engine()) as session:
                    history = evaluation_history(session, year, no)
                st.dataframe(history, hide_index=True, width="stretch")

    with summary_tab:
        measures = data.measures
        chosen = st.multiselect(
            ui.tr("ev_filter_measure"),
            [int(m) for m in measures["measure_no"]],
            key=KEY_MEASURES,
            format_func=lambda m: " ".join(
                measures.loc[measures["measure_no"] == m, ["symbol", "measure_name"]].iloc[0]
            ),
        )
        table = summary_table(data, evaluations, as_of, chosen or None)
        counts = rating_counts(table)
        st.markdown(f"**{ui.tr('ev_counts')}**")
        cols = st.columns(len(counts))
        for col, (code, n) in zip(cols, counts.items(), strict=True):
            col.metric(rating_text(code) if code != "未記入" else ui.tr("ev_unfilled"), n)
        shown = pd.DataFrame(
            {
                ui.tr("project"): [
                    f"{n:02d} {name}" for n, name in zip(table["project_no"], table["project_name"], strict=True)
                ],
                ui.tr("measure"): table["measure"],
                ui.tr("department"): table["lead_department"],
                ui.tr("ev_rating"): [
                    t if f else f"⚠ {ui.tr('ev_unfilled')}"
                    for t, f in zip(table["rating_text"], table["filled"], strict=True)
                ],
                ui.tr("ev_suggested"): [rating_text(s) if s else "—" for s in table["suggested"]],
                ui.tr("ev_reason"): table["reason"],
                ui.tr("ev_author"): table["author"],
                ui.tr("ev_updated"): table["updated_at"],
            }
        )
        st.dataframe(shown, hide_index=True, width="stretch")
