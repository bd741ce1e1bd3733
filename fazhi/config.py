"""Typed readers of the process environment.

Settings come from environment variables only (twelve-factor); each reader parses one kind of
value and raises ``ImproperlyConfigured`` naming the variable when the value is malformed, so a
misconfigured deployment refuses to start instead of running with a silent default.
"""

from __future__ import annotations

import os
import secrets
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


def data_dir() -> Path:
    """``FAZHI_DATA_DIR``: where a running fazhi keeps everything it writes."""
    return env_path("FAZHI_DATA_DIR", Path.cwd() / "var")


# --- the signing key --------------------------------------------------------------------------

# Published with the source code, so anyone can forge sessions and CSRF tokens signed with it:
# only ever used with FAZHI_DEBUG=1 (a developer's machine), refused everywhere else.
SHIPPED_SECRET_KEY = "fazhi-insecure-development-key-change-me-in-production"
# A key of this installation's own, in its data directory (``fazhi demo`` writes one).
SECRET_KEY_FILE = "secret_key"

_KEY_HELP = (
    "请把环境变量 FAZHI_SECRET_KEY 设为本单位自己的随机密钥（生成方法："
    "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'），"
    "或把密钥写入数据目录中的文件 {path}；仅在开发者本机可改设 FAZHI_DEBUG=1。"
)


def secret_key(*, debug: bool, directory: Path, require: bool = False) -> str:
    """The key that signs sessions, CSRF tokens and password-reset links.

    ``FAZHI_SECRET_KEY``, else the key file in the data directory, else — with ``FAZHI_DEBUG``
    only — the shipped development key. Outside debug mode fazhi refuses to start without a key
    of its own (``ImproperlyConfigured`` in Chinese, naming the variable to set), and refuses the
    shipped key even when it is given explicitly. ``require`` (``FAZHI_REQUIRE_SECRET_KEY``, from
    before this was the default) refuses the development key in debug mode too."""
    path = directory / SECRET_KEY_FILE
    key = os.environ.get("FAZHI_SECRET_KEY", "").strip()
    if not key and path.is_file():
        key = path.read_text(encoding="utf-8").strip()
    if not key:
        if debug and not require:
            return SHIPPED_SECRET_KEY
        raise ImproperlyConfigured(
            "未设置签名密钥 FAZHI_SECRET_KEY，fazhi 拒绝启动：没有本单位自己的密钥，会话和表单令牌"
            "只能用随代码公开的开发密钥签名，任何人都能伪造登录。" + _KEY_HELP.format(path=path)
        )
    if key == SHIPPED_SECRET_KEY and not debug:
        raise ImproperlyConfigured(
            "FAZHI_SECRET_KEY 是随代码公开的开发密钥，不能用于生产环境，fazhi 拒绝启动。"
            + _KEY_HELP.format(path=path)
        )
    return key


def write_secret_key(directory: Path) -> Path:
    """Create ``directory/secret_key`` with a new random key (readable by its owner only) unless
    it exists; returns its path. ``fazhi demo`` calls it, so that a demo — which may well be
    shown to colleagues over the network — never signs with the published key."""
    path = directory / SECRET_KEY_FILE
    directory.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(secrets.token_urlsafe(50) + "\n")
    return path


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
            config["OPTIONS"] = options = dict(self.options)
            # PostgreSQL's JIT compiles any query its planner thinks costly: the pages' annotated
            # counts (a city's 最优/最差案件 candidates) spent 4 s compiling for 0.15 s of work.
            # fazhi's queries are short and many, so JIT is off unless the URL turns it on.
            if "jit" not in options.get("options", ""):
                options["options"] = f"{options.get('options', '')} -c jit=off".strip()
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
