"""Issue 22a, bulk upload says what it will do: 新規 / 変更 78 → 83 / 同じ値（書き込みません）;
an unchanged value writes no revision; an empty note cell keeps the stored note, ``-`` clears it;
values shown as stored (３ → 3); sizes in KB/MB."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, select

from kpi.domain.permissions import Actor
from kpi.services.actuals import record_actuals
from kpi.services.actuals_files import read_actuals_bytes
from kpi.services.bulk_import import commit_import, preview_import
from kpi.store.db import transaction
from kpi.store.models import ActualRevision, Indicator
from kpi.text.glance import size_text

ADMIN = Actor("test-admin", "admin")
TODAY = date(2026, 11, 24)
CODE = "01-online-procedures"  # 件


def _store(engine: Engine, value: str, note: str = "窓口集計") -> None:
    data = f"indicator_id,month,value,note\n{CODE},2026-09,{value},{note}\n".encode()
    with transaction(engine) as s:
        record_actuals(s, read_actuals_bytes(data, "a.csv"), ADMIN, TODAY, source="import")


def _revisions(engine: Engine) -> list[tuple[float, str]]:
    with transaction(engine) as s:
        rows = s.execute(select(ActualRevision.value, ActualRevision.note).order_by(ActualRevision.id)).all()
    return [(float(v), str(n)) for v, n in rows]


def _preview(engine: Engine, csv: str) -> list[dict[str, str]]:
    with transaction(engine) as s:
        p = preview_import(s, ADMIN, csv.encode(), "b.csv", TODAY, reason="集計の訂正")
    assert not p.errors, p.errors
    return p.rows.to_dict("records")


def test_preview_compares_every_row_with_the_stored_value(plan_engine: Engine) -> None:
    _store(plan_engine, "78")
    rows = _preview(
        plan_engine,
        f"indicator_id,month,value,note\n{CODE},2026-09,83,\n{CODE},2026-08,３,集計中\n",
    )
    assert rows[0]["change"] == "変更 78件 → 83件"
    assert rows[1]["change"] == "新規"
    assert rows[1]["value"] == "3"  # as it will be stored, not the raw 「３」
    assert rows[0]["note"] == "窓口集計"  # the empty cell keeps the stored note


def test_the_same_value_is_said_and_writes_no_revision(plan_engine: Engine) -> None:
    _store(plan_engine, "78")
    csv = f"indicator_id,month,value,note\n{CODE},2026-09,78,\n"
    assert _preview(plan_engine, csv)[0]["change"] == "同じ値（書き込みません）"
    with transaction(plan_engine) as s:
        result = commit_import(s, ADMIN, csv.encode(), "b.csv", TODAY)
    assert result.saved == [] and len(result.unchanged) == 1
    assert _revisions(plan_engine) == [(78.0, "窓口集計")]


def test_an_empty_note_cell_keeps_the_note_and_a_dash_clears_it(plan_engine: Engine) -> None:
    _store(plan_engine, "78")
    with transaction(plan_engine) as s:
        commit_import(
            s, ADMIN, f"indicator_id,month,value,note,reason\n{CODE},2026-09,83,,訂正\n".encode(), "b.csv", TODAY
        )
    assert _revisions(plan_engine)[-1] == (83.0, "窓口集計")
    csv = f"indicator_id,month,value,note\n{CODE},2026-09,83,-\n"
    assert _preview(plan_engine, csv)[0]["change"] == "備考のみ変更"
    with transaction(plan_engine) as s:
        commit_import(s, ADMIN, csv.encode(), "b.csv", TODAY)
    assert _revisions(plan_engine)[-1] == (83.0, "")


def test_a_sample_value_is_replaced_without_a_correction_reason(demo_engine: Engine) -> None:
    with transaction(demo_engine) as s:
        value = s.scalar(
            select(ActualRevision.value)
            .join(Indicator, Indicator.id == ActualRevision.indicator_id)
            .where(ActualRevision.month == "2026-09", Indicator.code == "04-mynumber-card-rate")
        )
    assert value is not None
    csv = f"indicator_id,month,value,note\n04-mynumber-card-rate,2026-09,{value:g},窓口\n"
    with transaction(demo_engine) as s:
        same = preview_import(s, ADMIN, csv.encode(), "b.csv", TODAY)
        other = preview_import(s, ADMIN, csv.replace(f",{value:g},", ",99,").encode(), "b.csv", TODAY)
    assert same.rows.iloc[0]["change"] == "同じ値（サンプルを実績にします）"
    assert other.rows.iloc[0]["change"] == f"サンプルを置き換え {value:g}% → 99%"
    assert not other.errors  # a sample is not a report: replacing it needs no correction reason


def test_file_sizes_read_in_bytes_kb_and_mb() -> None:
    assert size_text(176) == "176 バイト"
    assert size_text(12_800) == "12.5 KB"
    assert size_text(3 * 1024 * 1024) == "3.0 MB"
    assert size_text(176, "en") == "176 B"


def test_a_jump_far_from_last_month_and_the_plan_is_flagged_in_the_preview(plan_engine: Engine) -> None:
    _store(plan_engine, "78")
    rows = _preview(plan_engine, f"indicator_id,month,value,note\n{CODE},2026-10,1234,集計\n{CODE},2026-08,80,集計\n")
    assert rows[0]["warning"] == "前月・計画と大きく離れています"
    assert rows[1]["warning"] == ""
