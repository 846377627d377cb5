"""Plan-file text is text (issue 21, item 8): a plan whose every name and text holds a
Markdown image, an HTML image and Markdown bold is shown as written on every page, for
visitors and for a signed-in administrator; no element hands Streamlit's Markdown renderer
the raw text (Streamlit renders Markdown in st.markdown, captions, headings, widget labels,
help texts, page links, tabs and expanders)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from google.protobuf.message import Message
from streamlit.testing.v1 import AppTest

from kpi.domain.permissions import Actor
from kpi.services.demo import load_demo
from kpi.store.bootstrap import import_plan
from kpi.store.db import DEFAULT_PLAN, make_engine, transaction
from tests.conftest import ADMIN, ROOT, TODAY

IMAGE = "![x](http://127.0.0.1:9/x)"
HTML_IMAGE = "<img src=http://127.0.0.1:9/y>"
BOLD = "**bold**"
HOSTILE = f" {IMAGE} {HTML_IMAGE} {BOLD}"
# Every name and text a plan file gives (the fields people read), each gets HOSTILE.
TEXT_FIELDS = {
    "municipality", "plan_name", "label", "owner_department", "name", "lead_department", "summary",
    "expected_effect", "previous_work", "this_year", "next_years", "outcome", "item", "text",
    "baseline_note", "target_note",
}  # fmt: skip
PAGES = [
    "app.py", "pages/1_measures.py", "pages/2_projects.py", "pages/3_schedule.py", "pages/4_entry.py",
    "pages/5_reports.py", "pages/6_evaluation.py", "pages/7_history.py", "pages/8_admin.py", "pages/9_inquiry.py",
]  # fmt: skip
# Proto fields shown as plain text (never Markdown): table data, chart specs, option lists, code.
PLAIN_FIELDS = {"data", "spec", "options", "default", "value", "body_code", "arrow_data", "raw_value", "figure"}
PLAIN_TYPES = {"Text", "Code", "Arrow", "PlotlyChart", "DataFrame", "Json"}


def hostile_plan(tmp: Path, source: Path = DEFAULT_PLAN) -> Path:
    raw = yaml.safe_load(source.read_text(encoding="utf-8"))

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                k: (v + HOSTILE if k in TEXT_FIELDS and isinstance(v, str) else walk(v))
                if k != "related_departments"
                else [d + HOSTILE for d in v]
                for k, v in node.items()
            }
        if isinstance(node, list):
            return [walk(x) for x in node]
        return node

    path = tmp / "hostile.yaml"
    path.write_text(yaml.safe_dump(walk(raw), allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile plan with the sample actuals, made once and copied for each test."""
    tmp = tmp_path_factory.mktemp("hostile")
    engine = make_engine(f"sqlite:///{tmp / 'kpi.db'}")
    import_plan(engine, hostile_plan(tmp), ADMIN)
    with transaction(engine) as s:
        load_demo(s, 2026, ADMIN, TODAY)
    engine.dispose()
    return tmp / "kpi.db"


@pytest.fixture
def hostile_app(app_env: str, hostile_db: Path) -> str:
    shutil.copyfile(hostile_db, app_env.removeprefix("sqlite:///"))
    return app_env


def _strings(node: Any, where: str, out: list[tuple[str, str]]) -> None:
    """Every text an element hands the browser, with its proto type and field."""
    if isinstance(node, Message):
        kind = type(node).__name__
        for field, value in node.ListFields():
            if field.name in PLAIN_FIELDS or kind in PLAIN_TYPES:
                continue
            values = [value] if isinstance(value, str | bytes | Message) or not hasattr(value, "__len__") else value
            for v in values:
                if isinstance(v, str):
                    out.append((f"{where}/{kind}.{field.name}", v))
                elif isinstance(v, Message):
                    _strings(v, where, out)


def _texts(at: AppTest) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []

    def visit(node: Any) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            _strings(proto, type(node).__name__, out)
        for child in getattr(node, "children", {}).values():
            visit(child)

    visit(at._tree)
    return out


def raw_markup(texts: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Texts that would render the plan's markup: the hostile strings unescaped."""
    return [(w, v[:160]) for w, v in texts if IMAGE in v or HTML_IMAGE in v or BOLD in v]


@pytest.mark.parametrize("who", ["visitor", "admin"])
@pytest.mark.parametrize("page", PAGES)
def test_every_plan_name_is_shown_as_text_on_every_page(hostile_app: str, page: str, who: str) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if who == "admin":
        at.session_state["kpi_user"] = Actor("boss", "admin")
    at.run()
    if page != "app.py":
        at.switch_page(page).run()
    assert not at.exception, at.exception
    texts = _texts(at)
    found = raw_markup(texts)
    assert not found, "\n".join(f"{w}: {v}" for w, v in found)
    if who == "admin" or page in ("app.py", "pages/1_measures.py", "pages/2_projects.py", "pages/3_schedule.py"):
        shown = "\n".join(v for _, v in texts)
        # The names are there, escaped: the Markdown renderer shows the characters as typed.
        assert "\\!\\[x\\]" in shown or "&#33;&#91;x&#93;" in shown or "&lt;img" in shown, page


def test_pdfs_print_the_plan_names_as_written(hostile_db: Path, tmp_path: Path) -> None:
    """reportlab's Paragraph reads XML-like markup (``<img src=…>`` loads an image): the PDFs
    print the names with their markup as text."""
    import subprocess

    from kpi.cycle.council import council_papers
    from kpi.domain.fiscal import Month
    from kpi.reports.content import Scope
    from kpi.reports.service import load_inputs, report_bytes, schedule_bytes

    engine = make_engine(f"sqlite:///{hostile_db}")
    inputs = load_inputs(engine, 2026)
    assert inputs is not None
    scope = Scope("project", 4)
    files = {
        "report": report_bytes(inputs, Month.parse("2026-10"), scope, "pdf", TODAY),
        "schedule": schedule_bytes(inputs, scope, "pdf"),
    }
    with transaction(engine) as s:
        files["council"] = council_papers(s, 2026, Month.parse("2026-10"), "pdf", TODAY)
    engine.dispose()
    for name, data in files.items():
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(data)
        shown = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        flat = "".join(shown.split())
        assert "<imgsrc=http://127.0.0.1:9/y>" in flat and "**bold**" in flat, name
