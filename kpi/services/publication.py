"""The user actions around the public edition that need no report code: a project's editors
propose a 公開コメント, an admin approves or rejects it, the lists the pages show.

Each function takes the engine and the acting user and runs one transaction; the permission
checks and the audit entries are in ``kpi.store.publications``. Building and recording a
publication is ``kpi.reports.publication`` (it needs the site and open-data writers).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kpi.domain.permissions import Actor
from kpi.store import publications as store
from kpi.store.db import transaction
from kpi.store.publications import CommentRow, PublicationRejected, PublicationRow

if TYPE_CHECKING:
    from sqlalchemy import Engine

__all__ = ["CommentRow", "PublicationRejected", "PublicationRow"]


def submit_comment(engine: Engine, actor: Actor, year: int, project_no: int, text: str) -> int:
    with transaction(engine) as session:
        return store.submit_comment(session, actor, year, project_no, text)


def review_comment(engine: Engine, actor: Actor, comment_id: int, approve: bool) -> None:
    with transaction(engine) as session:
        store.review_comment(session, actor, comment_id, approve)


def pending_comments(engine: Engine, year: int) -> list[CommentRow]:
    with transaction(engine) as session:
        return store.pending_comments(session, year)


def project_comments(engine: Engine, year: int, project_no: int) -> list[CommentRow]:
    with transaction(engine) as session:
        return store.project_comments(session, year, project_no)


def publications(engine: Engine, year: int) -> list[PublicationRow]:
    with transaction(engine) as session:
        return store.publications(session, year)
