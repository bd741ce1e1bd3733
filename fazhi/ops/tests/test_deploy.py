"""deploy/: the compose file, the systemd units and the environment file name only what exists —
each command a fazhi command (or gunicorn with this repository's config), each file a file of
the repository, each variable one that fazhi (or the gunicorn config) reads — and the
units run the same commands as the compose file. No Docker daemon is needed; where
``systemd-analyze`` is installed the units are also verified by systemd itself."""

from __future__ import annotations

import ast
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import get_commands
from django.urls import resolve

from fazhi.cli import ALIASES

REPO = Path(__file__).resolve().parents[3]
DEPLOY = REPO / "deploy"
UNITS = DEPLOY / "systemd"
INSTALLED = "/opt/fazhi"  # where the units and the image put the repository
# Variables compose itself reads (${...} in compose.yaml), not fazhi.
COMPOSE_ONLY = {"POSTGRES_PASSWORD", "FAZHI_HTTP_PORT"}


def env_read_by(path: Path) -> set[str]:
    """The environment variables a Python file reads: ``env_*("NAME", …)``,
    ``os.environ.get("NAME")``, ``os.environ["NAME"]``."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if called.startswith("env_") or (called == "get" and "environ" in ast.unparse(func)):
                names.add(str(node.args[0].value))
        if (
            isinstance(node, ast.Subscript)
            and "environ" in ast.unparse(node.value)
            and isinstance(node.slice, ast.Constant)
        ):
            names.add(str(node.slice.value))
    return names


# what fazhi reads: its settings, and the few modules that read the environment themselves
# (the webhook's address in notifications)
SETTINGS_ENV = set().union(
    *(env_read_by(p) for p in (REPO / "fazhi").rglob("*.py") if "tests" not in p.parts)
)
GUNICORN_ENV = env_read_by(DEPLOY / "gunicorn.conf.py")


def compose() -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def fazhi_services() -> dict[str, dict[str, Any]]:
    return {k: v for k, v in compose()["services"].items() if v.get("image") == "fazhi:latest"}


def command_lines(command: list[str]) -> list[list[str]]:
    """The command, or the commands of an ``sh -c "a && b"``."""
    if command[:2] == ["sh", "-c"]:
        return [shlex.split(part) for part in re.split(r"&&|;", command[2])]
    return [command]


def env_example() -> dict[str, str]:
    pairs = {}
    for line in (DEPLOY / "fazhi.env.example").read_text(encoding="utf-8").splitlines():
        line = line.lstrip("# ").strip() if re.match(r"#\s*[A-Z_]+=", line) else line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            pairs[name] = value
    return pairs


def check_command(argv: list[str], problems: list[str], where: str) -> str:
    """Problems with one command line; returns what it runs (``fazhi X`` or ``gunicorn``)."""
    program = Path(argv[0]).name
    if program == "fazhi":
        name = ALIASES.get(argv[1], argv[1])
        if name not in get_commands():
            problems.append(f"{where}: fazhi {argv[1]} is not a fazhi command")
        return f"fazhi {argv[1]}"
    if program == "gunicorn":
        app = argv[1]
        module, _, attribute = app.partition(":")
        source = REPO / (module.replace(".", "/") + ".py")
        if not source.is_file() or f"{attribute} =" not in source.read_text(encoding="utf-8"):
            problems.append(f"{where}: gunicorn app {app} does not exist")
        config = argv[argv.index("--config") + 1]
        if not (REPO / config.removeprefix(INSTALLED + "/")).is_file():
            problems.append(f"{where}: gunicorn config {config} is not in the repository")
        return "gunicorn"
    problems.append(f"{where}: runs {argv[0]}, neither fazhi nor gunicorn")
    return program


def test_the_compose_file_runs_fazhi_commands_and_files_that_exist() -> None:
    problems: list[str] = []
    spec = compose()
    services = spec["services"]
    ours = fazhi_services()
    assert {"db", "redis", "migrate", "web", "worker", "scheduler", "proxy"} <= set(services)
    assert {"migrate", "web", "worker", "scheduler"} == set(ours)
    for name, service in ours.items():
        assert service["build"]["dockerfile"] == "deploy/Dockerfile"
        assert service["env_file"] == ".env"
        for argv in command_lines(service["command"]):
            check_command(argv, problems, name)
    for name, service in services.items():
        for needed in service.get("depends_on") or []:
            if needed not in services:
                problems.append(f"{name} depends on {needed}, which is no service")
        for volume in service.get("volumes") or []:
            source = volume.split(":")[0]
            if source.startswith("./") and not (DEPLOY / source).exists():
                problems.append(f"{name} mounts {source}, which is not in deploy/")
            elif not source.startswith(("./", "/")) and source not in spec["volumes"]:
                problems.append(f"{name} mounts the undeclared volume {source}")
    # the web container's health check asks /healthz
    probe = " ".join(services["web"]["healthcheck"]["test"])
    path = re.search(r"http://127\.0\.0\.1:8000(/\S*?)'", probe)
    assert path is not None
    assert resolve(path.group(1)).view_name == "ops:healthz"
    # the proxy's fixed address is the trusted proxy of the fazhi containers
    address = services["proxy"]["networks"]["fazhi"]["ipv4_address"]
    assert ours["web"]["environment"]["FAZHI_TRUSTED_PROXIES"] == address
    assert not problems, "\n".join(problems)


def test_the_image_copies_what_exists_and_starts_gunicorn_with_its_config() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    for sources in re.findall(r"^COPY (.+) \S+$", dockerfile, flags=re.M):
        for source in sources.split():
            assert (REPO / source).exists(), source
    cmd = re.search(r"^CMD (\[.*\])$", dockerfile, flags=re.M)
    assert cmd is not None
    problems: list[str] = []
    assert check_command(yaml.safe_load(cmd.group(1)), problems, "Dockerfile") == "gunicorn"
    assert not problems, problems
    # the image's uv is the Makefile's
    pinned = re.search(r"UV_VERSION := (\S+)", (REPO / "Makefile").read_text(encoding="utf-8"))
    assert pinned is not None
    assert f'"uv=={pinned.group(1)}"' in dockerfile


def test_every_variable_named_is_read_by_fazhi_or_by_compose() -> None:
    example = env_example()
    text = (DEPLOY / "compose.yaml").read_text(encoding="utf-8")
    assert {"FAZHI_SECRET_KEY", "FAZHI_ALLOWED_HOSTS", "DATABASE_URL"} <= set(example)
    named = set(example)
    for service in fazhi_services().values():
        named |= set(service.get("environment") or {})
    unknown = named - SETTINGS_ENV - GUNICORN_ENV - COMPOSE_ONLY
    assert not unknown, f"read by nobody: {sorted(unknown)}"
    # what compose interpolates is in the example (or has a default), and is compose's own
    # or fazhi's
    for variable, default in re.findall(r"\$\{(\w+)(:-[^}]*)?", text):
        assert variable in example or default, variable
        assert variable in COMPOSE_ONLY | SETTINGS_ENV, variable
    # the database's password reaches both PostgreSQL and fazhi's DATABASE_URL
    services = compose()["services"]
    assert "${POSTGRES_PASSWORD" in services["db"]["environment"]["POSTGRES_PASSWORD"]
    assert "${POSTGRES_PASSWORD" in services["web"]["environment"]["DATABASE_URL"]


def units() -> dict[str, dict[str, list[str]]]:
    """Each unit file's keys with all their values (systemd allows a key several times)."""
    parsed: dict[str, dict[str, list[str]]] = {}
    for path in sorted(UNITS.iterdir()):
        keys: dict[str, list[str]] = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            if "=" in line and not line.startswith(("#", "[")):
                key, _, value = line.partition("=")
                keys.setdefault(key.strip(), []).append(value.strip())
        parsed[path.name] = keys
    return parsed


