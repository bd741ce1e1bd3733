"""Typed readers of the process environment.

Settings come from environment variables only (twelve-factor); each reader parses one kind of
value and raises ``ImproperlyConfigured`` naming the variable when the value is malformed, so a
misconfigured deployment refuses to start instead of running with a silent default.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no)")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_path(name: str, default: Path) -> Path:
    raw = os.environ.get(name)
    return Path(raw).expanduser().resolve() if raw else default.resolve()


@dataclass(frozen=True)
class DatabaseUrl:
    """A parsed ``DATABASE_URL``: ``sqlite:///relative.db``, ``sqlite:////abs.db`` or
    ``postgres://user:pass@host:port/name?option=value``."""

    engine: str
    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""
    options: tuple[tuple[str, str], ...] = ()

    def django(self) -> dict[str, Any]:
        config: dict[str, Any] = {"ENGINE": self.engine, "NAME": self.name}
        if self.engine == "django.db.backends.sqlite3":
            # WAL lets the web server read while a patrol or import writes; the busy timeout
            # makes a second writer wait instead of failing at once.
            config["OPTIONS"] = {
                "timeout": 30,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            }
        else:
            config.update(USER=self.user, PASSWORD=self.password, HOST=self.host, PORT=self.port)
            config["OPTIONS"] = dict(self.options)
            config["CONN_MAX_AGE"] = 60
            config["CONN_HEALTH_CHECKS"] = True
        return config


def parse_database_url(url: str, *, variable: str = "DATABASE_URL") -> DatabaseUrl:
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        # sqlite:///var/x.db is relative, sqlite:////abs/x.db absolute (as in dj-database-url)
        path = unquote(parts.path)[1:] if parts.path.startswith("/") else unquote(parts.path)
        if not path:
            raise ImproperlyConfigured(f"{variable}={url!r}: the SQLite file path is missing")
        return DatabaseUrl(engine="django.db.backends.sqlite3", name=str(Path(path).resolve()))
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured(f"{variable}={url!r}: the database name is missing")
        try:
            port = str(parts.port or "")
        except ValueError:
            raise ImproperlyConfigured(f"{variable}={url!r}: the port is not a number") from None
        return DatabaseUrl(
            engine="django.db.backends.postgresql",
            name=name,
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            host=unquote(parts.hostname or ""),
            port=port,
            options=tuple(parse_qsl(parts.query)),
        )
    raise ImproperlyConfigured(
        f"{variable}={url!r}: unsupported scheme {parts.scheme!r} (use sqlite:/// or postgres://)"
    )
