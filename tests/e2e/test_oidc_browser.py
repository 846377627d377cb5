"""Signing in with the organisation account (st.login) against a real OpenID Connect provider.

The provider is ``oidc-provider-mock`` (an Authlib-based OpenID provider) on a free local port
in this process; its login page asks who signs in (the subject, here the e-mail address) and
its end_session endpoint ends the provider's session. The app server reads the ``[auth]``
section from a ``secrets.toml`` written into the test's temporary directory
(``STREAMLIT_SECRETS_FILES``): nothing is written into the worktree.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import pytest

from kpi.bench import browser as bench_browser
from kpi.services.demo import load_demo
from kpi.store import accounts as auth
from kpi.store.audit import audit_frame
from kpi.store.bootstrap import import_plan
from kpi.store.db import DEFAULT_PLAN, make_engine, transaction

from ..conftest import ADMIN, TODAY
from .conftest import go, require_chromium

# oidc-provider-mock calls an Authlib hook that Authlib now marks deprecated: not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore:get_jwt_config:DeprecationWarning")

EDITOR_EMAIL = "Shimin.Taro@City.Example"  # as the account was added
SIGNED_IN_AS = "shimin.taro@city.example"  # as the provider sends it: another case, the same person
STRANGER = "stranger@city.example"
SECRETS = """[auth]
redirect_uri = "{app}/oauth2callback"
cookie_secret = "oidc-test-cookie-secret-0123456789"
client_id = "kpi-dashboard"
client_secret = "kpi-dashboard-secret"
server_metadata_url = "{provider}/.well-known/openid-configuration"
"""


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """Base URL of the OpenID provider."""
    require_chromium()
    import oidc_provider_mock

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")  # plain http on localhost, in the provider only
        with oidc_provider_mock.run_server_in_thread() as server:
            yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def oidc_app(provider: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(base URL, database URL) of ``streamlit run app.py`` configured for the provider, on the
    plan and the sample data with one editor whose account carries an e-mail address."""
    tmp = tmp_path_factory.mktemp("e2e-oidc")
    db_url = f"sqlite:///{tmp / 'kpi.db'}"
    engine = make_engine(db_url)
    import_plan(engine, DEFAULT_PLAN, ADMIN)
    with transaction(engine) as s:
        load_demo(s, TODAY.year, ADMIN, TODAY)
        auth.add_user(s, ADMIN, "shimin", "shimin-password-1", "editor", ["市民課"], email=EDITOR_EMAIL)
    engine.dispose()
    port = bench_browser.free_port()
    app = f"http://127.0.0.1:{port}"
    secrets = tmp / "secrets.toml"
    secrets.write_text(SECRETS.format(app=app, provider=provider), encoding="utf-8")
    env = {"KPI_DATABASE_URL": db_url, "KPI_TODAY": TODAY.isoformat(), "STREAMLIT_SECRETS_FILES": str(secrets)}
    with bench_browser.streamlit_server(env, tmp / "streamlit.log", port) as base_url:
        yield base_url, db_url


def _sidebar(page: Any) -> Any:
    return page.locator('[data-testid="stSidebar"]')


def _sign_in_at_provider(page: Any, app: str, email: str) -> None:
    """組織アカウントでログイン → the provider's login page → the person chosen there → back."""
    page.goto(app)
    _sidebar(page).get_by_role("button", name="組織アカウントでログイン").click()
    page.wait_for_url("**/oauth2/authorize**")
    page.locator('input[name="sub"]').fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{app}/**")


def _host(url: str) -> str:
    return urlparse(url).netloc


def test_organisation_account_signs_in_with_the_role_of_the_matched_account(
    oidc_app: tuple[str, str], provider: str, browser_page: Any
) -> None:
    app, db_url = oidc_app
    page = browser_page
    _sign_in_at_provider(page, app, SIGNED_IN_AS)
    sidebar = _sidebar(page)
    sidebar.get_by_text("ログイン中").wait_for()
    assert "shimin（編集者）" in sidebar.inner_text()
    assert "市民課" in sidebar.inner_text()
    assert sidebar.get_by_label("パスワード").count() == 0  # the login form is gone
    go(page, "実績入力")  # an editor's form, not "log in first" or "viewers cannot enter"
    main = page.locator('[data-testid="stMain"]')
    main.get_by_role("button", name="まとめて保存").first.wait_for()
    assert "ログインしてください" not in main.inner_text()
    with transaction(make_engine(db_url)) as s:
        log = audit_frame(s, 20)
    logins = log[(log["action"] == "auth.login") & (log["actor"] == "shimin")]
    assert len(logins) == 1 and logins.iloc[0]["detail"]["via"] == "oidc"


def test_unknown_email_is_refused_in_japanese_and_can_leave_the_provider(
    oidc_app: tuple[str, str], provider: str, browser_page: Any
) -> None:
    app, _ = oidc_app
    page = browser_page
    _sign_in_at_provider(page, app, STRANGER)
    sidebar = _sidebar(page)
    refusal = sidebar.locator('[data-testid="stAlert"]', has_text=STRANGER)
    refusal.wait_for()
    assert "利用者が登録されていないため、ログインできません" in refusal.inner_text()
    assert sidebar.get_by_text("ログイン中").count() == 0
    sidebar.get_by_label("パスワード").wait_for()  # local accounts (a break-glass admin) still sign in
    page.reload()  # a new session asks again and is refused again, nobody gets in
    refusal.wait_for()
    assert sidebar.get_by_text("ログイン中").count() == 0
    sidebar.get_by_role("button", name="組織アカウントからログアウト").click()
    page.wait_for_url("**/oauth2/end_session**")
    assert _host(page.url) == _host(provider)


def test_logout_ends_the_app_session_and_the_provider_session(
    oidc_app: tuple[str, str], provider: str, browser_page: Any
) -> None:
    app, _ = oidc_app
    page = browser_page
    _sign_in_at_provider(page, app, SIGNED_IN_AS)
    sidebar = _sidebar(page)
    sidebar.get_by_text("ログイン中").wait_for()
    sidebar.get_by_role("button", name="ログアウト").click()
    # The provider's end_session endpoint (RP-initiated logout), then back to the app.
    page.wait_for_url("**/oauth2/end_session**")
    assert _host(page.url) == _host(provider)
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{app}/**")
    sidebar.get_by_label("パスワード").wait_for()
    assert sidebar.get_by_text("ログイン中").count() == 0
    page.reload()  # no identity cookie left: a new visit is signed out
    sidebar.get_by_role("button", name="組織アカウントでログイン").wait_for()
    assert sidebar.get_by_text("ログイン中").count() == 0
    sidebar.get_by_role("button", name="組織アカウントでログイン").click()
    page.wait_for_url("**/oauth2/authorize**")  # a new login asks the provider again
    assert page.locator('input[name="sub"]').count() == 1
