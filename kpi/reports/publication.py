"""Publishing a month to residents: read what may be published, build the site and the open
data, record the publication (who, when, which month, checksum, what was published) and
audit it. Used by ``python -m kpi publish`` and the 計画管理 panel (a zip of the same files).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from kpi.domain.fiscal import Month
from kpi.domain.inquiry import State
from kpi.domain.permissions import Actor, require_admin
from kpi.reports.open_data import open_data_files
from kpi.reports.public_content import Evaluation, Prior, PublicEdition, Settings, public_edition
from kpi.reports.public_site import site_files
from kpi.store import publications as store
from kpi.store.db import transaction
from kpi.store.evaluations import current_evaluations
from kpi.store.inquiry import evaluation_states
from kpi.store.reads import plan_data

if TYPE_CHECKING:
    from sqlalchemy import Engine


@dataclass(frozen=True)
class Published:
    files: dict[str, bytes]
    checksum: str
    publication_id: int
    edition: PublicEdition

    @property
    def corrections(self) -> int:
        return len(self.edition.corrections)


def checksum(files: dict[str, bytes]) -> str:
    """SHA-256 over every file's path and bytes, in path order."""
    h = hashlib.sha256()
    for path in sorted(files):
        h.update(path.encode("utf-8") + b"\0" + hashlib.sha256(files[path]).digest())
    return h.hexdigest()


def build_edition(engine: Engine, year: int, as_of: Month, today: date) -> PublicEdition | None:
    """The public edition of ``as_of`` from the database, or None without the year's plan."""
    with transaction(engine) as session:
        data = plan_data(session, year)
        if data is None:
            return None
        raw = store.public_settings(session, year)
        settings = Settings(raw.municipality_code, raw.license, raw.attribution, raw.homepage,
                            raw.contact_department)  # fmt: skip
        comments = store.approved_comments(session, year)
        states = evaluation_states(session, year)
        confirmed = {no for no, info in states.items() if info.state is State.CONFIRMED}
        evaluations = {
            int(r["project_no"]): Evaluation(str(r["rating"]), str(r["reason"] or ""), str(r["new_issues"] or ""))
            for r in current_evaluations(session, year).to_dict("records")
            if int(r["project_no"]) in confirmed
        }
        priors = [
            Prior(p.id, p.month, p.published_on, p.content_sha, p.snapshot, p.corrections)
            for p in store.publications(session, year)
        ]
    return public_edition(data, as_of, settings, comments, evaluations, priors, today)


def publish(engine: Engine, actor: Actor, year: int, as_of: Month, today: date,
            langs: tuple[str, ...] = ("ja",)) -> Published | None:  # fmt: skip
    """Build every file of the public edition and record the publication (admins only)."""
    require_admin(actor, "公開版の作成")
    edition = build_edition(engine, year, as_of, today)
    if edition is None:
        return None
    files = {**site_files(edition, langs), **open_data_files(edition)}
    files = dict(sorted(files.items()))
    total = checksum(files)
    with transaction(engine) as session:
        pid = store.record_publication(
            session, actor, year, str(as_of), ",".join(langs), edition.published_on, total, edition.content_sha,
            edition.snapshot, [c.as_dict() for c in edition.corrections],
        )  # fmt: skip
    return Published(files, total, pid, edition)


def zip_bytes(files: dict[str, bytes], on: date) -> bytes:
    """The files as one zip, byte-identical for the same files: sorted, every entry dated ``on``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(files):
            info = zipfile.ZipInfo(path, date_time=(on.year, on.month, on.day, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, files[path])
    return buf.getvalue()


def write_files(files: dict[str, bytes], out: Path) -> None:
    for path, payload in files.items():
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(payload)
