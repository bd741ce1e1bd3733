"""Django settings for fazhi, all read from the environment (see README, 配置)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from fazhi.config import (
    data_dir,
    env_bool,
    env_int,
    env_list,
    env_path,
    env_str,
    parse_database_url,
    secret_key,
)

BASE_DIR = Path(__file__).resolve().parent

# Everything a running fazhi writes (SQLite file, attachments, exports, logs) lives here.
DATA_DIR = data_dir()

DEBUG = env_bool("FAZHI_DEBUG", False)
# Outside debug mode there is no default: without a key of its own fazhi refuses to start
# (fazhi.config.secret_key); the deploy check fazhi.W001 warns about the shipped key.
SECRET_KEY = secret_key(
    debug=DEBUG, directory=DATA_DIR, require=env_bool("FAZHI_REQUIRE_SECRET_KEY", False)
)
ALLOWED_HOSTS = env_list("FAZHI_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])

DATABASES = {
    "default": parse_database_url(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'fazhi.sqlite3'}")
    ).django()
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # SQLite cannot create its file in a missing folder; a first run should just work.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "fazhi.core",
    "fazhi.accounts",
    "fazhi.records",
    "fazhi.exchange",
    "fazhi.synth",
    "fazhi.standards",
    "fazhi.patrol",
    "fazhi.intel",
    "fazhi.rectification",
    "fazhi.notifications",
    "fazhi.dailycheck",
    "fazhi.disputes",
    "fazhi.tuning",
    "fazhi.custody",
    "fazhi.servicedesk",
    "fazhi.gongkai",
    "fazhi.evaluation",
    "fazhi.review",
    "fazhi.search",
    "fazhi.screen",
    "fazhi.reports",
    "fazhi.workbench",
    "fazhi.api",
    "fazhi.ops",
    "ninja",
    "django_filters",
    "axes",
]

MIDDLEWARE = [
    # first: the client's address as REMOTE_ADDR behind a trusted reverse proxy
    "fazhi.core.middleware.TrustedProxyMiddleware",
    # the header middlewares before anything that may answer early, so every answer has them
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "fazhi.core.middleware.ContentSecurityPolicyMiddleware",
    # before the session is looked up: refuses input the database cannot store (400, not 500)
    "fazhi.core.middleware.InputGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "fazhi.core.middleware.IdleSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control: private, no-store for everything a signed-in user receives
    "fazhi.core.middleware.PrivateNoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # a domain error no view caught: its status and a Chinese page (core/errors.py)
    "fazhi.core.middleware.DomainErrorMiddleware",
    # last, as django-axes requires: turns a locked-out sign-in into the lockout page
    "axes.middleware.AxesMiddleware",
]

# django-axes first: it refuses a locked-out username+address before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "fazhi.urls"
WSGI_APPLICATION = "fazhi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
# Chinese for the few admin strings Django's own zh_Hans catalogs leave in English
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "media"
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "workbench:home"
LOGOUT_REDIRECT_URL = "core:login"

# --- operations (fazhi.ops, docs/operations.md) -------------------------------------------------
# `fazhi backup` writes here unless given a path (keep copies off the server as well).
BACKUP_DIR = env_path("FAZHI_BACKUP_DIR", DATA_DIR / "backups")
# `fazhi scheduler` starts `fazhi tick` this often (the compose file's and the units' scheduler).
TICK_INTERVAL_SECONDS = env_int("FAZHI_TICK_SECONDS", 300)
# /healthz answers 503 when no tick has finished for this long and none is running.
HEALTH_TICK_MINUTES = env_int("FAZHI_HEALTH_TICK_MINUTES", 30)
# /metrics answers only with `Authorization: Bearer <this token>`; without a token it is off (404).
METRICS_TOKEN = env_str("FAZHI_METRICS_TOKEN", "")

# --- security (see docs/security.md) -----------------------------------------------------------
# Idle timeout: the session expires SESSION_COOKIE_AGE after the last request (sliding, to within
# SESSION_TOUCH_SECONDS: fazhi.core.middleware.IdleSessionMiddleware saves it at most that often).
SESSION_COOKIE_AGE = env_int("FAZHI_SESSION_SECONDS", 30 * 60)
SESSION_TOUCH_SECONDS = 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'self'"
)
# Reverse proxies (their addresses) whose X-Real-IP header gives the client's address.
TRUSTED_PROXIES = env_list("FAZHI_TRUSTED_PROXIES", [])
# Served over HTTPS (directly or by the reverse proxy): cookies only over TLS, and HSTS.
HTTPS = env_bool("FAZHI_HTTPS", False)
if HTTPS and not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("FAZHI_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = False

# Lockout (django-axes): N failed sign-ins for one username from one address lock that pair out
# for the cool-off time; a success resets the count. The address is REMOTE_ADDR only, as for the
# audit log (a reverse proxy must set it; X-Forwarded-For is not trusted). Against password
# spraying (one password tried on many user names) the address as a whole is locked out after
# AXES_ADDRESS_FAILURE_LIMIT failures over all user names (fazhi.accounts.lockout; 0: off).
# 执法服务专岗 (fazhi.servicedesk): the time limit of each request kind, in working hours
# (工作小时: office hours of working days) or working days (工作日: the filing day not counted),
# the office hours, and when the warning goes out (this fraction of the limit before it ends).
SERVICE_DESK_LIMITS = {
    "injury": "3工作日",
    "records": "2工作日",
    "mail": "1工作日",
    "property_in": "4工作小时",
    "property_out": "4工作小时",
    "property_borrow": "4工作小时",
    "property_return": "2工作日",
    "deposit_in": "4工作小时",
    "deposit_out": "3工作日",
}
SERVICE_DESK_OFFICE_HOURS = ("08:30", "17:30")
SERVICE_DESK_WARN_FRACTION = 0.25

AXES_FAILURE_LIMIT = env_int("FAZHI_LOGIN_FAILURES", 5)
AXES_ADDRESS_FAILURE_LIMIT = env_int("FAZHI_ADDRESS_LOGIN_FAILURES", 20)
AXES_HANDLER = "fazhi.accounts.lockout.AddressThrottlingHandler"
AXES_COOLOFF_TIME = timedelta(minutes=env_int("FAZHI_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "fazhi.core.services.client_addr"
AXES_LOCKOUT_CALLABLE = "fazhi.accounts.views.locked_out"
AXES_VERBOSE = False

# 执法智慧大屏 (fazhi.screen): how often a screen redraws its board, and how long one scope's
# numbers are reused (the screens of one command room cost one computation per this time).
FAZHI_SCREEN_REFRESH_SECONDS = env_int("FAZHI_SCREEN_REFRESH_SECONDS", 60)
FAZHI_SCREEN_CACHE_SECONDS = env_int("FAZHI_SCREEN_CACHE_SECONDS", 30)
# 标准动态评估 (fazhi.tuning, docs/tuning.md): the precision under which a rule with enough judged
# findings is listed (the officers' burden target is the bureau's 整改规则设置).
FAZHI_TUNING_PRECISION_FLOOR = env_int("FAZHI_TUNING_PRECISION_PERCENT", 70) / 100
FAZHI_TUNING_MIN_JUDGED = env_int("FAZHI_TUNING_MIN_JUDGED", 10)
# 执法公开 (the public portal, docs/gongkai.md and docs/security.md): failed queries per client
# address and per code lock them out for the lock period; every query's verdict takes at least
# GONGKAI_MIN_SECONDS; the progress page's forms stay valid GONGKAI_ACCESS_MINUTES; a case takes
# at most GONGKAI_COMPLAINTS_PER_DAY complaints from the portal a day.
GONGKAI_MAX_FAILURES = env_int("FAZHI_GONGKAI_TRIES", 5)
GONGKAI_LOCK_MINUTES = env_int("FAZHI_GONGKAI_LOCK_MINUTES", 15)
GONGKAI_MIN_SECONDS = env_int("FAZHI_GONGKAI_MIN_MS", 150) / 1000
GONGKAI_ACCESS_MINUTES = env_int("FAZHI_GONGKAI_ACCESS_MINUTES", 30)
GONGKAI_COMPLAINTS_PER_DAY = env_int("FAZHI_GONGKAI_COMPLAINTS_PER_DAY", 3)
# The reports' schedule (fazhi tick): yesterday's 日巡查 daily at REPORT_TIME, last week's 周通报
# on the ISO weekday REPORT_WEEKDAY (1 = Monday), last month's 月考评 on REPORT_MONTH_DAY, last
# quarter's 季分析 on REPORT_QUARTER_DAY of the quarter's first month, each at REPORT_TIME.
# FAZHI_REPORT_SCHEDULE=0 stops the tick from issuing them (the pages and the CLI still do).
REPORT_SCHEDULE = env_bool("FAZHI_REPORT_SCHEDULE", True)
REPORT_TIME = env_str("FAZHI_REPORT_TIME", "08:00")
REPORT_WEEKDAY = env_int("FAZHI_REPORT_WEEKDAY", 1)
REPORT_MONTH_DAY = env_int("FAZHI_REPORT_MONTH_DAY", 3)
REPORT_QUARTER_DAY = env_int("FAZHI_REPORT_QUARTER_DAY", 5)
# Besides the bureau's, the tick issues each report for every unit whose own users read reports
# (its 所队长, 法制员 …: reports.permissions.reading_units), in that unit's scope;
# FAZHI_REPORT_UNITS=0 keeps the schedule to the bureau's reports.
REPORT_UNITS = env_bool("FAZHI_REPORT_UNITS", True)

# Fan-out on Celery workers (docs/operations.md, 后台进程): with FAZHI_FANOUT on, the patrol runs
# as one task per 县局/分局 (plus the cross-county rules) on the workers started by `fazhi worker`,
# through the broker FAZHI_BROKER_URL (CELERY_BROKER_URL is read too); off (the default), or with
# an empty broker URL, everything runs in the calling process as before. A part is tried
# FAZHI_FANOUT_RETRIES more times after a failure; the run gives up after FAZHI_FANOUT_TIMEOUT s.
# A part whose worker vanished (killed, its machine lost) is handed to another worker after
# FAZHI_FANOUT_REDELIVER s (Redis's visibility timeout): longer than the longest part runs, much
# shorter than FAZHI_FANOUT_TIMEOUT, so that the waiting run still completes. FAZHI_BROKER_PREFIX
# is put before every key fazhi uses in Redis (several installations on one Redis).
FANOUT_BROKER_URL = env_str(
    "FAZHI_BROKER_URL", env_str("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
)
FANOUT = env_bool("FAZHI_FANOUT", False) and bool(FANOUT_BROKER_URL)
FANOUT_QUEUE = env_str("FAZHI_FANOUT_QUEUE", "fazhi")
FANOUT_RETRIES = env_int("FAZHI_FANOUT_RETRIES", 3)
FANOUT_TIMEOUT = env_int("FAZHI_FANOUT_TIMEOUT", 6 * 3600)
FANOUT_REDELIVER = env_int("FAZHI_FANOUT_REDELIVER", 3600)
FANOUT_BROKER_PREFIX = env_str("FAZHI_BROKER_PREFIX", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("FAZHI_LOG_LEVEL", "WARNING")},
}
