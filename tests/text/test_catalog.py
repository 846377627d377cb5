"""One catalog of every word a person reads (kpi/text): every entry in both languages, the
month and year labels defined once, and no word table or language branch anywhere else."""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pytest

from kpi.domain.fiscal import Month, date_ja
from kpi.domain.inquiry import State
from kpi.text.catalog import LANGS, TEXT, register, t
from kpi.text.labels import (
    AUDIT_ACTIONS,
    generic_levels,
    language_name,
    month_label,
    month_short,
    owed_kind_label,
    paren,
    refusal_text,
    state_label,
    state_of_label,
    year_label,
    year_of,
    year_short,
)
from kpi.text.palette import STATUS_STYLES

ROOT = Path(__file__).resolve().parents[2]
WORD_TABLES = {
    "TEXT": TEXT,
    "AUDIT_ACTIONS": AUDIT_ACTIONS,
    "STATUS_STYLES": {str(k): (v.ja, v.en) for k, v in STATUS_STYLES.items()},
}


@pytest.mark.parametrize("table", sorted(WORD_TABLES))
def test_every_catalog_key_has_both_languages(table: str) -> None:
    missing = [
        key
        for key, words in WORD_TABLES[table].items()
        if len(words) != 2 or not all(isinstance(w, str) and w.strip() for w in words)
    ]
    assert missing == [], f"{table}: entries without a Japanese and an English word: {missing}"


def test_t_picks_the_language_and_register_refuses_a_key_twice() -> None:
    assert LANGS == ("ja", "en")
    assert (t("status", "ja"), t("status", "en"), t("status")) == ("状況", "Status", "状況")
    with pytest.raises(ValueError, match="status"):
        register({"status": ("状況", "Status")})
    assert TEXT["status"] == ("状況", "Status")


def test_catalog_entries_take_the_same_values_in_both_languages() -> None:
    """A placeholder in one language only would drop a value (or fail) in the other."""
    field = re.compile(r"{(\w*)[^}]*}")
    differ = {key for key, (ja, en) in TEXT.items() if set(field.findall(ja)) != set(field.findall(en))}
    # the labels that name a month or a year in words in Japanese and by number in English
    # (their functions pass both values: kpi.text.labels, kpi.charts.schedule_list)
    assert differ == {"schedule_month", "schedule_month_of", "year_label", "year_short", "year_short_of"}


def test_month_formats_once() -> None:
    october = Month(2026, 10)
    assert (october.label_ja(), str(october)) == ("2026年10月", "2026-10")
    assert (month_label(october, "ja"), month_label(october, "en")) == ("2026年10月", "2026-10")
    assert month_label("2026-10-01", "ja") == "2026年10月"  # a month's text, as frames hold it
    assert (month_short(october, "ja"), month_short(october, "en")) == ("10月", "Oct")
    assert [month_short(m, "en") for m in (1, 4, 12)] == ["Jan", "Apr", "Dec"]
    assert date_ja(date(2027, 4, 5)) == "2027年4月5日"


def test_year_labels() -> None:
    assert (year_label(2026, "ja"), year_label(2026, "en")) == ("令和8年度", "FY2026")
    assert (year_short(2026, "ja"), year_short(2026, "en")) == ("R8", "FY2026")
    assert (year_of(2028, "ja"), year_of(2028, "en")) == ("R10年度", "FY2028")
    assert (paren("値", "注", "ja"), paren("value", "note", "en")) == ("値（注）", "value (note)")
    assert (language_name("ja"), language_name("en")) == ("日本語", "English")
    assert generic_levels("en") == ("Policy", "Measure", "Project")


