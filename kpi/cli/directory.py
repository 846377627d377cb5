"""``python -m kpi ldap-check USERNAME``: what the directory says about a person, without a
password (found, DN, KPI groups, role, departments), for setting up KPI_LDAP_*.

The parser is kpi.cli.main (which imports this module only when the command runs).
"""

from __future__ import annotations

import argparse

from kpi.cli.main import EXIT_OK, EXIT_REJECTED, err


def cmd_ldap_check(args: argparse.Namespace) -> int:
    from kpi.services import directory
    from kpi.text.catalog import t

    try:
        config = directory.load_config()
    except directory.DirectoryConfigError as exc:
        err(str(exc))
        return EXIT_REJECTED
    if config is None:
        err(t("ldap_not_configured", "ja"))
        return EXIT_REJECTED
    try:
        person = directory.find_user(config, args.username)
    except directory.DirectoryUnavailable as exc:
        err(f"{exc}\n（{exc.detail}）")
        return EXIT_REJECTED
    if person is None:
        base, user_filter = config.base_dn, config.user_filter
        print(f"{t('ldap_field_found', 'ja')}: {t('ldap_not_found', 'ja').format(filter=user_filter, base=base)}")
        return EXIT_REJECTED
    if person.role is None:
        role = t("ldap_no_role", "ja")
    elif person.editor_without_department:
        role = f"viewer（{t('ldap_editor_without_department', 'ja')}）"
    else:
        role = f"{person.role}（{t(f'role_{person.role}', 'ja')}）"
    lines = [
        (t("ldap_field_found", "ja"), t("ldap_found", "ja")),
        (t("ldap_field_dn", "ja"), person.dn),
        (t("ldap_field_name", "ja"), person.display_name),
        (t("ldap_field_groups", "ja"), "; ".join(person.groups) or "―"),
        (t("ldap_field_role", "ja"), role),
        (t("ldap_field_departments", "ja"), "・".join(person.departments) or "―"),
        (
            t("ldap_field_raw_departments", "ja").format(attribute=config.department_attribute),
            "・".join(person.raw_departments) or "―",
        ),
    ]
    for label, value in lines:
        print(f"{label}: {value}")
    return EXIT_OK if person.role is not None else EXIT_REJECTED
