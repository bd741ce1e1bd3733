"""People as pages and exports name them: the officer's name and 警号 (张伟（O-001）), never a
login name. Audit rows, problems and visits record who acted by login name (``created_by``,
``actor``); this turns one into the person."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from fazhi.accounts.models import Profile
from fazhi.core.services import SYSTEM_ACTOR

SYSTEM_NAME = "系统（自动）"


def person_text(name: str, badge: str | None) -> str:
    return f"{name}（{badge}）" if badge else name


def people_names(usernames: set[str] | None = None) -> dict[str, str]:
    """Login name → 姓名（警号） for ``usernames`` (every user when None): two queries, so that an
    export names thousands of rows without one query each."""
    users = get_user_model().objects.all()
    if usernames is not None:
        users = users.filter(username__in=usernames)
    rows = dict(users.values_list("pk", "username"))
    names = dict(users.values_list("username", "first_name"))
    badges = {
        rows[user_id]: officer_id
        for user_id, officer_id in Profile.objects.filter(user_id__in=rows).values_list(
            "user_id", "officer_id"
        )
    }
    out = {
        username: person_text(names.get(username) or "未填写姓名的用户", badges.get(username))
        for username in names
    }
    out[SYSTEM_ACTOR] = SYSTEM_NAME
    return out


def person_name(username: str | None) -> str:
    """One login name as the person (— for none; a login nobody has any more stays itself)."""
    if not username:
        return "—"
    if username == SYSTEM_ACTOR:
        return SYSTEM_NAME
    return people_names({username}).get(username, username)
