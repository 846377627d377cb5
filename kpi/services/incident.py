"""Internal errors: logged with a short incident id that a person can quote to the administrator.

Visitors and operators see a friendly message with the id; the traceback goes only to the
log (the Streamlit server's log, or the command line's log file).
"""

from __future__ import annotations

import logging
import secrets

log = logging.getLogger("kpi.services.incident")


def record(exc: BaseException, where: str) -> str:
    """Log ``exc`` with its traceback under a new incident id; return the id."""
    incident = secrets.token_hex(4)
    log.error("incident %s in %s: %s", incident, where, type(exc).__name__, exc_info=exc)
    return incident
