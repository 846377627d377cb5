"""``python -m kpi publish`` as the README's "Done when" runs it: on a fresh database with the
sample data it writes the site, the English edition and the open data; ``frictionless validate``
(the command) accepts the package; a rerun writes the same bytes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


def kpi(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kpi", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def _files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _diff(names: list[str], a: dict[str, bytes], b: dict[str, bytes]) -> str:
    import difflib

    if not names:
        return "different file names"
    lines = difflib.unified_diff(
        a[names[0]].decode("utf-8").splitlines(), b.get(names[0], b"").decode("utf-8").splitlines(), lineterm=""
    )
    return f"{len(names)} files differ, {names[0]}:\n" + "\n".join(list(lines)[:40])


def test_publish_writes_site_and_data_and_a_rerun_the_same_bytes(sqlite_url: str, tmp_path: Path) -> None:
    env = {**os.environ, "KPI_DATABASE_URL": sqlite_url, "KPI_TODAY": "2026-11-24", "KPI_LOG_DIR": str(tmp_path)}
    assert kpi("init", env=env).returncode == 0 and kpi("demo", env=env).returncode == 0
    site = tmp_path / "site"
    run = kpi("publish", "--as-of", "2026-10", "--out", str(site), "--lang", "en", env=env)
    assert run.returncode == 0, run.stderr
    assert "公開版を書き出しました" in run.stdout and "公開日 2026-11-24" in run.stdout
    for name in ("index.html", "en/index.html", "style.css", "schedule.html", "history.html", "downloads.html",
                 "project-4.html", "measure-1.html", "data/datapackage.json", "data/monthly_values.csv"):  # fmt: skip
        assert (site / name).is_file(), name
    _assert_labelled_sample(site)
    first = _files(site)
    again = tmp_path / "again"
    later = {**env, "KPI_TODAY": "2026-11-30"}  # another day, same month and data: the first date stays
    assert kpi("publish", "--as-of", "2026-10", "--out", str(again), "--lang", "en", env=later).returncode == 0
    second = _files(again)
    differing = sorted(name for name in first if first[name] != second.get(name))
    assert sorted(first) == sorted(second) and not differing, _diff(differing, first, second)
    tool = shutil.which("frictionless") or str(Path(sys.executable).with_name("frictionless"))
    if not Path(tool).exists():
        pytest.fail("frictionless is not installed (pip install -r requirements-dev.txt)")
    check = subprocess.run([tool, "validate", str(site / "data" / "datapackage.json")], capture_output=True,
                           text=True, timeout=300)  # fmt: skip
    assert check.returncode == 0, check.stdout[-2000:]


def _assert_labelled_sample(site: Path) -> None:
    """Sample data is said on every page a visitor may land on and in every value of the data."""
    import csv
    import io
    import json

    from kpi.text.catalog import t

    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 40
    for page in pages:
        lang = "en" if page.parent.name == "en" else "ja"
        assert t("pub_sample", lang) in page.read_text(encoding="utf-8"), page.relative_to(site)
    text = (site / "data" / "monthly_values.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    reported = [r for r in rows if r["実績値"]]
    assert reported and all(r["サンプル"] == "true" for r in reported)  # the demo's values are all sample
    assert all(r["サンプル"] == "false" for r in rows if not r["実績値"])
    package = json.loads((site / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert package["description"].startswith(t("pub_sample"))


def test_publish_refuses_a_malformed_month(sqlite_url: str, tmp_path: Path) -> None:
    env = {**os.environ, "KPI_DATABASE_URL": sqlite_url, "KPI_LOG_DIR": str(tmp_path)}
    run = kpi("publish", "--as-of", "2026-13", "--out", str(tmp_path / "x"), env=env)
    assert run.returncode == 2 and not (tmp_path / "x").exists()
