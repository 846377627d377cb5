"""Catalog entries for signing in with the city's directory (LDAP / Active Directory) and for
running behind the office's reverse proxy (kpi.services.directory, kpi.cli.directory,
kpi.web.reconnect). Same shape as ``kpi.text.catalog.TEXT``; registered at its end.
"""

from __future__ import annotations

LDAP_TEXT: dict[str, tuple[str, str]] = {
    "ldap_unreachable": (
        "ディレクトリ（Active Directory）に接続できないため、ログインできません。"
        "しばらくしてからもう一度お試しください。続くときは情報政策担当に連絡してください"
        "（このシステムのローカルアカウントはログインできます）",
        "The directory (Active Directory) cannot be reached, so you cannot sign in now. Try again later; "
        "if it persists, tell the IT department (local accounts of this system can still sign in)",
    ),
    "ldap_not_configured": (
        "ディレクトリ連携は設定されていません（KPI_LDAP_URL が未設定）",
        "Directory sign-in is not configured (KPI_LDAP_URL is not set)",
    ),
    "ldap_found": ("見つかりました", "found"),
    "ldap_not_found": (
        "見つかりません（検索条件 {filter}、検索の起点 {base}）",
        "not found (filter {filter}, base {base})",
    ),
    "ldap_field_found": ("ディレクトリ", "Directory"),
    "ldap_field_dn": ("DN", "DN"),
    "ldap_field_name": ("表示名", "Display name"),
    "ldap_field_groups": ("KPIのグループ", "KPI groups"),
    "ldap_field_role": ("役割", "Role"),
    "ldap_field_departments": ("部署", "Departments"),
    "ldap_field_raw_departments": ("ディレクトリの部署（{attribute}）", "Directory departments ({attribute})"),
    "ldap_no_role": (
        "なし（KPI_LDAP_ROLE_GROUPS のどのグループにも入っていないため、ログインできません）",
        "none (in none of the KPI_LDAP_ROLE_GROUPS groups: cannot sign in)",
    ),
    "ldap_editor_without_department": (
        "閲覧者（編集者のグループに入っていますが部署がないため）",
        "viewer (in the editors' group, but without a department)",
    ),
    "ldap_unknown_department": (
        "計画にない部署です（KPI_LDAP_DEPARTMENT_MAP で計画の部署名に対応づけてください）",
        "not a department of the plan (map it with KPI_LDAP_DEPARTMENT_MAP)",
    ),
    "ldap_local_account": (
        "このシステムのローカルアカウントです（ディレクトリより優先してログインに使われます）",
        "a local account of this system (used for sign-in before the directory)",
    ),
    "login_reason_directory": (
        "ディレクトリに見つからない、またはKPIのグループに入っていない",
        "not in the directory or in none of the KPI groups",
    ),
    # The browser's connection moved to another app server (it stopped or restarted).
    "office_reconnected": (
        "サーバーとの接続が切れたため、画面を開き直しました。ログインしていた方はもう一度ログインしてください"
        "（保存済みの値はそのままです）。",
        "The connection to the server was lost and the page was opened again. If you were signed in, "
        "please sign in again (everything saved is kept).",
    ),
}
