"""The last line of the control-character rule (``kpi.text.control``): no session flushes a
text column holding one, whichever write path forgot to check.

The write paths check first, with the field named as the person typed it; this guard makes
the rule hold for any future path too, and on PostgreSQL turns what would be an internal
``psycopg.DataError`` (NUL in text) into the same Japanese message, naming the column.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from kpi.text.control import control_refusal

# What a person calls a stored column, for the message; others are named table.column.
COLUMN_NAMES = {
    "actual_revisions.note": "備考", "actual_revisions.reason": "修正理由", "assessments.comment": "自己評価のコメント",
    "evaluations.reason": "左記の状況・理由等", "evaluations.new_issues": "新たに生じた課題等",
    "users.username": "利用者名", "users.display_name": "表示名", "users.email": "メールアドレス",
    "department_contacts.department": "部署名", "department_contacts.email": "メールアドレス",
    "projects.name": "実施事業の名称", "indicators.name": "指標の名称",
}  # fmt: skip


def _refusal(obj: Any, is_new: bool) -> str | None:
    state = inspect(obj)
    table = getattr(obj, "__tablename__", type(obj).__name__)
    for attr in state.mapper.column_attrs:
        if not is_new and not state.attrs[attr.key].history.has_changes():
            continue
        value = getattr(obj, attr.key, None)
        if isinstance(value, str):
            column = f"{table}.{attr.key}"
            message = control_refusal(COLUMN_NAMES.get(column, column), value)
            if message is not None:
                return message
    return None


@event.listens_for(Session, "before_flush")
def _refuse_control(session: Session, flush_context: Any, instances: Any) -> None:
    from kpi.store.writes import EntryError  # writes imports the engine module, which imports this one

    for objs, is_new in ((session.new, True), (session.dirty, False)):
        for obj in objs:
            message = _refusal(obj, is_new)
            if message is not None:
                raise EntryError(message)
