"""実施事業's 公開コメント form: the project's editors (and admins) propose the comment the
public site shows; an admin approves it on 計画管理. Nothing is drawn for visitors who may not
write the project. The write checks the permission itself (kpi.store.publications)."""

from __future__ import annotations

import streamlit as st

from kpi.domain.permissions import PermissionDenied, can_write_project
from kpi.domain.plan import PlanData
from kpi.services import publication
from kpi.text import fmt
from kpi.web import auth, cache
from kpi.web.words import tr


def section(data: PlanData, no: int) -> None:
    actor = auth.current_actor()
    row = data.projects.loc[data.projects["project_no"] == no]
    if actor is None or row.empty:
        return
    p = row.iloc[0]
    if not can_write_project(actor, p["lead_department"], p["related_departments"] or []):
        return
    engine = cache.engine()
    st.subheader(tr("pub_comment_form"))
    st.caption(tr("pub_comment_help"))
    for c in publication.project_comments(engine, data.year, no)[-3:]:
        st.markdown(f"{tr('pub_comment_state_' + c.state)}: {fmt.plain_markdown(c.text)}")
    with st.form(f"pub_comment_{no}", clear_on_submit=True):
        text = st.text_area(tr("pub_comment_text"), max_chars=1000, key=f"pub_comment_text_{no}")
        if st.form_submit_button(tr("pub_comment_submit")):
            try:
                publication.submit_comment(engine, actor, data.year, no, text)
            except (publication.PublicationRejected, PermissionDenied) as exc:
                st.error(fmt.plain_markdown(str(exc)))
            else:
                cache.clear_caches()
                st.success(tr("pub_comment_sent"), icon=":material/check_circle:")
