"""計画管理's sections, one function each: an indicator's plan values, the period locks, the
user accounts. The page wires them."""

from __future__ import annotations

from functools import partial
from typing import Any

import streamlit as st

from kpi.domain.fiscal import fiscal_months
from kpi.domain.frames import opt_float
from kpi.domain.permissions import ROLES, Actor, PermissionDenied
from kpi.domain.plan import PlanData
from kpi.services import admin_page, plan_admin
from kpi.store.accounts import AccountError
from kpi.store.writes import EntryError, read, with_retry
from kpi.text.catalog import t
from kpi.text.fmt import MISSING, exact, number, plain_markdown
from kpi.text.labels import month_label
from kpi.web import cache, widgets
from kpi.web.prefs import lang
from kpi.web.words import tr

KEY_FLASH = "admin_plan_flash"
KEY_LOCK_FLASH = "admin_lock_flash"
KEY_PENDING = "admin_lock_pending"


def _role_label(role: str, lang: str) -> str:
    return t(f"role_{role}", lang)


def _indicator_label(code: str, names: dict[str, str]) -> str:
    return f"{code} {names[code]}"


def baseline_todo(data: PlanData) -> None:
    """The indicators that cannot be judged until an administrator sets their baseline."""
    i = data.indicators
    missing = [
        str(name)
        for name, base, new in zip(i["name"], i["baseline"], i["baseline_is_new"], strict=True)
        if opt_float(base) is None and not bool(new)
    ]
    if missing:
        st.warning(
            tr("glance_baseline_todo").format(
                n=len(missing), names=plain_markdown(t("list_sep", lang()).join(missing))
            ),
            icon=":material/task_alt:",
        )


def plan_values(engine: Any, actor: Actor, data: PlanData) -> None:
    """One indicator's baselines, targets, monthly plan and thresholds."""
    baseline_todo(data)
    inds = data.indicators.set_index("code")
    code = st.selectbox(
        tr("indicator"),
        list(inds.index),
        format_func=partial(_indicator_label, names=inds["name"].to_dict()),
        placeholder=tr("choose_option"),
        key="admin_indicator",
    )
    ind = inds.loc[code]
    st.caption(f"{plain_markdown(ind['baseline_note'])} ・ {plain_markdown(ind['target_note'])}")
    if KEY_FLASH in st.session_state:
        st.success(st.session_state.pop(KEY_FLASH), icon=":material/check_circle:")
    factor = opt_float(ind["target_factor"])
    if factor is not None:
        derived = plan_admin.derived_target(opt_float(ind["baseline"]), factor)
        st.markdown(
            tr("admin_derived_target").format(value=number(derived, ind["unit"]))
            if derived is not None
            else tr("admin_derived_pending").format(factor=f"{factor:g}")
        )
    with st.form(f"admin_plan_form_{code}"):
        columns = st.columns(5)
        labels = {
            "baseline": (f"{tr('baseline')}（{ind['unit']}）", "baseline"),
            "target": (f"{tr('target')}（{ind['unit']}）", "target"),
            "target_factor": (tr("admin_target_factor"), "factor"),
            "on_track_threshold": (tr("admin_on_track"), "on_track"),
            "caution_threshold": (tr("admin_caution"), "caution"),
        }
        # The stored number exactly; "" when unset. Thresholds read and are typed as % (90, not 0.9).
        shown = {f: plan_admin.threshold_percent(ind[f]) if f in plan_admin.THRESHOLD_FIELDS else exact(ind[f])
                 for f in labels}  # fmt: skip
        fields = {
            field: col.text_input(label, shown[field], key=f"admin_{key}_{code}")
            for col, (field, (label, key)) in zip(columns, labels.items(), strict=True)
        }
        monthly = st.text_area(
            tr("admin_monthly_plan"),
            plan_admin.format_monthly_plan(ind["monthly_plan"]),
            height=150,
            key=f"admin_monthly_{code}",
        )
        save = st.form_submit_button(tr("admin_save"), type="primary", icon=":material/save:")
    if save:
        try:
            changed = plan_admin.submit_plan_changes(engine, actor, data.year, code, dict(fields), monthly)
        except (EntryError, PermissionDenied) as exc:
            st.error(plain_markdown(str(exc)))
        else:
            if changed:
                # Rerun so the fields, and the derived target, show what was stored.
                cache.clear_caches()
                st.session_state[KEY_FLASH] = tr("admin_changed").format(n=len(changed))
                st.rerun()
            st.info(tr("admin_nochange"))


