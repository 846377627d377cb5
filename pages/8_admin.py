"""計画管理: indicator plan values, period locks and user accounts (administrators only)."""

from functools import partial

import streamlit as st

from kpi.domain.fiscal import fiscal_months
from kpi.domain.frames import opt_float
from kpi.domain.permissions import ROLES, PermissionDenied
from kpi.services import plan_admin
from kpi.store import accounts, locks
from kpi.store.reads import locked_months
from kpi.store.writes import EntryError, read, with_retry
from kpi.text.catalog import t
from kpi.text.fmt import MISSING, exact, number, plain_markdown
from kpi.web import auth, cache, frame, nav, prefs, widgets, words

frame.page_setup()
year, as_of = nav.sidebar()
st.title(words.tr("admin_title"))
data = nav.load(year)
actor = auth.current_actor()
if actor is None or not actor.is_admin:
    st.warning(words.tr("admin_only"), icon=":material/lock:")
    st.stop()
engine = cache.engine()
KEY_FLASH = "admin_plan_flash"
KEY_LOCK_FLASH = "admin_lock_flash"
KEY_PENDING = "admin_lock_pending"


def _text(v: object) -> str:
    return exact(v)  # the stored number exactly; "" when unset


def _role_label(role: str, lang: str) -> str:
    return t(f"role_{role}", lang)


def _indicator_label(code: str, names: dict[str, str]) -> str:
    return f"{code} {names[code]}"


# ---- indicator plan values: baselines, targets, monthly plans, thresholds
if data is not None and year is not None and data.indicators.empty:
    st.subheader(words.tr("admin_plan"))
    st.info(words.tr("dash_no_indicators"))
elif data is not None and year is not None:
    st.subheader(words.tr("admin_plan"))
    inds = data.indicators.set_index("code")
    code = st.selectbox(
        words.tr("indicator"),
        list(inds.index),
        format_func=partial(_indicator_label, names=inds["name"].to_dict()),
        placeholder=words.tr("choose_option"),
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
            words.tr("admin_derived_target").format(value=number(derived, ind["unit"]))
            if derived is not None
            else words.tr("admin_derived_pending").format(factor=f"{factor:g}")
        )
    with st.form(f"admin_plan_form_{code}"):
        c1, c2, c3, c4, c5 = st.columns(5)
        fields = {
            "baseline": c1.text_input(
                f"{words.tr('baseline')}（{ind['unit']}）", _text(ind["baseline"]), key=f"admin_baseline_{code}"
            ),
            "target": c2.text_input(
                f"{words.tr('target')}（{ind['unit']}）", _text(ind["target"]), key=f"admin_target_{code}"
            ),
            "target_factor": c3.text_input(
                words.tr("admin_target_factor"), _text(ind["target_factor"]), key=f"admin_factor_{code}"
            ),
            "on_track_threshold": c4.text_input(
                words.tr("admin_on_track"), _text(ind["on_track_threshold"]), key=f"admin_on_track_{code}"
            ),
            "caution_threshold": c5.text_input(
                words.tr("admin_caution"), _text(ind["caution_threshold"]), key=f"admin_caution_{code}"
            ),
        }
        monthly = st.text_area(
            words.tr("admin_monthly_plan"),
            plan_admin.format_monthly_plan(ind["monthly_plan"]),
            height=150,
            key=f"admin_monthly_{code}",
        )
        save = st.form_submit_button(words.tr("admin_save"), type="primary", icon=":material/save:")
    if save:
        try:
            changed = plan_admin.submit_plan_changes(engine, actor, year, code, dict(fields), monthly)
        except (EntryError, PermissionDenied) as exc:
            st.error(plain_markdown(str(exc)))
        else:
            if changed:
                # Rerun so the fields, and the derived target, show what was stored.
                cache.clear_caches()
                st.session_state[KEY_FLASH] = words.tr("admin_changed").format(n=len(changed))
                st.rerun()
            st.info(words.tr("admin_nochange"))

    # ---- period locks
    st.subheader(words.tr("admin_locks"))
    locked = sorted(read(engine, locked_months, year))
    st.text(f"{words.tr('admin_locked_months')}: {', '.join(locked) or MISSING}")
    c1, c2, c3 = st.columns([2, 1, 1], vertical_alignment="bottom")
    month = c1.selectbox(
        words.tr("month"),
        [str(m) for m in fiscal_months(year)],
        placeholder=words.tr("choose_option"),
        key="admin_lock_month",
    )
    if KEY_LOCK_FLASH in st.session_state:
        st.success(st.session_state.pop(KEY_LOCK_FLASH), icon=":material/check_circle:")
    # A lock stops every clerk's entry for the month: ask before acting, in two steps.
    if c2.button(words.tr("admin_lock"), key="admin_lock", icon=":material/lock:"):
        st.session_state[KEY_PENDING] = (month, True)
    if c3.button(words.tr("admin_unlock"), key="admin_unlock", icon=":material/lock_open:"):
        st.session_state[KEY_PENDING] = (month, False)
    pending = st.session_state.get(KEY_PENDING)
    if pending is not None:
        p_month, p_lock = pending
        st.warning(
            words.tr("admin_lock_confirm" if p_lock else "admin_unlock_confirm").format(month=p_month),
            icon=":material/warning:",
        )
        k1, k2, _ = st.columns([1, 1, 3])
        if k1.button(words.tr("admin_confirm"), key="admin_lock_confirm", type="primary"):
            del st.session_state[KEY_PENDING]
            try:
                locks.set_month_lock(engine, actor, year, p_month, p_lock)
            except (EntryError, PermissionDenied) as exc:
                st.error(plain_markdown(str(exc)))
            else:
                cache.clear_caches()
                done = "admin_locked_done" if p_lock else "admin_unlocked_done"
                st.session_state[KEY_LOCK_FLASH] = words.tr(done).format(month=p_month)
                st.rerun()
        if k2.button(words.tr("admin_cancel"), key="admin_lock_cancel"):
            del st.session_state[KEY_PENDING]
            st.rerun()

