"""One user action, one transaction: reads for pages and writes retried on a revision race.

Pages never open a transaction themselves; they call ``read`` or a write function that
uses ``with_retry``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from kpi.store.db import transaction
from kpi.store.revisions import is_revision_conflict

RETRIES = 3  # attempts when two sessions write the same revision number at once

T = TypeVar("T")


class EntryError(ValueError):
    """A write was refused for a reason the user can fix; the message is Japanese."""


class ConcurrentSave(EntryError):
    """Another session kept winning the race for the same revision number."""


def with_retry(engine: Engine, write: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run ``write(session, *args)`` in its own write transaction, again if a revision number raced.

    Revisions are numbered max+1; two sessions saving the same cell at the same moment
    both compute the same number and the UNIQUE constraint refuses the second. Nothing
    is lost: the loser reads again and either saves the next revision or, when its form
    was loaded before the winner's save, reports a conflict with the winner's value.
    Any other integrity error is a defect and is raised as it is.
    """
    for _ in range(RETRIES):
        try:
            with transaction(engine, write=True) as session:
                return write(session, *args, **kwargs)
        except IntegrityError as exc:
            if not is_revision_conflict(exc):
                raise
    raise ConcurrentSave("同時に保存が行われたため保存できませんでした。もう一度保存してください")


def read(engine: Engine, query: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a read function ``query(session, *args)`` in a short transaction (pages hold no Session)."""
    with transaction(engine) as session:
        return query(session, *args, **kwargs)
