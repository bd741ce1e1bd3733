"""Sign-in security: every sign-in, sign-out and failure is audited with its address; N failed
passwords lock the username out from that address (django-axes), in Chinese."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from fazhi.accounts.tests.fixtures import (  # noqa: F401
    axes_off_for_client_login,
    axes_on,
)
from fazhi.core.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("axes_on")]


def sign_in(client: Client, username: str, password: str):
    return client.post("/login/", {"username": username, "password": password})


def audit(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def test_sign_in_and_out_are_audited_with_the_address(bureau) -> None:
    client = Client(REMOTE_ADDR="10.20.30.40")
    response = sign_in(client, "li", bureau.password)
    assert response.status_code == 302
    [login] = audit("auth.login")
    assert (login.actor, login.target_id, login.remote_addr) == ("li", "li", "10.20.30.40")
    client.post("/logout/")
    [logout] = audit("auth.logout")
    assert (logout.actor, logout.remote_addr) == ("li", "10.20.30.40")


def test_failed_sign_in_is_audited_without_the_password(bureau) -> None:
    client = Client(REMOTE_ADDR="10.20.30.41")
    response = sign_in(client, "li", "wrong-password-123")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    [failed] = audit("auth.login_failed")
    assert (failed.actor, failed.target_id, failed.remote_addr) == (
        "anonymous", "li", "10.20.30.41",
    )  # fmt: skip
    assert "wrong-password-123" not in str(failed.details)


def test_passwords_are_hashed_with_argon2() -> None:
    # (this module's tests use a fast hasher; the project's settings are what production runs)
    from django.contrib.auth.hashers import make_password
    from django.test import override_settings

    from fazhi import settings as project

    assert project.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    with override_settings(PASSWORD_HASHERS=project.PASSWORD_HASHERS):
        assert make_password("Fazhi-test-2026!").startswith("argon2$")


def test_default_lockout_is_five_failures_for_thirty_minutes() -> None:
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 30 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


def test_five_failures_lock_out_even_the_right_password(bureau) -> None:
    # given four wrong passwords for li from one address: still allowed
    client = Client(REMOTE_ADDR="10.9.9.9")
    for _ in range(4):
        assert sign_in(client, "li", "guess-1234").status_code == 200
    # when the fifth fails
    response = sign_in(client, "li", "guess-1234")
    # then li is locked out from there, with a Chinese message
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert "30 分钟" in response.content.decode()
    # and even the right password is refused
    response = sign_in(client, "li", bureau.password)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302  # still signed out
    assert audit("auth.lockout")
    assert not audit("auth.login")


def test_lockout_is_per_username_and_address(bureau) -> None:
    # given li locked out from one address
    attacker = Client(REMOTE_ADDR="10.9.9.9")
    for _ in range(5):
        sign_in(attacker, "li", "guess-1234")
    assert sign_in(attacker, "li", bureau.password).status_code == 429
    # then li can still sign in at his own desk, and wang from the attacker's address
    assert sign_in(Client(REMOTE_ADDR="10.1.1.1"), "li", bureau.password).status_code == 302
    assert sign_in(Client(REMOTE_ADDR="10.9.9.9"), "wang", bureau.password).status_code == 302


def test_a_success_resets_the_failure_count(bureau) -> None:
    client = Client(REMOTE_ADDR="10.9.9.8")
    for _ in range(4):
        sign_in(client, "li", "guess-1234")
    assert sign_in(client, "li", bureau.password).status_code == 302
    client.post("/logout/")
    for _ in range(4):
        sign_in(client, "li", "guess-1234")
    assert sign_in(client, "li", bureau.password).status_code == 302


def test_force_login_works_with_lockout_on(bureau) -> None:
    client = Client()
    client.force_login(bureau.users["li"])
    assert client.get("/").status_code == 200


def test_client_login_needs_the_test_fixture(bureau, settings) -> None:
    # with axes on, Django's Client.login (no request) is refused by axes ...
    client = Client()
    with pytest.raises(ValueError, match="request"):
        client.login(username="li", password=bureau.password)
    # ... which is why the fixture that conftest imports turns it off for the tests
    settings.AXES_ENABLED = False
    assert client.login(username="li", password=bureau.password)


# --- password spraying: one address, many user names -------------------------------------------


def test_an_address_spraying_one_password_over_many_user_names_is_locked_out(
    bureau, settings
) -> None:
    settings.AXES_ADDRESS_FAILURE_LIMIT = 6
    # given one address that tried one wrong password for six different user names (each name
    # only once: far below the per-username limit of five)
    sprayer = Client(REMOTE_ADDR="10.66.6.6")
    for username in ("zhang", "zhao", "li", "wang", "chen", "liu"):
        sign_in(sprayer, username, "Winter2026!")
    # when it tries yet another user — even with that user's right password
    response = sign_in(sprayer, "sun", bureau.password)
    # then the address is refused with the Chinese lockout page
    assert response.status_code == 429
    body = response.content.decode()
    assert "该地址已被暂停登录" in body
    assert "30 分钟" in body
    assert "_auth_user_id" not in sprayer.session
    assert audit("auth.lockout")[-1].details == {"by": "address"}
    # and another address is not affected
    assert sign_in(Client(REMOTE_ADDR="10.1.2.3"), "sun", bureau.password).status_code == 302


def test_a_few_typos_of_colleagues_behind_one_address_lock_nobody_out(bureau) -> None:
    # given a 派出所 behind one address where five officers each mistyped once (default limits)
    station = Client(REMOTE_ADDR="10.30.0.1")
    for username in ("zhang", "zhao", "li", "wang", "chen"):
        assert sign_in(station, username, "typo-1234").status_code == 200
    # then the next officer there still signs in
    assert sign_in(station, "liu", bureau.password).status_code == 302


def test_the_address_limit_defaults_to_twenty_failures() -> None:
    assert settings.AXES_ADDRESS_FAILURE_LIMIT == 20
    assert settings.AXES_HANDLER == "fazhi.accounts.lockout.AddressThrottlingHandler"
