"""Words of the sign-in through the city's OpenID Connect provider (kpi.web.auth,
kpi.services.oidc_login): entries shaped as those of ``kpi.text.catalog.TEXT``."""

from __future__ import annotations

OIDC_TEXT: dict[str, tuple[str, str]] = {
    "oidc_unknown": (
        "組織アカウント {email} に対応する利用者が登録されていないため、ログインできません。"
        "管理者に、このメールアドレスでの利用者登録を依頼してください。",
        "You cannot log in: no user is registered for the organisation account {email}."
        " Ask an administrator to add a user with this e-mail address.",
    ),
    "oidc_disabled": (
        "組織アカウント {email} の利用者は無効にされているため、ログインできません。",
        "You cannot log in: the user of the organisation account {email} has been disabled.",
    ),
    "oidc_unverified": (
        "組織アカウント {email} のメールアドレスは確認済みではないため、ログインできません。",
        "You cannot log in: the e-mail address of the organisation account {email} is not verified.",
    ),
    "oidc_no_email": (
        "組織アカウントからメールアドレスが届かないため、ログインできません"
        "（認証プロバイダーの設定で email クレームを送るようにしてください）。",
        "You cannot log in: the organisation account sent no e-mail address"
        " (configure the provider to send the email claim).",
    ),
    "oidc_switch": ("組織アカウントからログアウト", "Log out of the organisation account"),
    # Audit log (変更履歴): why an organisation-account login was refused.
    "login_reason_oidc_unknown": ("登録のない組織アカウント", "unregistered organisation account"),
    "login_reason_oidc_disabled": ("無効にされた利用者の組織アカウント", "organisation account of a disabled user"),
    "login_reason_oidc_unverified": ("未確認のメールアドレス", "unverified e-mail address"),
}