def test_inquiry_words_live_in_the_catalog() -> None:
    assert [state_label(s, "en") for s in State] == ["Not started", "In progress", "Submitted", "Returned", "Confirmed"]
    assert all(state_of_label(state_label(s)) is s for s in State)  # the audit log stores the Japanese word
    assert state_of_label("不明") is None
    assert owed_kind_label("milestone", "ja") == "期限を過ぎた●"
    assert (
        refusal_text(State.SUBMITTED, "save")
        == "提出済の期末評価は修正できません。管理者の差戻しを受けてから修正してください"
    )
    assert refusal_text(State.IN_PROGRESS, "confirm", "en") == "An evaluation that is In progress allows no confirm"


# ---------------------------------------------------------------- no words outside kpi/text

LANG_CODES = {"ja", "en"}
LANG_FLAGS = {"ja", "en", "is_ja", "is_en", "japanese", "english"}
PAIR_NAME = re.compile(r"(^|_)(JA|EN)$")


def _language_problems(path: Path) -> list[str]:
    """Every word table (``{"ja": …, "en": …}``, ``X`` beside ``X_EN``) and inline language
    branch (``lang == "en"``, ``… if ja else …``) of one source file, as ``file:line: what``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    rel = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        what = ""
        if isinstance(node, ast.Dict):
            keys = {k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}
            if keys >= LANG_CODES:
                what = 'a {"ja": …, "en": …} table'
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(isinstance(s, ast.Constant) and s.value in LANG_CODES for s in sides):
                what = "a language comparison"
        elif isinstance(node, ast.IfExp | ast.If):
            test = node.test
            if isinstance(test, ast.UnaryOp):
                test = test.operand
            if isinstance(test, ast.Name) and test.id in LANG_FLAGS:
                what = f"a branch on {test.id}"
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and PAIR_NAME.search(target.id):
                    what = f"a per-language table {target.id}"
        if what:
            found.append((getattr(node, "lineno", 0), what))
    return [f"{rel}:{line}: {what}" for line, what in sorted(found)]


def _sources() -> list[Path]:
    kpi = [p for p in (ROOT / "kpi").rglob("*.py") if "text" not in p.relative_to(ROOT / "kpi").parts[:1]]
    pages = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]
    return sorted(kpi) + pages


def test_the_scan_finds_tables_and_branches(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        'A = {"ja": "月", "en": "Month"}\nB_EN = {}\nc = "x" if lang == "en" else "y"\nd = "x" if ja else "y"\n'
        'e = t("month", lang)\n',
        encoding="utf-8",
    )
    assert [p.split(": ", 1)[0] for p in _language_problems(sample)] == [f"sample.py:{n}" for n in (1, 2, 3, 4)]


def test_no_word_table_or_language_branch_outside_kpi_text() -> None:
    """Words live in the catalog (kpi/text); code elsewhere calls t(key, lang) or a label function.

    Covers kpi/ outside kpi/text and the pages (app.py, pages/*.py).
    """
    problems = [p for path in _sources() for p in _language_problems(path)]
    assert problems == [], "words outside the catalog:\n" + "\n".join(problems)


def test_the_month_label_format_is_written_once() -> None:
    """「YYYY年M月」 and the English month names are formatted in one place each."""
    ja_format = re.compile(r"年\{[^}]*\}月")
    english = re.compile(r'"Jan"|%b')  # the English month names: the catalog's month_1 … month_12
    hits: list[str] = []
    for path in [*(ROOT / "kpi").rglob("*.py"), ROOT / "app.py", *(ROOT / "pages").glob("*.py")]:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if ja_format.search(line) or english.search(line):
                hits.append(f"{path.relative_to(ROOT)}:{n}")
    terms = ROOT / "kpi/text/catalog_terms.py"
    assert sorted(hits) == [
        f"kpi/domain/fiscal.py:{_line_of(ROOT / 'kpi/domain/fiscal.py', ja_format)}",
        f"kpi/text/catalog_terms.py:{_line_of(terms, english)}",
    ]


def _line_of(path: Path, pattern: re.Pattern[str]) -> int:
    return next(
        n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if pattern.search(line)
    )
