"""Who may write a project, and the one wording of a refusal (kpi.domain.permissions): the
write paths that raise (``require_project_write``) and the saves that report it on each
refused row (``kpi.services.actuals``) say the same."""

from __future__ import annotations

import pytest

from kpi.domain.permissions import (
    VIEWER_REFUSED,
    Actor,
    PermissionDenied,
    can_write_project,
    project_write_refusal,
    require_project_write,
    require_writer,
)

LEAD, RELATED = "市民課", ("経営戦略課",)


@pytest.mark.parametrize(
    ("actor", "may"),
    [
        (Actor("adm", "admin"), True),
        (Actor("own", "editor", ("市民課",)), True),
        (Actor("related", "editor", ("経営戦略課",)), True),
        (Actor("other", "editor", ("農林水産課",)), False),
        (Actor("view", "viewer", ("市民課",)), False),
    ],
)
def test_admins_and_editors_of_the_lead_or_a_related_department_may_write(actor: Actor, may: bool) -> None:
    assert can_write_project(actor, LEAD, RELATED) is may
    assert (project_write_refusal(actor, LEAD, RELATED) is None) is may


def test_the_refusal_names_the_departments_and_require_project_write_raises_it() -> None:
    other = Actor("other", "editor", ("農林水産課", "市民税課"))
    reason = project_write_refusal(other, LEAD, RELATED)
    assert reason == (
        "書き込む権限がありません。担当部署（市民課）または関係部署の編集者のみ書き込めます"
        "（あなたの所属: 農林水産課・市民税課）"
    )
    with pytest.raises(PermissionDenied) as info:
        require_project_write(other, LEAD, RELATED, "自己評価")
    assert str(info.value) == f"自己評価: {reason}"
    assert "あなたの所属: なし" in (project_write_refusal(Actor("nobody", "editor"), LEAD, RELATED) or "")


def test_a_viewer_is_refused_with_one_message_before_and_at_a_project() -> None:
    viewer = Actor("view", "viewer", ("市民課",))
    assert project_write_refusal(viewer, LEAD, RELATED) == VIEWER_REFUSED == "閲覧者（viewer）は書き込みできません"
    with pytest.raises(PermissionDenied, match=f"^実績の入力: {VIEWER_REFUSED}$"):
        require_writer(viewer, "実績の入力")
    require_writer(Actor("other", "editor", ("農林水産課",)), "実績の入力")  # an editor passes to the project check
