"""Issue 22a, words for staff: the sample banner in words (the command for admins only),
thresholds as %, 進捗率 explained, 基準値未設定 as a to-do for admins, 計画管理 without login."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from kpi.domain.permissions import Actor
from tests.conftest import ADMIN, ROOT

SHIMIN = Actor("shimin", "editor", ("市民課",))


def _page(page: str | None, actor: Actor | None = None, **query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if actor is not None:
        at.session_state["kpi_user"] = actor
    at.run()
    if page:
        at.switch_page(page)
        for k, v in query.items():
            at.query_params[k] = v
        at.run()
    assert not at.exception, at.exception
    return at


def test_the_sample_banner_says_what_it_is_and_the_command_only_to_admins(demo_app: str) -> None:
    staff = [w.value for w in _page(None, SHIMIN).warning if "サンプル" in w.value]
    assert staff and "架空の値" in staff[0] and "python -m kpi" not in staff[0]
    anonymous = [w.value for w in _page(None).warning if "サンプル" in w.value]
    assert "python -m kpi" not in anonymous[0]
    admin = [w.value for w in _page(None, ADMIN).warning if "サンプル" in w.value]
    assert "python -m kpi demo --clear" in admin[0]


def test_the_ratio_is_explained_under_the_legend(demo_app: str) -> None:
    captions = [c.value for c in _page(None).caption]
    assert any(c.startswith("進捗率: ") and "計画の推移" in c for c in captions)


def test_the_admin_page_without_login_says_an_admin_must_log_in(demo_app: str) -> None:
    at = _page("pages/8_admin.py")
    assert any("管理者のアカウントでログイン" in w.value for w in at.warning)


def test_thresholds_read_as_percent_and_missing_baselines_are_a_to_do(demo_app: str) -> None:
    at = _page("pages/8_admin.py", ADMIN)
    on_track = next(w for w in at.text_input if w.key and w.key.startswith("admin_on_track_"))
    assert on_track.label.endswith("（%）") and on_track.value == "90"
    assert any(w.value.startswith("やること: 基準値が未設定") for w in at.warning)
