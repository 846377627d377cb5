"""One user action, one transaction: reads for pages and writes retried on a revision race.

Pages never open a transaction themselves; they call ``read`` or a write function that
uses ``with_retry``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

from kpi.store.db import transaction
from kpi.store.revisions import is_revision_conflict
from kpi.text.catalog import t

RETRIES = 3  # attempts when two sessions write the same revision number at once

T = TypeVar("T")


class EntryError(ValueError):
    """A write was refused for a reason the user can fix; the message is Japanese."""


class ConcurrentSave(EntryError):
    """Another session kept winning the race for the same revision number."""


class StorageFault(EntryError):
    """The database could not take a write: the disk is full, the file is read-only, the server
    cannot be reached, or other writers kept it locked. The transaction was rolled back, so
    nothing was written; the same save works once the fault is gone."""


# (what the driver says, lower case) → the catalog entry that tells the user
_FAULTS = (
    (("disk is full", "no space left", "disk full", "could not extend file"), "backup_fault_disk_full"),
    (("readonly database", "read-only", "unable to open database file"), "backup_fault_read_only"),
    (("database is locked",), "backup_fault_busy"),
    (
        ("connection refused", "server closed the connection", "terminating connection", "connection failed",
         "could not connect", "connection timeout", "the connection is closed", "consuming input failed"),
        "backup_fault_unreachable",
    ),
)  # fmt: skip


def storage_fault(exc: BaseException) -> str | None:
    """The catalog key of the storage fault ``exc`` reports (None: not one, a defect)."""
    if not isinstance(exc, DBAPIError) or isinstance(exc, IntegrityError):
        return None
    said = str(exc.orig).lower()
    for words, key in _FAULTS:
        if any(w in said for w in words):
            return key
    return "backup_fault_unreachable" if exc.connection_invalidated else None


def with_retry(engine: Engine, write: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run ``write(session, *args)`` in its own write transaction, again if a revision number raced.

    Revisions are numbered max+1; two sessions saving the same cell at the same moment
    both compute the same number and the UNIQUE constraint refuses the second. Nothing
    is lost: the loser reads again and either saves the next revision or, when its form
    was loaded before the winner's save, reports a conflict with the winner's value.
    Any other integrity error is a defect and is raised as it is.

    A full disk, a read-only file or an unreachable server is a StorageFault (a Japanese
    message for the form, which keeps its input); the engine's pooled connections are dropped,
    so the next save opens new ones and works as soon as the fault is gone.
    """
    for _ in range(RETRIES):
        try:
            with transaction(engine, write=True) as session:
                return write(session, *args, **kwargs)
        except IntegrityError as exc:
            if not is_revision_conflict(exc):
                raise
        except DBAPIError as exc:
            fault = storage_fault(exc)
            if fault is None:
                raise
            engine.dispose()  # a connection opened while the file was read-only stays read-only
            raise StorageFault(t(fault)) from exc
    raise ConcurrentSave("同時に保存が行われたため保存できませんでした。もう一度保存してください")


def read(engine: Engine, query: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a read function ``query(session, *args)`` in a short transaction (pages hold no Session)."""
    with transaction(engine) as session:
        return query(session, *args, **kwargs)
