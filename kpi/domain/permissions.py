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


def require_project_write(actor: Actor, lead_department: str, related: Iterable[str], what: str) -> None:
    if not can_write_project(actor, lead_department, related):
        if actor.role == "viewer":
            raise PermissionDenied(f"{what}: 閲覧者（viewer）は書き込みできません")
        raise PermissionDenied(
            f"{what}: 担当部署（{lead_department}）または関係部署の編集者のみ書き込めます"
            f"（あなたの所属: {'・'.join(actor.departments) or 'なし'}）"
        )


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
