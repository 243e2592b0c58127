"""Django settings for xinyong, read from the environment.

Every setting a deployment may change is an ``XINYONG_*`` environment variable with a safe
default for the demo (see ``docs/deploy.md``). The embedded default database is an SQLite
file under ``var/`` in WAL mode; production runs on PostgreSQL 15+ (``XINYONG_DATABASE_URL``).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = Path(os.environ.get("XINYONG_VAR_DIR", BASE_DIR / "var"))
POLICY_DIR = Path(os.environ.get("XINYONG_POLICY_DIR", BASE_DIR / "policy"))

# "demo" (the default: a local, single-machine platform with synthetic data),
# "production" (refuses to start without real secrets) or "test".
ENVIRONMENT = os.environ.get("XINYONG_ENV", "demo")
PRODUCTION = ENVIRONMENT == "production"


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _local_secret(name: str, make: str = "token") -> str:
    """A secret for a non-production platform, made once and kept under ``var/``.

    Production must pass every secret in the environment; a demo or a test run gets
    random secrets that survive restarts (so encrypted demo data stays readable) but are
    never the same on two machines.
    """
    if PRODUCTION:
        raise RuntimeError(f"{name} must be set in production (see docs/deploy.md)")
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "secrets" / name.lower()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if make == "fernet":
            from cryptography.fernet import Fernet

            value = Fernet.generate_key().decode()
        else:
            value = secrets.token_urlsafe(50)
        path.write_text(value)
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = os.environ.get("XINYONG_SECRET_KEY") or _local_secret("XINYONG_SECRET_KEY")
# Keys for sensitive fields (ID numbers): a comma-separated list of Fernet keys, newest
# first; older keys stay readable until `xinyong keys rotate` re-encrypts (docs/security.md).
FIELD_ENCRYPTION_KEYS = [
    k.strip()
    for k in (
        os.environ.get("XINYONG_FIELD_KEYS") or _local_secret("XINYONG_FIELD_KEYS", "fernet")
    ).split(",")
    if k.strip()
]
# Key of the keyed hash (HMAC-SHA256) used to look personal identifiers up.
LOOKUP_HASH_KEY = os.environ.get("XINYONG_HASH_KEY") or _local_secret("XINYONG_HASH_KEY")

DEBUG = _env_bool("XINYONG_DEBUG", False)
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("XINYONG_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("XINYONG_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "xinyong.audit",
    "xinyong.core",
    "xinyong.security",
    "xinyong.policy",
    "xinyong.workdays",
    "xinyong.catalog",
    "xinyong.records",
    "xinyong.lists",
    "xinyong.measures",
    "xinyong.joint",
    "xinyong.checks",
    "xinyong.repair",
    "xinyong.portal",
    "xinyong.console",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "xinyong.audit.middleware.RequestIdMiddleware",
    "xinyong.security.middleware.RefuseNulBytesMiddleware",
    "xinyong.security.middleware.ApiRateLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "xinyong.portal.middleware.ChineseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "xinyong.urls"
WSGI_APPLICATION = "xinyong.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "src" / "xinyong" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "xinyong.portal.context_processors.platform",
            ],
        },
    },
]

DEFAULT_DATABASE_URL = f"sqlite:///{VAR_DIR / 'xinyong.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("XINYONG_DATABASE_URL", DEFAULT_DATABASE_URL), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the portal read while an import writes; IMMEDIATE takes the write lock
        # at BEGIN so two writers queue instead of failing half-way (busy timeout 20 s).
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # One test database per test process, so that parallel runs do not share a file.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
else:
    # Statements run through xinyong.core.db.hot_cursor (the check, the token look-up) are
    # prepared after this many runs on a connection; Django's own cursors never prepare.
    # "off" behind a pooler that cannot keep prepared statements (docs/deploy.md).
    _prepare = os.environ.get("XINYONG_DB_PREPARE_THRESHOLD", "5").strip().lower()
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        None if _prepare in {"", "off", "none", "0"} else int(_prepare)
    )
    if os.environ.get("XINYONG_TEST_DB_NAME"):
        # Two test runs against one PostgreSQL server each name their own test database.
        DATABASES["default"]["TEST"] = {"NAME": os.environ["XINYONG_TEST_DB_NAME"]}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "console:login"
LOGIN_REDIRECT_URL = "console:home"
LOGOUT_REDIRECT_URL = "portal:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

if ENVIRONMENT == "test":
    # Tests create many users; a fast hasher keeps them quick (never used outside tests).
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "src" / "xinyong" / "locale"]
USE_I18N = True
# Legal dates are dates in Asia/Shanghai; datetimes are stored in UTC (STYLE.md §12).
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("XINYONG_STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "src" / "xinyong" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = VAR_DIR / "media"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Security headers. TLS is terminated by the reverse proxy in production (docs/deploy.md).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
CSRF_COOKIE_HTTPONLY = True
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = _env_bool("XINYONG_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("XINYONG_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("XINYONG_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Jurisdiction settings (seeds differ; the national rule is the default where one exists).
XINYONG = {
    # The deploying platform: its name on the portal and its administrative division.
    "PLATFORM_NAME": os.environ.get("XINYONG_PLATFORM_NAME", "信用示范市"),
    "PLATFORM_NAME_EN": os.environ.get("XINYONG_PLATFORM_NAME_EN", "Credit Demo City"),
    "PLATFORM_DIVISION": os.environ.get("XINYONG_PLATFORM_DIVISION", "330100"),
}

# Caches. Rate-limit counters live in the default cache (docs/decisions/0009-rate-limits.md).
# The local-memory cache is per process: right for the demo's single process, too weak for a
# production with several gunicorn workers, which sets XINYONG_CACHE_URL to "db" (the
# database cache table, made once by `xinyong createcachetable`) or to a redis:// URL (needs
# the `redis` package).
_CACHE_URL = os.environ.get("XINYONG_CACHE_URL", "").strip()
if _CACHE_URL == "db":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "xinyong_cache",
        }
    }
elif _CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _CACHE_URL,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "xinyong",
        }
    }

# Security (docs/security.md). Staff log in with a password and a TOTP code when
# XINYONG_REQUIRE_2FA is on (the default in production). Off (demo, tests), a user who has
# enrolled an authenticator is still asked for its code, and anyone may enrol from the
# console; `XINYONG_REQUIRE_2FA=1 xinyong serve` shows the whole enrolment on the demo.
XINYONG_REQUIRE_2FA = _env_bool("XINYONG_REQUIRE_2FA", PRODUCTION)
# API tokens of department systems: the longest lifetime one may be given, and how long a
# rotated token keeps working beside its successor (docs/security.md#api-tokens).
XINYONG_API_TOKEN_MAX_DAYS = int(os.environ.get("XINYONG_API_TOKEN_MAX_DAYS", "365"))
XINYONG_API_TOKEN_ROTATION_GRACE_HOURS = int(
    os.environ.get("XINYONG_API_TOKEN_ROTATION_GRACE_HOURS", "24")
)
# Reverse proxies in front of the platform that append to X-Forwarded-For (0: use the
# connection's address; production behind one nginx: 1). Used to find a client's address
# for per-address rate limits.
XINYONG_PROXY_COUNT = int(os.environ.get("XINYONG_PROXY_COUNT", "0"))
# Rate limits, "N/period" with period s, m, h or d and an optional multiplier ("5/15m").
# api_ip: API requests per client address; api_token: per API token; login_ip and
# login_user: failed log-in attempts (password or code) per address and per user name.
# Tests keep the per-user log-in limit but raise the shared ones, which every test's
# client (127.0.0.1) would otherwise exhaust; the rate-limit tests set their own.
_RATE_DEFAULTS = {"api_ip": "600/m", "api_token": "300/m", "login_ip": "30/15m"}
if ENVIRONMENT == "test":
    _RATE_DEFAULTS = {"api_ip": "100000/m", "api_token": "100000/m", "login_ip": "100000/15m"}
XINYONG_RATE_LIMITS = {
    "api_ip": os.environ.get("XINYONG_RATE_API_IP", _RATE_DEFAULTS["api_ip"]),
    "api_token": os.environ.get("XINYONG_RATE_API_TOKEN", _RATE_DEFAULTS["api_token"]),
    "login_ip": os.environ.get("XINYONG_RATE_LOGIN_IP", _RATE_DEFAULTS["login_ip"]),
    "login_user": os.environ.get("XINYONG_RATE_LOGIN_USER", "5/15m"),
}