def period_locks(engine: Any, actor: Actor, year: int) -> None:
    """The locked months, and locking or unlocking one (confirmed in a second step)."""
    st.subheader(tr("admin_locks"))
    locked = read(engine, admin_page.locked_month_list, year)
    months = t("list_sep", lang()).join(month_label(m, lang()) for m in locked)
    st.text(f"{tr('admin_locked_months')}: {months or MISSING}")
    c1, c2, c3 = st.columns([2, 1, 1], vertical_alignment="bottom")
    month = c1.selectbox(
        tr("month"),
        [str(m) for m in fiscal_months(year)],
        format_func=partial(month_label, lang=lang()),
        placeholder=tr("choose_option"),
        key="admin_lock_month",
    )
    if KEY_LOCK_FLASH in st.session_state:
        st.success(st.session_state.pop(KEY_LOCK_FLASH), icon=":material/check_circle:")
    # A lock stops every clerk's entry for the month: ask before acting, in two steps.
    if c2.button(tr("admin_lock"), key="admin_lock", icon=":material/lock:"):
        st.session_state[KEY_PENDING] = (month, True)
    if c3.button(tr("admin_unlock"), key="admin_unlock", icon=":material/lock_open:"):
        st.session_state[KEY_PENDING] = (month, False)
    pending = st.session_state.get(KEY_PENDING)
    if pending is None:
        return
    p_month, p_lock = pending
    st.warning(
        tr("admin_lock_confirm" if p_lock else "admin_unlock_confirm").format(month=month_label(p_month, lang())),
        icon=":material/warning:",
    )
    k1, k2, _ = st.columns([1, 1, 3])
    if k1.button(tr("admin_confirm"), key="admin_lock_confirm", type="primary"):
        del st.session_state[KEY_PENDING]
        try:
            admin_page.set_lock(engine, actor, year, p_month, p_lock)
        except (EntryError, PermissionDenied) as exc:
            st.error(plain_markdown(str(exc)))
        else:
            cache.clear_caches()
            done = "admin_locked_done" if p_lock else "admin_unlocked_done"
            st.session_state[KEY_LOCK_FLASH] = tr(done).format(month=month_label(p_month, lang()))
            st.rerun()
    if k2.button(tr("admin_cancel"), key="admin_lock_cancel"):
        del st.session_state[KEY_PENDING]
        st.rerun()


def users(engine: Any, actor: Actor) -> None:
    """Add a user (a password generated when left empty), disable one, the list of accounts."""
    st.subheader(tr("admin_users"))
    with st.form("admin_user_form", clear_on_submit=True):
        st.markdown(f"**{tr('admin_add_user')}**")
        c1, c2, c3 = st.columns(3)
        username = c1.text_input(tr("auth_username"), key="admin_new_username")
        display = c2.text_input(tr("admin_display_name"), key="admin_new_display")
        email = c3.text_input(tr("admin_email"), key="admin_new_email")
        c4, c5, c6 = st.columns(3)
        role = c4.selectbox(
            tr("admin_role"),
            ROLES,
            index=1,
            placeholder=tr("choose_option"),
            key="admin_new_role",
            format_func=partial(_role_label, lang=lang()),
        )
        departments = c5.text_input(tr("admin_departments"), key="admin_new_departments")
        password = c6.text_input(tr("admin_password"), type="password", key="admin_new_password")
        add = st.form_submit_button(tr("admin_add_user"), icon=":material/person_add:")
    if add:
        try:
            args = (actor, username, password, str(role), departments, display, email)
            used = with_retry(engine, admin_page.add_account, *args)
        except (AccountError, PermissionDenied) as exc:
            st.error(plain_markdown(str(exc)))
        else:
            st.success(f"{tr('admin_add_user')}: {plain_markdown(username)}")
            if not password:
                st.text(tr("admin_generated"))
                st.code(used, language=None)

    accounts = read(engine, admin_page.user_list)
    c1, c2 = st.columns([2, 1], vertical_alignment="bottom")
    active = [u for u, off in zip(accounts["username"], accounts["disabled"], strict=True) if not off]
    active = [u for u in active if u != actor.username]
    target = c1.selectbox(tr("admin_disable"), ["", *active], placeholder=tr("choose_option"), key="admin_disable_user")
    if c2.button(tr("admin_disable"), key="admin_disable", disabled=not target, icon=":material/person_off:"):
        try:
            with_retry(engine, admin_page.disable_account, actor, target)
        except (AccountError, PermissionDenied) as exc:
            st.error(plain_markdown(str(exc)))
        else:
            st.rerun()
    st.dataframe(widgets.display_table(accounts), hide_index=True, width="stretch")
