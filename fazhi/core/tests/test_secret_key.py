"""The signing key: production refuses to start without a key of its own (and with the key
published in the source), the demo makes itself one, tests and debug mode need no setup, and
``check --deploy`` warns about the shipped key."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import Tags, run_checks
from django.core.exceptions import ImproperlyConfigured

from fazhi.config import SECRET_KEY_FILE, SHIPPED_SECRET_KEY, secret_key, write_secret_key

REPO = Path(__file__).resolve().parents[3]
OWN_KEY = "the-bureaus-own-key-" + "k" * 40


def run(data_dir: Path, args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    """A fresh Python process with only ``env`` of the FAZHI_ variables."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("FAZHI_", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, *args], cwd=REPO, capture_output=True, text=True,
        env={**clean, "FAZHI_DATA_DIR": str(data_dir), **env},
    )  # fmt: skip


def fazhi(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``fazhi ARGS`` as a bureau runs it."""
    return run(data_dir, ["-m", "fazhi.cli", *args], **env)


def settings_key(data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """The key the settings module settles on in a fresh process (without loading the apps)."""
    return run(data_dir, ["-c", "from fazhi import settings; print(settings.SECRET_KEY)"], **env)


# --- the rule, in process -------------------------------------------------------------------


@pytest.fixture
def no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FAZHI_SECRET_KEY", raising=False)


@pytest.mark.usefixtures("no_key")
def test_production_without_a_key_refuses_naming_the_variable(tmp_path: Path) -> None:
    # given no FAZHI_SECRET_KEY, no key file and no FAZHI_DEBUG
    # when the settings read the key
    with pytest.raises(ImproperlyConfigured) as refused:
        secret_key(debug=False, directory=tmp_path)
    # then they refuse in Chinese, saying what to set
    assert "FAZHI_SECRET_KEY" in str(refused.value)
    assert "拒绝启动" in str(refused.value)
    assert str(tmp_path / SECRET_KEY_FILE) in str(refused.value)


def test_production_refuses_the_shipped_key_even_when_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAZHI_SECRET_KEY", SHIPPED_SECRET_KEY)
    with pytest.raises(ImproperlyConfigured, match="随代码公开的开发密钥"):
        secret_key(debug=False, directory=tmp_path)
    # a developer in debug mode may still use it
    assert secret_key(debug=True, directory=tmp_path) == SHIPPED_SECRET_KEY


@pytest.mark.usefixtures("no_key")
def test_debug_mode_falls_back_to_the_development_key_unless_required(tmp_path: Path) -> None:
    assert secret_key(debug=True, directory=tmp_path) == SHIPPED_SECRET_KEY
    with pytest.raises(ImproperlyConfigured, match="FAZHI_SECRET_KEY"):
        secret_key(debug=True, directory=tmp_path, require=True)


@pytest.mark.usefixtures("no_key")
def test_a_key_file_in_the_data_directory_is_used(tmp_path: Path) -> None:
    # given a key file written once (as the demo does), readable by its owner only
    path = write_secret_key(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = path.read_text().strip()
    assert len(key) >= 50
    # then production uses it, and writing again keeps it
    assert secret_key(debug=False, directory=tmp_path) == key
    write_secret_key(tmp_path)
    assert path.read_text().strip() == key


def test_the_environment_wins_over_the_key_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_secret_key(tmp_path)
    monkeypatch.setenv("FAZHI_SECRET_KEY", OWN_KEY)
    assert secret_key(debug=False, directory=tmp_path) == OWN_KEY


# --- the deploy check -----------------------------------------------------------------------


def security_check_ids() -> set[str]:
    return {str(m.id) for m in run_checks(tags=[Tags.security], include_deployment_checks=True)}


def test_check_deploy_warns_about_the_shipped_key(settings) -> None:
    # given a server running on the published key (possible only with FAZHI_DEBUG=1)
    settings.SECRET_KEY = SHIPPED_SECRET_KEY
    # then check --deploy warns
    assert "fazhi.W001" in security_check_ids()
    # and also when it is kept as a fallback
    settings.SECRET_KEY = OWN_KEY
    settings.SECRET_KEY_FALLBACKS = [SHIPPED_SECRET_KEY]
    assert "fazhi.W001" in security_check_ids()
    settings.SECRET_KEY_FALLBACKS = []
    assert "fazhi.W001" not in security_check_ids()


# --- the command line, as a bureau runs it --------------------------------------------------


def test_fazhi_refuses_to_start_without_a_key_with_a_plain_chinese_message(
    tmp_path: Path,
) -> None:
    # given a production environment without FAZHI_SECRET_KEY
    result = fazhi(tmp_path, "check")
    # then fazhi stops at once, with the message and no traceback
    assert result.returncode != 0
    assert "FAZHI_SECRET_KEY" in result.stderr
    assert "拒绝启动" in result.stderr
    assert "Traceback" not in result.stderr
    # and with a key of its own it starts
    started = settings_key(tmp_path, FAZHI_SECRET_KEY=OWN_KEY)
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == OWN_KEY


def test_the_demo_makes_itself_a_key_that_later_commands_use(tmp_path: Path) -> None:
    # given a fresh data directory and no key at all
    # when the demo is started (--help: it goes no further than loading the settings)
    result = fazhi(tmp_path, "demo", "--help")
    # then it runs, on a key of its own written into the data directory
    assert result.returncode == 0, result.stderr
    key = (tmp_path / SECRET_KEY_FILE).read_text().strip()
    assert key
    assert key != SHIPPED_SECRET_KEY
    # and later commands on the same data use that key without further setup
    later = settings_key(tmp_path)
    assert later.returncode == 0, later.stderr
    assert later.stdout.strip() == key
