"""``python -m kpi benchmark --load N``: N browser sessions at once (a small N; no timing asserted)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from kpi.bench import load
from kpi.domain.fiscal import Month
from kpi.domain.permissions import Actor
from kpi.store.audit import audit_frame
from kpi.store.db import make_engine, transaction
from kpi.store.reads import plan_data
from tests.conftest import ROOT


@pytest.mark.browser
def test_load_2_prints_each_step_beside_the_trivial_page_with_no_error_and_saves_two_actuals(
    tmp_path: Path,
) -> None:
    """Run as the command (its own process: Playwright refuses to start beside another test's)."""
    from tests.e2e.conftest import require_chromium

    require_chromium()
    done = subprocess.run(
        [sys.executable, "-m", "kpi", "benchmark", "--load", "2", "--cache-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "KPI_DATABASE_URL": f"sqlite:///{tmp_path / 'unused.db'}"},
        timeout=900,
    )
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    assert "load: 2 simultaneous sessions" in out
    ms = r"\s+[\d,]+"
    for step in load.STEPS:
        # p50 p95 max drawn, errors 0 | floor p50 p95 max drawn, errors 0 | ratio
        line = rf"^{re.escape(step)}{ms}{ms}{ms}{ms}\s+0 \|{ms}{ms}{ms}{ms}\s+0 \|\s+\d+\.\d\d$"
        assert re.search(line, out, re.MULTILINE), f"missing or failed step {step}:\n{out}"
    assert re.search(r"^server CPU per session: app \d+\.\d{3} s, trivial page \d+\.\d{3} s$", out, re.MULTILINE), out
    assert "error in" not in out
    # Both sessions saved their own value (different indicators or months), as their own accounts.
    with transaction(make_engine(f"sqlite:///{tmp_path / 'work-S.db'}")) as s:
        log = audit_frame(s, 50)
    saves = log[(log["action"] == "actual.save") & log["actor"].str.startswith("bench-load-")]
    assert sorted(saves["actor"]) == ["bench-load-1", "bench-load-2"]
    # Both servers (the app, the trivial page) were stopped.
    for name in ("streamlit-load.log", "streamlit-load-floor.log"):
        url = re.search(r"URL: (http://127\.0\.0\.1:\d+)", (tmp_path / name).read_text())
        assert url is not None
        with pytest.raises(OSError):
            urllib.request.urlopen(f"{url.group(1)}/_stcore/health", timeout=2)


def test_every_session_saves_a_different_indicator_or_month(demo_engine: object) -> None:
    with transaction(demo_engine) as s:  # type: ignore[arg-type]
        data = plan_data(s, 2026, previous_year=False)
    assert data is not None
    departments = tuple(sorted(set(data.projects["lead_department"])))
    actor = Actor("bench-load-1", "editor", departments)
    months = [Month(2026, m) for m in (8, 9, 10)]
    saves = load.saves_for(data, actor, months, 30)
    assert len({(s.month, s.index) for s in saves}) == 30
    assert saves[0].month == Month(2026, 10)  # the latest month first
    for save in saves:
        row = load._form_rows(data, actor, save.month)[save.index]
        assert row.min_value <= float(save.value) <= row.max_value and float(save.value) != row.current
        assert save.correction == (row.current is not None)
