"""In-app navigation keeps the Streamlit session (and so the login).

An ``<a href>`` inside a page's HTML reloads the browser page: a new session starts and the
user is logged out. Tables therefore carry no HTML links; under each table a chooser and an
``st.page_link`` (with the row's query parameters) open the row in the same session.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from streamlit.testing.v1 import AppTest

from tests.web.test_pages_dashboard import _html, _start

MEASURES = "pages/1_measures.py"
PROJECTS = "pages/2_projects.py"


def _main_links(at: AppTest) -> list[tuple[str, dict[str, list[str]]]]:
    """(page url path, query parameters) of every st.page_link outside the sidebar."""
    return [(e.proto.page, parse_qs(e.proto.query_string)) for e in at.main.get("page_link")]


def test_overview_tables_have_no_html_links_but_in_session_openers(demo_app: str) -> None:
    at = _start()
    assert "<a " not in _html(at)
    keys = [s.key for s in at.main.selectbox]
    assert keys == ["overview_open_change", "overview_open_missing", "overview_open_tree"]
    links = _main_links(at)
    assert len(links) == 3
    assert all(page in ("projects", "measures") for page, _ in links)


def test_plan_tree_opener_lists_every_measure_and_project_and_links_the_chosen_one(demo_app: str) -> None:
    at = _start()
    tree = at.selectbox(key="overview_open_tree")
    assert len(tree.options) == 10 + 22
    assert tree.options[0].startswith("①") and tree.options[1].startswith("01 ")
    second_measure = next(i for i, o in enumerate(tree.options) if o.startswith("②"))
    tree.set_value(second_measure).run()
    assert not at.exception
    assert _main_links(at)[-1] == ("measures", {"measure": ["2"]})
    project_4 = next(i for i, o in enumerate(tree.options) if o.startswith("04 "))
    at.selectbox(key="overview_open_tree").set_value(project_4).run()
    assert _main_links(at)[-1] == ("projects", {"project": ["4"]})


def test_changes_and_missing_openers_follow_their_tables(demo_app: str) -> None:
    at = _start()
    changes = at.selectbox(key="overview_open_change")
    assert changes.options and all(o[:2].isdigit() for o in changes.options)
    missing = at.selectbox(key="overview_open_missing")
    # 15-new-dx-projects (project 15) is two months late in the sample.
    assert any(o.startswith("15 ") for o in missing.options)
    chosen = next(i for i, o in enumerate(missing.options) if o.startswith("15 "))
    missing.set_value(chosen).run()
    assert ("projects", {"project": ["15"]}) in _main_links(at)


def test_measure_page_opens_its_projects_in_the_session(demo_app: str) -> None:
    at = _start(MEASURES, measure="2")
    assert "<a " not in _html(at)
    opener = at.selectbox(key="measures_open_project")
    assert [o[:2] for o in opener.options] == ["04", "05"]
    opener.set_value(1).run()
    assert _main_links(at)[-1] == ("projects", {"project": ["5"]})


def test_a_link_repeated_after_leaving_the_page_opens_its_target_again(demo_app: str) -> None:
    # In one session: open ② from a link, go to the overview, follow the same link again.
    at = _start(MEASURES, measure="2")
    assert at.title[0].value.startswith("②")
    at.switch_page("app.py").run()
    at.switch_page(MEASURES)
    at.query_params["measure"] = "2"
    at.run()
    assert not at.exception
    assert at.title[0].value.startswith("②")


def test_a_chosen_row_of_a_longer_list_survives_a_shorter_one(demo_app: str) -> None:
    at = _start()
    changes = at.selectbox(key="overview_open_change")
    changes.set_value(len(changes.options) - 1).run()
    at.selectbox(key="_wkpi_as_of").set_value("2026-05").run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
