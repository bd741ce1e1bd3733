"""Django settings for fazhi, all read from the environment (see README, 配置)."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from fazhi.config import env_bool, env_int, env_list, env_path, env_str, parse_database_url

BASE_DIR = Path(__file__).resolve().parent

# Everything a running fazhi writes (SQLite file, attachments, exports, logs) lives here.
DATA_DIR = env_path("FAZHI_DATA_DIR", Path.cwd() / "var")

DEBUG = env_bool("FAZHI_DEBUG", False)
_INSECURE_KEY = "fazhi-insecure-development-key-change-me-in-production"
SECRET_KEY = env_str("FAZHI_SECRET_KEY", _INSECURE_KEY if DEBUG else "")
if not SECRET_KEY:
    # Outside debug there is no usable default: sessions signed with a published key are forgeable.
    SECRET_KEY = _INSECURE_KEY
    if env_bool("FAZHI_REQUIRE_SECRET_KEY", False):
        raise ImproperlyConfigured("FAZHI_SECRET_KEY must be set in production")
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
    "fazhi.workbench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "media"
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

SESSION_COOKIE_AGE = env_int("FAZHI_SESSION_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("FAZHI_LOG_LEVEL", "WARNING")},
}