# ---- users
st.subheader(words.tr("admin_users"))
with st.form("admin_user_form", clear_on_submit=True):
    st.markdown(f"**{words.tr('admin_add_user')}**")
    c1, c2, c3 = st.columns(3)
    username = c1.text_input(words.tr("auth_username"), key="admin_new_username")
    display = c2.text_input(words.tr("admin_display_name"), key="admin_new_display")
    email = c3.text_input(words.tr("admin_email"), key="admin_new_email")
    c4, c5, c6 = st.columns(3)
    role = c4.selectbox(
        words.tr("admin_role"),
        ROLES,
        index=1,
        placeholder=words.tr("choose_option"),
        key="admin_new_role",
        format_func=partial(_role_label, lang=prefs.lang()),
    )
    departments = c5.text_input(words.tr("admin_departments"), key="admin_new_departments")
    password = c6.text_input(words.tr("admin_password"), type="password", key="admin_new_password")
    add = st.form_submit_button(words.tr("admin_add_user"), icon=":material/person_add:")
if add:
    generated = not password
    password = password or accounts.generate_password()
    deps = [d.strip() for d in departments.replace("、", ",").split(",") if d.strip()]
    try:
        with_retry(
            engine, accounts.add_user, actor, username, password, role, deps, display_name=display, email=email or None
        )
    except (accounts.AccountError, PermissionDenied) as exc:
        st.error(plain_markdown(str(exc)))
    else:
        st.success(f"{words.tr('admin_add_user')}: {plain_markdown(username)}")
        if generated:
            st.text(words.tr("admin_generated"))
            st.code(password, language=None)

users = read(engine, accounts.list_users)
c1, c2 = st.columns([2, 1], vertical_alignment="bottom")
active = [u for u, off in zip(users["username"], users["disabled"], strict=True) if not off and u != actor.username]
target = c1.selectbox(
    words.tr("admin_disable"), ["", *active], placeholder=words.tr("choose_option"), key="admin_disable_user"
)
if c2.button(words.tr("admin_disable"), key="admin_disable", disabled=not target, icon=":material/person_off:"):
    try:
        with_retry(engine, accounts.disable_user, actor, target)
    except (accounts.AccountError, PermissionDenied) as exc:
        st.error(plain_markdown(str(exc)))
    else:
        st.rerun()
st.dataframe(widgets.display_table(users), hide_index=True, width="stretch")

# ---- 部署の連絡先 (reminders from `python -m kpi remind --send` go to these addresses)
st.subheader(words.tr("inq_emails"))
if data is not None:
    widgets.department_emails_section(actor, sorted(set(data.projects["lead_department"])))
