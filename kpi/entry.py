"""The write paths of the entry and admin pages, by subject (kept as one import for callers).

New code imports the subject module directly: ``kpi.entry_actuals`` (the monthly form),
``kpi.milestones``, ``kpi.assessments``, ``kpi.plan_admin``, ``kpi.locks``,
``kpi.bulk_import``, ``kpi.audit_query`` and ``kpi.writes`` (one transaction per action).
"""

from __future__ import annotations

from kpi.assessments import ASSESSMENT_STATUSES, save_assessment, save_assessments, writable_projects
from kpi.audit_query import audit_log, filter_audit
from kpi.bulk_import import ImportPreview, commit_import, preview_import, submit_import
from kpi.entry_actuals import CellInput, MonthResult, entry_rows, save_month, status_with, submit_month
from kpi.fmt import plain_markdown as escape_markdown
from kpi.locks import lock_month, set_month_lock, unlock_month
from kpi.milestones import complete_milestone, save_milestones, undo_milestone, writable_milestones
from kpi.plan_admin import (
    PLAN_FIELDS,
    format_monthly_plan,
    parse_monthly_plan,
    submit_plan_changes,
    update_indicator_plan,
)
from kpi.writes import ConcurrentSave, EntryError, read, with_retry

__all__ = [
    "ASSESSMENT_STATUSES",
    "PLAN_FIELDS",
    "CellInput",
    "ConcurrentSave",
    "EntryError",
    "ImportPreview",
    "MonthResult",
    "audit_log",
    "commit_import",
    "complete_milestone",
    "entry_rows",
    "escape_markdown",
    "filter_audit",
    "format_monthly_plan",
    "lock_month",
    "parse_monthly_plan",
    "preview_import",
    "read",
    "save_assessment",
    "save_assessments",
    "save_milestones",
    "save_month",
    "set_month_lock",
    "status_with",
    "submit_import",
    "submit_month",
    "submit_plan_changes",
    "undo_milestone",
    "unlock_month",
    "update_indicator_plan",
    "with_retry",
    "writable_milestones",
    "writable_projects",
]
