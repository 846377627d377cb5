"""The command line as an operator runs it: ``python -m kpi`` in a subprocess."""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import INDICATOR_IDS, ROOT

STATUS_CODES = {"achieved", "on_track", "caution", "delayed", "no_data", "no_baseline", "reference", "not_due", "done"}


def kpi(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kpi", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def env(sqlite_url: str) -> dict[str, str]:
    return {**os.environ, "KPI_DATABASE_URL": sqlite_url, "KPI_TODAY": "2026-11-24"}


def status_rows(env: dict[str, str], *extra: str) -> list[dict[str, str]]:
    out = kpi("status", "--format", "csv", *extra, env=env)
    assert out.returncode == 0, out.stderr
    return list(csv.DictReader(io.StringIO(out.stdout)))


def test_init_then_status_lists_every_indicator_and_milestone(env: dict[str, str]) -> None:
    first = kpi("init", env=env)
    assert first.returncode == 0, first.stderr
    assert "令和8年度の計画を読み込みました" in first.stdout  # kpi.domain.fiscal.fiscal_year_label
    second = kpi("init", env=env)
    assert second.returncode == 0 and "変更はありません" in second.stdout
    rows = status_rows(env, "--as-of", "2026-10")
    assert list(rows[0]) == [
        "kind",
        "id",
        "project",
        "measure",
        "name",
        "unit",
        "baseline",
        "target",
        "expected",
        "actual",
        "ratio",
        "status",
        "unreported_months",
    ]
    assert {r["id"] for r in rows if r["kind"] == "indicator"} == set(INDICATOR_IDS)
    milestones = {r["id"]: r["status"] for r in rows if r["kind"] == "milestone"}
    assert milestones == {
        "01-m1": "caution",
        "01-m2": "delayed",
        "03-m1": "delayed",
        "08-m1": "delayed",
        "08-m2": "not_due",
        "09-m1": "delayed",
        "15-m1": "delayed",
    }
    assert all(r["status"] in STATUS_CODES for r in rows)
    assert {r["status"] for r in rows if r["kind"] == "indicator"} == {"no_data"}


def test_default_as_of_is_the_latest_ended_month(env: dict[str, str]) -> None:
    kpi("init", env=env)
    rows = status_rows(env)
    assert next(r for r in rows if r["id"] == "04-mynumber-card-rate")["unreported_months"] == "7"


def test_cp932_file_with_one_bad_row_exits_nonzero_names_the_row_and_changes_nothing(
    env: dict[str, str], tmp_path: Path
) -> None:
    kpi("init", env=env)
    before = kpi("status", "--as-of", "2026-10", "--format", "csv", env=env).stdout
    path = tmp_path / "実績.csv"
    path.write_bytes(
        "indicator_id,month,value,note\r\n04-mynumber-card-rate,2026-10,86.2,窓口集計\r\n"
        "14-ai-rpa-hours-saved,2026-10,百,手入力\r\n".encode("cp932")
    )
    out = kpi("import-actuals", str(path), env=env)
    assert out.returncode == 1
    assert "3行目" in out.stderr and "数値ではありません" in out.stderr
    assert kpi("status", "--as-of", "2026-10", "--format", "csv", env=env).stdout == before


def test_good_import_changes_the_status(env: dict[str, str], tmp_path: Path) -> None:
    kpi("init", env=env)
    path = tmp_path / "ok.csv"
    path.write_bytes("indicator_id,month,value,note\n04-mynumber-card-rate,2026-10,87.2,\n".encode("cp932"))
    out = kpi("import-actuals", str(path), env=env)
    assert out.returncode == 0, out.stderr
    row = next(r for r in status_rows(env, "--as-of", "2026-10") if r["id"] == "04-mynumber-card-rate")
    assert (row["actual"], row["status"], row["unreported_months"]) == ("87.2", "on_track", "0")
    assert float(row["expected"]) == pytest.approx(85 + 4 * 7 / 12, abs=1e-4)


def test_levels_and_formats(env: dict[str, str]) -> None:
    kpi("init", env=env)
    assert kpi("demo", env=env).returncode == 0
    measures = json.loads(kpi("status", "--level", "measure", "--format", "json", env=env).stdout)
    assert [m["symbol"] for m in measures] == list("①②③④⑤⑥⑦⑧⑨⑩")
    policies = status_rows(env, "--level", "policy")
    assert [p["id"] for p in policies] == ["1", "2", "3"]
    projects = status_rows(env, "--level", "project")
    assert len(projects) == 22 and all(p["status"] in STATUS_CODES for p in projects)
    table = kpi("status", env=env)
    assert "令和8年度" in table.stdout and "サンプル" in table.stderr


def test_demo_clear_removes_sample_only(env: dict[str, str]) -> None:
    kpi("init", env=env)
    assert kpi("demo", env=env).returncode == 0
    assert any(r["status"] != "no_data" for r in status_rows(env) if r["kind"] == "indicator")
    cleared = kpi("demo", "--clear", env=env)
    assert cleared.returncode == 0
    assert {r["status"] for r in status_rows(env) if r["kind"] == "indicator"} == {"no_data"}


def test_a_broken_plan_file_exits_nonzero_and_loads_nothing(env: dict[str, str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        (ROOT / "data" / "plan_r8.yaml")
        .read_text(encoding="utf-8")
        .replace("    direction: increase", "    direction: upward", 1),
        encoding="utf-8",
    )
    out = kpi("import-plan", str(bad), env=env)
    assert out.returncode == 1
    assert "indicators[id=01-online-procedures].direction" in out.stderr
    assert kpi("status", env=env).returncode == 1  # still no plan


# ---------------------------------------------------------------- robustness of the command line


def test_help_hashes_no_password_and_imports_no_heavy_library() -> None:
    probe = (
        "import sys, runpy, argon2\n"
        "argon2.PasswordHasher.hash = None  # a hash at import would fail\n"
        "sys.argv = ['python -m kpi', '--help']\n"
        "try:\n"
        "    runpy.run_module('kpi', run_name='__main__')\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        "heavy = ('pandas', 'sqlalchemy', 'alembic', 'plotly', 'openpyxl', 'reportlab', 'streamlit',\n"
        "         'kpi.store.accounts', 'kpi.cli.plan', 'kpi.cli.actuals', 'kpi.cli.status', 'kpi.cli.demo',\n"
        "         'kpi.cli.users')\n"
        "print(code, sorted(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip().splitlines()[-1] == "0 []", out.stdout + out.stderr
    assert "report" in out.stdout and "user" in out.stdout  # every command is listed


def _all_parsers(parser: argparse.ArgumentParser, path: str = "") -> list[tuple[str, argparse.ArgumentParser]]:
    found = [(path, parser)]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                found += _all_parsers(child, f"{path} {name}".strip())
    return found


def test_every_command_and_option_has_help_text() -> None:
    from kpi.cli.main import DEFERRED, build_parser

    missing = []
    for command in [None, *DEFERRED]:
        for path, parser in _all_parsers(build_parser(command)):
            if command is not None and not path.startswith(command):
                continue
            for action in parser._actions:
                if isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
                    continue
                if not action.help:
                    missing.append(f"{path} {action.dest}")
    assert missing == []


def test_every_command_is_built_in_main_and_runs_a_handler_of_its_subject_module() -> None:
    import importlib

    from kpi.cli.main import build_parser

    parsers = _all_parsers(build_parser())
    handlers = {path: parser.get_default("handler") for path, parser in parsers if parser.get_default("handler")}
    assert handlers == {
        "init": "kpi.cli.plan:cmd_init",
        "import-plan": "kpi.cli.plan:cmd_import_plan",
        "new-year": "kpi.cli.plan:cmd_new_year",
        "import-actuals": "kpi.cli.actuals:cmd_import_actuals",
        "status": "kpi.cli.status:cmd_status",
        "demo": "kpi.cli.demo:cmd_demo",
        "ldap-check": "kpi.cli.directory:cmd_ldap_check",
        **{f"user {c}": "kpi.cli.users:cmd_user" for c in ("add", "passwd", "disable", "list")},
    }
    for target in handlers.values():
        module, name = target.split(":")
        assert callable(getattr(importlib.import_module(module), name)), target


def test_an_internal_error_exits_3_with_an_incident_id_and_logs_the_traceback(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    env = {
        **os.environ,
        "KPI_DATABASE_URL": f"sqlite:///{blocker}/kpi.store.db",  # its folder cannot be created
        "KPI_LOG_DIR": str(tmp_path / "logs"),
    }
    env.pop("KPI_DEBUG", None)
    out = kpi("status", env=env)
    assert out.returncode == 3
    assert "内部エラー" in out.stderr and "Traceback" not in out.stderr
    incident = re.search(r"エラー番号 ([0-9a-f]{8})", out.stderr)
    assert incident is not None
    log = (tmp_path / "logs" / "cli.log").read_text(encoding="utf-8")
    assert f"incident {incident.group(1)}" in log and "Traceback" in log
    for debug in (["--debug", "status"], ["status"]):
        shown = kpi(*debug, env={**env, **({"KPI_DEBUG": "1"} if debug == ["status"] else {})})
        assert shown.returncode == 3 and "Traceback" in shown.stderr


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_status_into_a_closed_pipe_ends_quietly(env: dict[str, str], fmt: str) -> None:
    kpi("init", env=env)
    proc = subprocess.Popen(
        [sys.executable, "-m", "kpi", "status", "--format", fmt],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    proc.stdout.close()  # like `| head -0`: the reader is gone before anything is written
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0
    assert "Traceback" not in err and "BrokenPipe" not in err


@pytest.mark.parametrize("as_of", ["2030-01", "2026-03", "2027-04"])
def test_status_as_of_outside_the_fiscal_year_is_rejected(env: dict[str, str], as_of: str) -> None:
    kpi("init", env=env)
    out = kpi("status", "--as-of", as_of, env=env)
    assert out.returncode == 1
    assert as_of in out.stderr and "Traceback" not in out.stderr
    assert "令和8年度（2026-04〜2027-03） の外です" in out.stderr  # kpi.domain.fiscal.fiscal_year_label
    assert kpi("status", "--as-of", "2027-03", env=env).returncode == 0


def test_import_actuals_of_a_missing_file_names_the_path_once(env: dict[str, str], tmp_path: Path) -> None:
    kpi("init", env=env)
    missing = tmp_path / "ない.csv"
    out = kpi("import-actuals", str(missing), env=env)
    assert out.returncode == 1
    assert out.stderr.count(str(missing)) == 1 and "見つかりません" in out.stderr
    assert "Traceback" not in out.stderr


def test_status_table_shows_percentages_no_nan_and_aligned_japanese_columns(env: dict[str, str]) -> None:
    from kpi.cli.status import text_width
    from kpi.text.palette import STATUS_STYLES

    symbols = re.escape("".join(style.symbol for style in STATUS_STYLES.values()))
    kpi("init", env=env)
    for demo in (False, True):
        if demo:
            kpi("demo", env=env)
        out = kpi("status", env=env)
        assert out.returncode == 0, out.stderr
        assert not re.search(r"\b(nan|NaN|None|NaT|inf)\b", out.stdout)
        if demo:
            assert re.search(r"\b\d+%", out.stdout)
            lines = [line for line in out.stdout.splitlines() if line.startswith("indicator")]
            starts = set()
            for line in lines:
                status = re.search(rf"[{symbols}] \S+", line)
                assert status is not None, line
                starts.add(text_width(line[: status.start()]))
            assert len(starts) == 1, starts  # the status column starts at one screen column


def test_status_json_is_a_list_of_objects_with_null_for_missing(env: dict[str, str]) -> None:
    kpi("init", env=env)
    out = kpi("status", "--format", "json", env=env)
    rows = json.loads(out.stdout)
    assert isinstance(rows, list) and all(isinstance(r, dict) for r in rows)
    first = next(r for r in rows if r["id"] == "04-mynumber-card-rate")
    assert first["actual"] is None and first["ratio"] is None and first["status"] == "no_data"
    assert first["baseline"] == 85


def test_readme_installs_into_a_virtual_environment_first() -> None:
    """A system Python that refuses global installs (PEP 668) needs the venv step."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Fresh machine", 1)[1].split("\n## ", 1)[0]
    block = section.split("```bash\n", 1)[1].split("```", 1)[0]
    assert "-m venv .venv" in block and ". .venv/bin/activate" in block
    assert block.index("-m venv") < block.index(". .venv/bin/activate") < block.index("pip install")


def test_every_command_reads_as_of_the_same_way(monkeypatch: pytest.MonkeyPatch) -> None:
    from kpi.cli.main import as_of_arg
    from kpi.domain.fiscal import Month

    monkeypatch.setenv("KPI_TODAY", "2026-11-24")
    assert as_of_arg(None) == Month(2026, 10) == as_of_arg("")  # the latest month that has ended
    assert as_of_arg("2027-03") == Month(2027, 3)
    with pytest.raises(ValueError):
        as_of_arg("2027-13")
