"""The public edition in the database: the plan's public settings, 公開コメント (entered by a
project's editors, approved by an admin) and the record of every publication.

Every write takes the acting user, checks the permission here and lands in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpi.domain.permissions import Actor, PermissionDenied, require_admin, require_project_write
from kpi.store.audit import audit
from kpi.store.models import FiscalYear, Project, Publication, PublicComment, utcnow
from kpi.store.reads import project_by_no

MAX_COMMENT = 1000  # characters of a 公開コメント: a paragraph on a public page
PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"


class PublicationRejected(ValueError):
    """Nothing was written; the message says why, in Japanese."""


@dataclass(frozen=True)
class PublicSettings:
    municipality_code: str | None
    license: str
    attribution: str
    homepage: str | None
    contact_department: str


@dataclass(frozen=True)
class CommentRow:
    id: int
    project_no: int
    text: str
    state: str
    author: str  # for the admin's review only: never published


@dataclass(frozen=True)
class PublicationRow:
    id: int
    month: str
    lang: str
    published_on: date
    published_by: str
    checksum: str
    content_sha: str
    snapshot: dict[str, Any]
    corrections: list[Any]


def _fiscal_year(session: Session, year: int) -> FiscalYear:
    fy = session.scalars(select(FiscalYear).where(FiscalYear.year == year)).one_or_none()
    if fy is None:
        raise PublicationRejected(f"{year}年度の計画がありません")
    return fy


def public_settings(session: Session, year: int) -> PublicSettings:
    """The plan file's ``municipality_code`` and ``public:`` settings, defaults filled in."""
    fy = _fiscal_year(session, year)
    pub = fy.public or {}
    return PublicSettings(
        municipality_code=fy.municipality_code,
        license=str(pub.get("license") or "CC-BY-4.0"),
        attribution=str(pub.get("attribution") or fy.municipality),
        homepage=pub.get("homepage") or None,
        contact_department=str(pub.get("contact_department") or fy.owner_department or ""),
    )


def clean_comment(text: str) -> str:
    """A 公開コメント as stored: plain text, trimmed, no control characters but line breaks."""
    body = "".join(c for c in str(text) if c in "\n" or c >= " ").strip()
    if not body:
        raise PublicationRejected("公開コメントが空です")
    if len(body) > MAX_COMMENT:
        raise PublicationRejected(f"公開コメントは{MAX_COMMENT}文字以内にしてください（{len(body)}文字）")
    return body


def submit_comment(session: Session, actor: Actor, year: int, project_no: int, text: str) -> int:
    """An editor of the project (or an admin) proposes its 公開コメント; it waits for review."""
    project = project_by_no(session, year, project_no)
    if project is None:
        raise PublicationRejected(f"実施事業 {project_no} がありません")
    require_project_write(actor, project.lead_department, project.related_departments, "公開コメントの登録")
    row = PublicComment(project_id=project.id, text=clean_comment(text), state=PENDING, author=actor.username)
    session.add(row)
    session.flush()
    audit(session, actor, "public_comment.submit", f"{year}/project:{project_no}", comment_id=row.id)
    return row.id


def review_comment(session: Session, actor: Actor, comment_id: int, approve: bool) -> None:
    """An admin approves (published from the next publication on) or rejects a comment."""
    require_admin(actor, "公開コメントの承認")
    row = session.get(PublicComment, comment_id)
    if row is None:
        raise PublicationRejected(f"公開コメント {comment_id} がありません")
    if row.state != PENDING:
        raise PublicationRejected("この公開コメントは確認済みです")
    row.state = APPROVED if approve else REJECTED
    row.reviewed_by, row.reviewed_at = actor.username, utcnow()
    project = session.get(Project, row.project_id)
    fy = session.get(FiscalYear, project.fiscal_year_id) if project else None
    target = f"{fy.year if fy else ''}/project:{project.no if project else ''}"
    action = "public_comment.approve" if approve else "public_comment.reject"
    audit(session, actor, action, target, comment_id=row.id)


def _comments(session: Session, year: int, state: str | None) -> list[CommentRow]:
    stmt = (
        select(PublicComment.id, Project.no, PublicComment.text, PublicComment.state, PublicComment.author)
        .join(Project, Project.id == PublicComment.project_id)
        .join(FiscalYear, FiscalYear.id == Project.fiscal_year_id)
        .where(FiscalYear.year == year)
        .order_by(Project.no, PublicComment.id)
    )
    if state is not None:
        stmt = stmt.where(PublicComment.state == state)
    return [CommentRow(int(i), int(no), text, st, author) for i, no, text, st, author in session.execute(stmt)]


def pending_comments(session: Session, year: int) -> list[CommentRow]:
    return _comments(session, year, PENDING)


def project_comments(session: Session, year: int, project_no: int) -> list[CommentRow]:
    """Every comment of one project, oldest first (its editors see what waits for review)."""
    return [c for c in _comments(session, year, None) if c.project_no == project_no]


def approved_comments(session: Session, year: int) -> dict[int, str]:
    """Project number → its latest approved 公開コメント: the only comment text that is published."""
    out: dict[int, str] = {}
    for c in _comments(session, year, APPROVED):
        out[c.project_no] = c.text  # ordered by id: the latest wins
    return out


def publications(session: Session, year: int) -> list[PublicationRow]:
    """Every recorded publication of a fiscal year, oldest first."""
    fy = _fiscal_year(session, year)
    rows = session.scalars(
        select(Publication).where(Publication.fiscal_year_id == fy.id).order_by(Publication.id)
    ).all()
    return [
        PublicationRow(r.id, r.month, r.lang, r.published_on, r.published_by, r.checksum, r.content_sha,
                       dict(r.snapshot or {}), list(r.corrections or []))
        for r in rows
    ]  # fmt: skip


def record_publication(
    session: Session, actor: Actor, year: int, month: str, lang: str, published_on: date,
    checksum: str, content_sha: str, snapshot: dict[str, Any], corrections: list[Any],
) -> int:  # fmt: skip
    """Record one publication (admins only) and audit it."""
    if not actor.is_admin:
        raise PermissionDenied("公開版の作成: 管理者（admin）のみ実行できます")
    fy = _fiscal_year(session, year)
    row = Publication(
        fiscal_year_id=fy.id, month=month, lang=lang, published_on=published_on, published_by=actor.username,
        checksum=checksum, content_sha=content_sha, snapshot=snapshot, corrections=corrections,
    )  # fmt: skip
    session.add(row)
    session.flush()
    audit(session, actor, "publication.publish", f"{year}/{month}", lang=lang, checksum=checksum,
          published_on=published_on.isoformat(), corrections=len(corrections))  # fmt: skip
    return row.id
