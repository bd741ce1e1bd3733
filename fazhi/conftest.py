"""Fixtures shared by every app's tests: named users of different roles and units, and a real
browser (Playwright driving Debian's chromium) for the browser tests."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

SUBPROCESS_APP_NAME = "fazhi-test-subprocess"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"


def chromium_path() -> str:
    path = os.environ.get("FAZHI_CHROMIUM") or shutil.which("chromium")
    if not path:
        raise RuntimeError(
            "浏览器测试需要 Debian 的 chromium：apt-get install chromium（.ci/run 会自动安装）"
        )
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=chromium_path(), args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh browser page at 1366×768 (the office screen the UI is made for)."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    pg.base_url = live_server.url
    yield pg
    context.close()


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/screenshots/ (kept by CI)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page: Any, username: str, password: str) -> None:
    page.goto(page.base_url + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None,
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """SQLite's test database lives in memory, where a second process cannot open it: a session
    that runs a test driving ``fazhi`` commands as subprocesses (fixture ``subprocess_env``) gets
    a file instead. Every other session keeps the faster in-memory database."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if not database["ENGINE"].endswith("sqlite3"):
        return
    if any("subprocess_env" in getattr(item, "fixturenames", ()) for item in request.session.items):
        test = database.setdefault("TEST", {})
        test["NAME"] = str(tmp_path_factory.mktemp("database") / "test.sqlite3")


@pytest.fixture
def subprocess_env(transactional_db: None, tmp_path: Path) -> dict[str, str]:
    """The environment for a ``fazhi`` subprocess working on this test's database (committed
    data only: the test must be ``transaction=True``)."""
    from urllib.parse import quote, urlencode

    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        if connection.creation.is_in_memory_db(db["NAME"]):  # type: ignore[attr-defined]
            raise RuntimeError(
                "SQLite 测试库在内存中，子进程无法打开：见 django_db_modify_db_settings"
            )
        url = f"sqlite:///{db['NAME']}"
    else:
        auth = quote(db["USER"] or "", safe="")
        if db["PASSWORD"]:
            auth += ":" + quote(db["PASSWORD"], safe="")
        host = db["HOST"] or ""
        if db["PORT"]:
            host += f":{db['PORT']}"
        url = f"postgres://{auth}@{host}/{quote(db['NAME'], safe='')}"
        if db["OPTIONS"]:
            url += "?" + urlencode(db["OPTIONS"])
    env = {k: v for k, v in os.environ.items() if k != "FAZHI_WEBHOOK_URL"}
    # DATA_DIR/media is the test's own MEDIA_ROOT (fixture ``media``): files the subprocess
    # writes are where the test looks for them.
    env.update(DATABASE_URL=url, FAZHI_DATA_DIR=str(tmp_path), PYTHONUNBUFFERED="1")
    # libpq names the subprocess's sessions, so that a test can wait for exactly those to end
    # (other tests of the suite may leave idle sessions of their own threads open)
    env["PGAPPNAME"] = SUBPROCESS_APP_NAME
    return env


@pytest.fixture(autouse=True)
def media(tmp_path: Path) -> Iterator[Path]:
    """Every test stores its files (attachments, 抄告 letters) in a folder of its own; returned
    for tests that look at them. Not through the ``settings`` fixture, as above."""
    from django.test import override_settings

    root = tmp_path / "media"
    with override_settings(MEDIA_ROOT=root):
        yield root


@pytest.fixture(autouse=True)
def no_webhook(monkeypatch: Any) -> None:
    """No test posts to a webhook the environment happens to name; a test that wants one sets
    ``FAZHI_WEBHOOK_URL`` itself."""
    monkeypatch.delenv("FAZHI_WEBHOOK_URL", raising=False)


@pytest.fixture(autouse=True)
def fast_password_hasher() -> Iterator[None]:
    """Argon2 is deliberately slow; tests hash with MD5 (production settings stay argon2, and a
    test in accounts checks that). Not through the ``settings`` fixture: some tests have a
    fixture or parameter of that name."""
    from django.conf import settings
    from django.test import override_settings

    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]
    with override_settings(PASSWORD_HASHERS=hashers):
        yield


# --- a small bureau with named users ------------------------------------------------------------

PASSWORD = "Fazhi-test-2026!"


