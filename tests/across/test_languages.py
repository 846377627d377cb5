"""Every page, in Japanese and in English, logged in as an administrator and anonymous:
no text of the other language outside the plan's own content, and no raw codes.

The plan's names, departments, notes and comments are content (they stay as written in
either language): every string of the page's data is removed from a text before it is
checked, so what remains is the page's own words from the label catalog.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from kpi.cycle.evaluations import save_evaluation
from kpi.domain.permissions import Actor
from kpi.services.demo import load_demo
from kpi.services.plan_admin import update_indicator_plan
from kpi.store import accounts as auth
from kpi.store.bootstrap import import_plan
from kpi.store.db import DEFAULT_PLAN, make_engine, transaction
from kpi.store.inquiry import apply_action, open_inquiry, set_department_email
from kpi.store.locks import lock_month
from kpi.store.reads import plan_data
from tests.conftest import ADMIN, ROOT, TODAY

PAGES = (
    "app.py",
    "pages/1_measures.py",
    "pages/2_projects.py",
    "pages/3_schedule.py",
    "pages/4_entry.py",
    "pages/5_reports.py",
    "pages/6_evaluation.py",
    "pages/7_history.py",
    "pages/8_admin.py",
    "pages/9_inquiry.py",
)
BOSS = Actor("boss", "admin")
SHIMIN = Actor("shimin", "editor", ("市民課",))
WHO = {"admin": BOSS, "editor": SHIMIN, "anonymous": None}
# Hiragana, Katakana, Kanji; not 「・」 (U+30FB), which both languages use as a bullet.
KANA = re.compile(r"[\u3040-\u30fa\u30fc-\u30ff\u3400-\u9fff]")
# Words a Japanese page may show in Latin letters: file formats, time zone, the plan's "DX".
JA_ALLOWED = {"PDF", "Excel", "CSV", "XLSX", "PNG", "URL", "JST", "DX", "zip", "English", "ID", "FY", "A4", "No"}
ASCII_WORD = re.compile(r"[A-Za-z]{2,}")
FILE_NAME = re.compile(r"[\w./-]+\.(?:ya?ml|csv|xlsx)\b")
RAW_CODE = re.compile(
    r"(?<![\w./-])([a-z]+_[a-z_]+|[a-z]+\.[a-z_]+|on_track|no_data|form|demo|cli:\w+)(?![\w./-])|\{\"|(?<![A-Za-z])(None|nan|NaN|NaT)(?![A-Za-z])"
)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, re.Pattern[str]]]:
    """(database URL, pattern of every content string) of the plan with sample data and an
    administrator, whose history holds plan loads, sample loads, a login and a plan edit."""
    tmp: Path = tmp_path_factory.mktemp("lang")
    url = f"sqlite:///{tmp / 'kpi.db'}"
    engine = make_engine(url)
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    with transaction(engine) as s:
        load_demo(s, TODAY.year, ADMIN, TODAY)
        auth.add_user(s, ADMIN, "boss", "boss-password-1", "admin", email="boss@example.jp")
        auth.add_user(s, ADMIN, "shimin", "shimin-password-1", "editor", ["市民課"])
    auth.login(engine, "boss", "boss-password-1")
    with pytest.raises(auth.AuthError):
        auth.login(engine, "boss", "wrong-password-1")
    with transaction(engine) as s:
        update_indicator_plan(s, ADMIN, TODAY.year, "06-collection-fees", {"baseline": "6000000"})
        lock_month(s, ADMIN, TODAY.year, "2026-04")
        open_inquiry(s, ADMIN, TODAY.year, date(2027, 4, 30))
        set_department_email(s, ADMIN, "市民課", "shimin@example.jp")
    # the year-end workflow: saved, submitted, returned with a comment (its states and history)
    with transaction(engine) as s:
        save_evaluation(s, SHIMIN, TODAY.year, 4, "B", "保有率は目標に近づいている", "")
    with transaction(engine) as s:
        apply_action(s, SHIMIN, TODAY.year, 4, "submit")
    with transaction(engine) as s:
        apply_action(s, ADMIN, TODAY.year, 4, "return", "数値の根拠を添えてください")
    with transaction(engine) as s:
        data = plan_data(s, TODAY.year)
    engine.dispose()
    assert data is not None
    content: set[str] = {"boss", "shimin", "test-admin", "boss@example.jp", "shimin@example.jp", data.title}
    content |= {data.municipality, "保有率は目標に近づいている", "数値の根拠を添えてください"}
    for frame in (data.policies, data.measures, data.projects, data.schedule, data.milestones, data.indicators):
        for col in frame.columns:
            for v in frame[col]:
                content |= set(_strings(v))
    for frame, cols in ((data.actuals, ("note",)), (data.assessments, ("comment",))):
        for col in cols:
            content |= {str(v) for v in frame[col] if isinstance(v, str) and v.strip()}
    pattern = re.compile("|".join(re.escape(c) for c in sorted(content, key=len, reverse=True)))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KPI_DATABASE_URL", url)
        mp.setenv("KPI_TODAY", TODAY.isoformat())
        yield url, pattern


def _strings(value: Any) -> Iterator[str]:
    """Every non-empty string inside a cell (schedule bars are lists of dicts)."""
    if isinstance(value, str):
        if value.strip():
            yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)


def _widget_texts(at: AppTest) -> list[str]:
    out: list[str] = []
    for kind in ("selectbox", "multiselect", "radio", "text_input", "text_area", "date_input", "number_input",
                 "checkbox", "toggle", "button", "slider", "select_slider"):  # fmt: skip
        for w in getattr(at, kind):
            out.append(str(getattr(w, "label", "")))
            placeholder = getattr(w.proto, "placeholder", "")
            if kind in ("selectbox", "multiselect"):
                # without one, the browser shows Streamlit's own 「Choose an option」
                assert placeholder.strip(), f"{kind} {w.label!r} has no placeholder"
            if placeholder:
                out.append(str(placeholder))
            if kind in ("selectbox", "multiselect", "radio"):
                out += [str(o) for o in w.options]
    for kind in ("download_button", "page_link", "file_uploader", "form_submit_button"):
        out += [str(getattr(e.proto, "label", "")) for e in at.get(kind)]
    return out


def page_texts(at: AppTest) -> list[str]:
    """What a person reads: headings, messages, markdown (tags removed), widget labels,
    options and placeholders, table headers and cells."""
    out: list[str] = []
    for kind in ("title", "header", "subheader", "caption", "text", "info", "warning", "error", "success"):
        out += [str(e.value) for e in getattr(at, kind)]
    for m in at.markdown:
        # style sheets are not read; tags and attribute values are not text
        text = re.sub(r"<style>.*?</style>", " ", str(m.value), flags=re.S)
        # <wbr> (a line-break opportunity between phrases) is inside a word, not between texts
        text = text.replace("<wbr>", "")
        # an SVG label broken into lines (<tspan>s of one <text>) reads as one label
        text = re.sub(r"</tspan><tspan[^>]*>", "", text)
        # so does a chart picture's title broken between phrases (<br> between its lines)
        text = re.sub(r"<b>(.*?)</b>", lambda m: "<b>" + m.group(1).replace("<br>", "") + "</b>", text, flags=re.S)
        # character references (&#40; for 「(」 in our HTML) read as the characters they show
        out += [html.unescape(t) for t in re.split(r"<[^>]+>", text) if t.strip()]
    out += _widget_texts(at)
    for frame in list(at.dataframe) + list(at.table):
        out += [str(c) for c in frame.value.columns]
        for col in frame.value.columns:
            out += [str(v) for v in frame.value[col] if v is not None and str(v).strip()]
    return [t for t in out if t.strip()]


def _open(page: str, lang: str, actor: Actor | None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = lang
    if actor is not None:
        at.session_state["kpi_user"] = actor
    at.run()
    if page != "app.py":
        at.switch_page(page).run()
    assert not at.exception, f"{page}: {at.exception}"
    return at


def _foreign(text: str, lang: str) -> list[str]:
    if lang == "en":
        # the language switch names each language in itself
        return KANA.findall(text.replace("日本語", ""))
    return [w for w in ASCII_WORD.findall(text) if w not in JA_ALLOWED]


@pytest.mark.parametrize("who", list(WHO))
@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_page_speaks_one_language_and_shows_no_codes(
    demo_db: tuple[str, re.Pattern[str]], page: str, lang: str, who: str
) -> None:
    _url, content = demo_db
    at = _open(page, lang, WHO[who])
    texts = page_texts(at)
    assert texts
    problems: list[str] = []
    for text in texts:
        # a command to type (in a code span) and a file name are not prose of either language
        plain = re.sub(r"\\(.)", r"\1", re.sub(r"`[^`]*`", " ", text))  # Markdown escapes of md_text
        own = content.sub(" ", FILE_NAME.sub(" ", plain))  # a path first: the plan's words may be in it
        if _foreign(own, lang):
            problems.append(f"{lang}: {text[:120]!r}")
        if RAW_CODE.search(own):
            problems.append(f"code: {RAW_CODE.search(own).group(0)!r} in {text[:120]!r}")
    assert not problems, f"{page} ({who}):\n" + "\n".join(sorted(set(problems))[:300])


def test_english_link_draws_the_sidebar_in_english(demo_db: Any) -> None:
    at = _open("app.py", "en", None)
    links = [str(e.proto.label) for e in at.get("page_link")]
    assert "Overview" in links and not any(KANA.search(x) for x in links)
    assert at.sidebar.radio[0].label == "Language"