def test_the_units_run_the_same_commands_as_the_compose_file() -> None:
    problems: list[str] = []
    ran: set[str] = set()
    for name, keys in units().items():
        if name.endswith((".target", ".timer")):
            continue
        assert keys["EnvironmentFile"] == ["/etc/fazhi/fazhi.env"], name
        assert keys["WorkingDirectory"] == [INSTALLED], name
        for assignment in " ".join(keys.get("Environment", [])).split():
            variable = assignment.partition("=")[0]
            if variable not in SETTINGS_ENV | GUNICORN_ENV:
                problems.append(f"{name}: {variable} is read by nobody")
        for line in keys["ExecStart"]:
            argv = shlex.split(line)
            if not argv[0].startswith(f"{INSTALLED}/.venv/bin/"):
                problems.append(f"{name}: {argv[0]} is not in {INSTALLED}/.venv/bin")
            ran.add(check_command(argv, problems, name))
            if argv[0].endswith("fazhi"):
                ran.add(f"fazhi {argv[1]}")
    in_compose = {
        check_command(argv, problems, service)
        for service, spec in fazhi_services().items()
        for argv in command_lines(spec["command"])
    }
    assert in_compose <= ran, sorted(in_compose - ran)
    assert "fazhi backup" in ran
    # the target starts units that exist (x@1 would be an instance of x@.service)
    wanted = units()["fazhi.target"]["Wants"][0].split()
    for unit in wanted:
        template = re.sub(r"@[^.]+\.", "@.", unit)
        assert (UNITS / template).is_file(), unit
    assert not problems, "\n".join(problems)


def test_systemd_accepts_the_units(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    venv = REPO / ".venv" / "bin"
    if analyze is None or not (venv / "fazhi").exists():
        pytest.skip("systemd-analyze or the project's .venv is not on this machine")
    # given the units with the repository where the installation would be
    names = []
    for path in UNITS.iterdir():
        text = path.read_text(encoding="utf-8").replace(INSTALLED, str(REPO))
        (tmp_path / path.name).write_text(text, encoding="utf-8")
        names.append(path.name.replace("@.service", "@1.service"))
        if "@." in path.name:
            (tmp_path / names[-1]).write_text(text, encoding="utf-8")
    # when systemd verifies them, then it finds nothing wrong (the programs exist, every key
    # and value is understood)
    done = subprocess.run(
        [analyze, "verify", "--man=no", *sorted(names)], cwd=tmp_path,
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Unknown" not in done.stderr, done.stderr
    assert "Failed" not in done.stderr, done.stderr
