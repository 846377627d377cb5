"""Who may write what. Write paths in ``kpi`` call these themselves; hiding a button in the
UI is convenience, not security."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

ROLES = ("admin", "editor", "viewer")


class PermissionDenied(PermissionError):
    """The acting user may not make this write; the message says why, in Japanese."""


@dataclass(frozen=True)
class Actor:
    """The acting user of a write: a logged-in account or the command line."""

    username: str
    role: str = "viewer"
    departments: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def cli_actor() -> Actor:
    """The command line acts as an administrator: it runs on the server with its files."""
    import getpass

    try:
        name = getpass.getuser()
    except Exception:  # no login name in some containers
        name = "unknown"
    return Actor(username=f"cli:{name}", role="admin")


def can_write_project(actor: Actor, lead_department: str, related: Iterable[str]) -> bool:
    if actor.role == "admin":
        return True
    if actor.role != "editor":
        return False
    return bool(set(actor.departments) & ({lead_department} | set(related)))


VIEWER_REFUSED = "閲覧者（viewer）は書き込みできません"


def project_write_refusal(actor: Actor, lead_department: str, related: Iterable[str]) -> str | None:
    """Why ``actor`` may not write a project of these departments (Japanese); None when they may.

    The one wording of the refusal: ``require_project_write`` raises it, a save of many rows
    (``kpi.services.actuals``) reports it on each refused row."""
    if can_write_project(actor, lead_department, related):
        return None
    if actor.role == "viewer":
        return VIEWER_REFUSED
    return (
        f"書き込む権限がありません。担当部署（{lead_department}）または関係部署の編集者のみ書き込めます"
        f"（あなたの所属: {'・'.join(actor.departments) or 'なし'}）"
    )


def require_project_write(actor: Actor, lead_department: str, related: Iterable[str], what: str) -> None:
    reason = project_write_refusal(actor, lead_department, related)
    if reason is not None:
        raise PermissionDenied(f"{what}: {reason}")


def require_writer(actor: Actor, what: str) -> None:
    """Refuse a viewer before any project is looked at (a viewer may write none)."""
    if actor.role == "viewer":
        raise PermissionDenied(f"{what}: {VIEWER_REFUSED}")


def require_admin(actor: Actor, what: str) -> None:
    if not actor.is_admin:
        raise PermissionDenied(f"{what}: 管理者（admin）のみ実行できます")


def public_author(
    author: str, viewer: Actor | None, departments: Mapping[str, Sequence[str]], staff: str = "職員"
) -> str:
    """How the author of a value or comment is shown to ``viewer``.

    Logged-in users see the user name. Anonymous visitors see the author's department(s)
    instead, so that the public pages do not list account names (half of a login);
    ``staff`` stands for an author without a department (an administrator, the command line).
    """
    if viewer is not None or not author:
        return author
    return "・".join(departments.get(author) or ()) or staff
