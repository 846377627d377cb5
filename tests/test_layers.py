"""The layers hold: what each package may import is checked here and by import-linter in CI.

A rule written only in the README drifts; these tests import each module in a fresh
interpreter (nothing loaded by another test can hide an import) and read the source tree.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

KPI = ROOT / "kpi"
MAX_LINES = 600  # a module past this holds two ideas (the limit)


def _modules(package: str) -> list[str]:
    base = KPI / package
    return sorted(
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for p in base.rglob("*.py")
        if "migrations" not in p.parts
    )


def _loaded_after_import(module: str) -> set[str]:
    probe = f"import sys, json, {module}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("module", _modules("domain"))
def test_a_domain_module_loads_neither_the_database_nor_streamlit(module: str) -> None:
    loaded = _loaded_after_import(module)
    heavy = {m.split(".")[0] for m in loaded} & {"sqlalchemy", "streamlit", "alembic", "openpyxl", "plotly", "yaml"}
    assert heavy == set(), f"{module} loads {sorted(heavy)}"
    assert not any(m.startswith("kpi.store") for m in loaded), module


@pytest.mark.parametrize("module", _modules("text") + _modules("charts"))
def test_words_and_charts_load_no_database_and_no_streamlit(module: str) -> None:
    loaded = _loaded_after_import(module)
    heavy = {m.split(".")[0] for m in loaded} & {"sqlalchemy", "streamlit", "alembic"}
    assert heavy == set(), f"{module} loads {sorted(heavy)}"


def test_the_command_line_and_the_store_never_load_streamlit() -> None:
    loaded = _loaded_after_import("kpi.cli.main, kpi.cli.plan, kpi.cli.status, kpi.store.reads, kpi.reports.service")
    assert "streamlit" not in {m.split(".")[0] for m in loaded}


def test_no_module_of_kpi_is_over_600_lines() -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for p in KPI.rglob("*.py")
        if "migrations" not in p.parts and (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_every_package_of_kpi_says_what_it_holds_and_may_import() -> None:
    import ast

    for init in sorted(KPI.glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert doc, f"{init.relative_to(ROOT)} has no docstring"
        if init.parent.name not in ("bench",):
            assert "import" in doc, f"{init.relative_to(ROOT)} does not say what it may import"


def test_the_import_contracts_hold() -> None:
    """The same check as CI's `lint-imports`, so that a developer meets it in the test run."""
    lint = Path(sys.executable).with_name("lint-imports")
    cmd = [str(lint)] if lint.exists() else [sys.executable, "-m", "importlinter.cli"]
    out = subprocess.run([*cmd, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert "BROKEN" not in out.stdout


def test_pages_import_neither_sqlalchemy_nor_the_orm_models() -> None:
    """Pages receive frames and frozen dataclasses (ORM rows detach and do not pickle in a cache)."""
    import ast

    found = []
    for page in [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]:
        for node in ast.walk(ast.parse(page.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            found += [f"{page.name}: {n}" for n in names if n.split(".")[0] == "sqlalchemy" or n == "kpi.store.models"]
    assert found == []


def test_every_test_collected_has_exactly_one_layer_marker(request: pytest.FixtureRequest) -> None:
    from tests.conftest import LAYER_MARKERS

    for item in request.session.items:
        layers = {m.name for m in item.iter_markers()} & set(LAYER_MARKERS)
        assert len(layers) == 1, f"{item.nodeid}: {sorted(layers)}"
