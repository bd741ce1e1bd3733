"""Settings come from the environment through typed readers that fail loudly."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from fazhi.config import env_bool, env_int, env_list, parse_database_url


def test_sqlite_urls_relative_and_absolute() -> None:
    absolute = parse_database_url("sqlite:////tmp/fazhi/x.db")
    assert absolute.engine == "django.db.backends.sqlite3"
    assert absolute.name == "/tmp/fazhi/x.db"
    relative = parse_database_url("sqlite:///var/x.db")
    assert relative.name == str(Path("var/x.db").resolve())


def test_postgres_url_with_credentials_port_and_options() -> None:
    url = parse_database_url("postgres://u%40x:p%3Aw@db.local:5433/fazhi?sslmode=require")
    config = url.django()
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["USER"], config["PASSWORD"], config["HOST"], config["PORT"]) == (
        "u@x", "p:w", "db.local", "5433",
    )  # fmt: skip
    assert config["NAME"] == "fazhi"
    assert config["OPTIONS"] == {"sslmode": "require", "options": "-c jit=off"}


def test_postgres_jit_is_off_unless_the_url_sets_it() -> None:
    # given URLs with other server options, and one that turns JIT on itself
    other = parse_database_url("postgres://h/db?options=-c%20work_mem%3D64MB").django()
    chosen = parse_database_url("postgres://h/db?options=-c%20jit%3Don").django()
    # then JIT is turned off beside the URL's own options, and never against the URL's choice
    assert other["OPTIONS"]["options"] == "-c work_mem=64MB -c jit=off"
    assert chosen["OPTIONS"]["options"] == "-c jit=on"


@pytest.mark.django_db
def test_the_connection_runs_without_jit() -> None:
    # given the configured database
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("JIT is PostgreSQL's")
    # then its sessions plan without JIT compilation
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@pytest.mark.parametrize(
    "url",
    ["mysql://x/y", "postgres://host/", "sqlite://", "postgres://h:notaport/db"],
)
def test_bad_database_urls_are_refused_naming_the_variable(url: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        parse_database_url(url)


def test_typed_readers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAZHI_X_BOOL", "yes")
    monkeypatch.setenv("FAZHI_X_INT", "42")
    monkeypatch.setenv("FAZHI_X_LIST", "a.example, b.example,,")
    assert env_bool("FAZHI_X_BOOL", False) is True
    assert env_int("FAZHI_X_INT", 0) == 42
    assert env_list("FAZHI_X_LIST", []) == ["a.example", "b.example"]
    assert env_bool("FAZHI_X_MISSING", True) is True


@pytest.mark.parametrize(("reader", "value"), [(env_bool, "maybe"), (env_int, "4x")])
def test_malformed_values_fail_loudly(monkeypatch: pytest.MonkeyPatch, reader, value) -> None:
    monkeypatch.setenv("FAZHI_X_BAD", value)
    with pytest.raises(ImproperlyConfigured, match="FAZHI_X_BAD"):
        reader("FAZHI_X_BAD", 0)
