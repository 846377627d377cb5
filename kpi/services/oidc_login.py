"""Signing in through the city's OpenID Connect provider (Streamlit's ``st.login``): which local
account the provider's person is, or why nobody.

The provider says who signed in (the ID token's claims, ``st.user``); the role and the
departments come from the local account whose e-mail address matches (``python -m kpi user
add NAME --email …``). A person without such an account, with a disabled one, or whose
provider says the address is not verified is refused. Each answer is written to the audit log.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kpi.domain.permissions import Actor, PermissionDenied
from kpi.store.accounts import actor_by_email
from kpi.store.audit import audit
from kpi.store.db import transaction

if TYPE_CHECKING:
    from sqlalchemy import Engine

# Where the address is: "email" (OpenID Connect's standard claim); Entra ID sends it only as an
# optional claim, but always its sign-in name "preferred_username" (the UPN, taro@city.lg.jp).
EMAIL_CLAIMS = ("email", "preferred_username")
VIA = "oidc"  # the audit entries' "via"


@dataclass(frozen=True)
class OidcSignIn:
    actor: Actor | None  # None: refused
    email: str | None
    refusal: str | None  # None, "no_email", "unverified", "unknown" or "disabled"


def email_of(claims: Mapping[str, object]) -> str | None:
    """The signed-in person's e-mail address from the provider's claims, or None."""
    for name in EMAIL_CLAIMS:
        value = claims.get(name)
        if isinstance(value, str) and "@" in value.strip():
            return value.strip()
    return None


def sign_in(engine: Engine, claims: Mapping[str, object]) -> OidcSignIn:
    """The local account of the provider's person, or the reason for refusing them."""
    email = email_of(claims)
    if email is None:
        return OidcSignIn(None, None, "no_email")
    refusal: str | None = None
    actor: Actor | None = None
    with transaction(engine) as session:
        # A provider that says the address is not verified (a self-service account) cannot
        # claim a city account by it; Entra ID sends no email_verified, which is accepted.
        if claims.get("email_verified") is False:
            refusal = "unverified"
        else:
            try:
                actor = actor_by_email(session, email)
            except PermissionDenied:
                refusal = "disabled"
            else:
                refusal = None if actor is not None else "unknown"
        if actor is not None:
            audit(session, actor, "auth.login", actor.username, via=VIA, email=email)
        else:
            audit(session, email, "auth.login_refused", email, via=VIA, reason=f"{VIA}_{refusal}")
    return OidcSignIn(actor, email, refusal)
