"""Databases written by an older schema, filled with raw SQL (the ORM follows the newest one)."""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import Engine, MetaData, func, insert, select

from kpi.store.db import upgrade

V1_PLAN = Path(__file__).parent / "plans" / "plan_r8_v1.yaml"


def fill_old_schema(engine: Engine, revision: str) -> dict[str, int]:
    """A database at ``revision`` holding the v1 plan's texts, an indicator with two revisions of
    one actual, a user (from 0002) and an audit entry; returns the row count of every table."""
    upgrade(engine, revision)
    raw = yaml.safe_load(V1_PLAN.read_text(encoding="utf-8"))
    meta = MetaData()
    with engine.begin() as conn:
        meta.reflect(conn)
        t = meta.tables
        fy = conn.execute(
            insert(t["fiscal_years"]).values(
                year=2026, label="令和8年度", municipality="草津市", plan_name="草津市DXアクションプラン",
                owner_department="経営戦略課", source_file="plan_r8.yaml", loaded_at=func.now(),
            )
        ).inserted_primary_key[0]  # fmt: skip
        policies = {}
        for p in raw["policies"]:
            policies[p["no"]] = conn.execute(
                insert(t["policies"]).values(fiscal_year_id=fy, no=p["no"], name=p["name"])
            ).inserted_primary_key[0]
        measures = {}
        for m in raw["measures"]:
            measures[m["no"]] = conn.execute(
                insert(t["measures"]).values(
                    fiscal_year_id=fy, no=m["no"], symbol=m["symbol"], name=m["name"], policy_id=policies[m["policy"]]
                )
            ).inserted_primary_key[0]
        project_ids = {}
        for p in raw["projects"]:
            project_ids[p["no"]] = conn.execute(
                insert(t["projects"]).values(
                    fiscal_year_id=fy, no=p["no"], name=p["name"], measure_id=measures[p["measure"]],
                    lead_department=p["lead_department"], related_departments=p["related_departments"],
                    summary=p["summary"], expected_effect=p["expected_effect"], url=p["url"],
                    until_r7=p["until_r7"], r8_plan=p["r8_plan"], r9_onward=p["r9_onward"], outcome=p["outcome"],
                )
            ).inserted_primary_key[0]  # fmt: skip
        ind = conn.execute(
            insert(t["indicators"]).values(
                fiscal_year_id=fy, project_id=project_ids[4], code="04-mynumber-card-rate", position=1,
                name="マイナンバーカード保有率", unit="%", baseline=85.0, baseline_note="", target=89.0,
                target_note="", direction="increase", accumulation="level", on_track_threshold=0.9,
                caution_threshold=0.7, min_value=0.0, max_value=100.0,
            )
        ).inserted_primary_key[0]  # fmt: skip
        for rev, value in ((1, 86.0), (2, 86.5)):
            conn.execute(
                insert(t["actual_revisions"]).values(
                    indicator_id=ind, month="2026-04", revision=rev, value=value, note="", reason="訂正" * (rev - 1),
                    author="shimin", created_at=func.now(), is_sample=False, source="form",
                )
            )  # fmt: skip
        if "users" in t:  # from 0002
            conn.execute(
                insert(t["users"]).values(
                    username="boss", display_name="", password_hash="x", role="admin", departments=[],
                    disabled=False, failed_logins=0, created_at=func.now(),
                )
            )  # fmt: skip
        conn.execute(
            insert(t["audit_log"]).values(at=func.now(), actor="boss", action="actual.save", target="x", detail={})
        )
        return {name: conn.execute(select(func.count()).select_from(tbl)).scalar_one() for name, tbl in t.items()}
