"""AppTest of the public edition's UI: an editor proposes a 公開コメント on 実施事業, an admin
approves it on 計画管理 and makes the public edition as a zip that holds it."""

from __future__ import annotations

import io
import zipfile

import pytest
from streamlit.testing.v1 import AppTest

from kpi.domain.permissions import Actor
from kpi.store.bootstrap import import_plan
from kpi.store.db import DEFAULT_PLAN, make_engine
from tests.conftest import ADMIN, ROOT

SHIMIN = Actor("shimin", "editor", ("市民課",))
BOSS = Actor("boss", "admin")
COMMENT = "コンビニ交付の案内を窓口でも配っています。"


@pytest.fixture
def app_db(app_env: str) -> str:
    engine = make_engine(app_env)
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    engine.dispose()
    return app_env


def _page(path: str, actor: Actor | None, query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if actor is not None:
        at.session_state["kpi_user"] = actor
    at.run()
    return at.switch_page(path).run() if not query else _with_query(at, path, query)


def _with_query(at: AppTest, path: str, query: dict[str, str]) -> AppTest:
    at.switch_page(path)
    at.query_params.update(query)
    return at.run()


def test_editor_proposes_admin_approves_and_the_zip_holds_the_comment(app_db: str) -> None:
    viewer = _page("pages/2_projects.py", None, {"project": "5"})
    assert not viewer.exception and not [t for t in viewer.text_area if t.key == "pub_comment_text_5"]
    at = _page("pages/2_projects.py", SHIMIN, {"project": "5"})
    assert not at.exception
    at.text_area(key="pub_comment_text_5").input(COMMENT)
    next(b for b in at.button if b.label == "承認を依頼する").click()
    at.run()
    assert not at.exception and any("承認待ち" in s.value for s in at.success)

    admin = _page("pages/8_admin.py", BOSS)
    assert not admin.exception
    assert COMMENT in "".join(m.value for m in admin.markdown)
    next(b for b in admin.button if b.label == "承認").click()
    admin.run()
    assert not admin.exception and any("確認しました" in s.value for s in admin.success)
    next(b for b in admin.button if b.label == "公開版を作成").click()
    admin.run()
    assert not admin.exception and any("公開版を作成しました" in s.value for s in admin.success)
    name, payload = admin.session_state["pub_zip"]
    assert name.endswith(".zip")
    with zipfile.ZipFile(io.BytesIO(payload)) as zf:
        names = set(zf.namelist())
        assert {"index.html", "style.css", "data/datapackage.json", "project-5.html"} <= names
        assert COMMENT in zf.read("project-5.html").decode("utf-8")
        assert "shimin" not in "".join(zf.read(n).decode("utf-8") for n in names)
