"""計画管理's backup section: download the whole database as one archive, and when the newest
automatic and scheduled backups were written (a warning when none is newer than 7 days)."""

from __future__ import annotations

from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from kpi.domain.clock import local_time_text
from kpi.domain.permissions import Actor
from kpi.services import backup as backups
from kpi.text.fmt import MISSING, size_text
from kpi.web.words import tr

KEY = "backup_"


def _row(kind: str, found: backups.BackupFile | None) -> dict[str, str]:
    return {
        tr("backup_kind"): tr(kind),
        tr("backup_file"): found.name if found else tr("backup_none"),
        tr("backup_time"): local_time_text(found.at) if found else MISSING,
        tr("backup_size"): size_text(found.size) if found else MISSING,
    }


def panel(engine: Any, actor: Actor) -> None:
    st.subheader(tr("backup_panel"))
    st.download_button(
        tr("backup_download"),
        data=partial(backups.download, engine, actor),  # made when clicked, not on every rerun
        file_name=backups.download_name(),
        mime="application/zip",
        help=tr("backup_download_help"),
        icon=":material/download:",
        on_click="ignore",
        key=f"{KEY}download",
    )
    seen = backups.overview()
    rows = [_row("backup_kind_auto", seen.automatic), _row("backup_kind_scheduled", seen.scheduled)]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    if seen.stale:
        st.warning(tr("backup_stale").format(dir=seen.directory), icon=":material/warning:")