class Bureau:
    """县局 with 城南派出所, 城北派出所 and the 法制大队, and one signed-in user per role.

    ``users[name]`` are Django users; ``officers[name]`` their officer records; ``units[key]``.
    Names: zhang (民警, 城南), zhao (民警, 城北), li (法制员, 城南), wang (法制员, 城北),
    chen (业务负责人, 城南), liu (分管法制领导, 城南), sun (所队长, 城南),
    zhou (法制大队 reviewer), wu (局领导), admin (管理员, superuser).
    """

    def __init__(self) -> None:
        from fazhi.accounts.models import Role
        from fazhi.accounts.services import provision_user, system_user
        from fazhi.records import models as m

        county = m.Unit.objects.create(id="U-XJ", name="示范县公安局", kind="县局")
        south = m.Unit.objects.create(id="U-CN", name="城南派出所", kind="派出所", parent=county)
        north = m.Unit.objects.create(id="U-CB", name="城北派出所", kind="派出所", parent=county)
        legal = m.Unit.objects.create(id="U-FZ", name="法制大队", kind="法制大队", parent=county)
        self.units = {"county": county, "south": south, "north": north, "legal": legal}
        people = [
            ("zhang", "张伟", south, "民警", Role.OFFICER),
            ("zhao", "赵强", north, "民警", Role.OFFICER),
            ("li", "李娜", south, "法制员", Role.LEGAL_OFFICER),
            ("wang", "王芳", north, "法制员", Role.LEGAL_OFFICER),
            ("chen", "陈刚", south, "业务负责人", Role.BUSINESS_LEAD),
            ("liu", "刘洋", south, "分管法制领导", Role.LEGAL_LEADER),
            ("sun", "孙军", south, "所队长", Role.CHIEF),
            ("zhou", "周敏", legal, "民警", Role.LEGAL_BRIGADE),
            ("wu", "吴军", county, "局领导", Role.BUREAU_LEADER),
        ]
        self.officers: dict[str, Any] = {}
        self.users: dict[str, Any] = {}
        for i, (key, name, unit, officer_role, role) in enumerate(people, start=1):
            officer = m.Officer.objects.create(
                id=f"O-{i:03d}", name=name, unit=unit, role=officer_role, qualification="中级"
            )
            self.officers[key] = officer
            self.users[key] = provision_user(
                actor=system_user(), username=key, password=PASSWORD, role=role, officer=officer
            )
        self.users["admin"] = provision_user(
            actor=system_user(), username="admin", password=PASSWORD, role=Role.ADMIN,
            unit=county, superuser=True,
        )  # fmt: skip
        self.password = PASSWORD


@pytest.fixture
def bureau(db: Any) -> Bureau:
    return Bureau()


# The scene of the page tests (a 城南 case with a running clock, a 城北 violation), used by the
# apps that own those pages (records, patrol, standards) and by the workbench.
from fazhi.testing.scene import scene  # noqa: E402, F401

# --- fan-out (``fazhi.core.fanout``) ------------------------------------------------------------

# A 市局 of two small county bureaus (~15,000 records), the store of the fan-out tests.
PAIR_AS_OF = "2026-11-01T00:00:00+08:00"


@pytest.fixture(scope="session")
def pair_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated 市局 of two county bureaus, written once for the whole run."""
    from fazhi.synth import services as synth

    pair = synth.Scale("pair", cities=0, counties_per_city=2, size=0.01)
    out = tmp_path_factory.mktemp("pair") / "pair.jsonl.gz"
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(synth.SCALES, pair.name, pair)
        synth.generate(synth.Options(pair.name, 7, out, as_of=PAIR_AS_OF))
    return out


@pytest.fixture
def eager() -> Iterator[None]:
    """The parts of a fan-out run by Celery in this process; no wait before a retry. (Whether
    the services fan out at all is ``settings.FANOUT``, which a test turns on itself.)"""
    from fazhi.core import fanout

    conf = fanout.celery_app.conf
    before = conf.task_always_eager, conf.task_eager_propagates, fanout.RETRY_SECONDS
    conf.task_always_eager, conf.task_eager_propagates, fanout.RETRY_SECONDS = True, False, 0
    yield
    conf.task_always_eager, conf.task_eager_propagates, fanout.RETRY_SECONDS = before


# ``fazhi worker`` as the operator starts it, in a process of its own.
WORKER = "import sys; from fazhi.cli import main; main(['fazhi', *sys.argv[1:]])"


@pytest.fixture
def worker(subprocess_env: dict[str, str]) -> Iterator[str]:
    """``fazhi worker`` in a subprocess on this test's database, fed through Redis on a queue of
    this test's own (``subprocess_env``: committed data only, SQLite's database in a file)."""
    import signal
    import subprocess
    import sys
    import uuid

    import redis
    from django.conf import settings

    from fazhi.core import fanout

    client = redis.Redis.from_url(settings.FANOUT_BROKER_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.fail("Redis 未运行（127.0.0.1:6379）：请先 redis-server --daemonize yes")
    queue = f"fazhi-test-{uuid.uuid4().hex[:8]}"
    conf = fanout.celery_app.conf
    before = conf.task_default_queue
    conf.task_default_queue = queue
    process = subprocess.Popen(
        [sys.executable, "-c", WORKER, "worker", "--concurrency=2", f"--queue={queue}",
         "--loglevel=WARNING"],
        env=subprocess_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        yield queue
    finally:
        conf.task_default_queue = before
        process.send_signal(signal.SIGTERM)  # a warm shutdown: running tasks finish first
        _out, err = process.communicate(timeout=60)
        client.delete(queue, *client.keys(f"_kombu.binding*{queue}"))
        assert process.returncode == 0, err.decode(errors="replace")[-2000:]
