"""Versus settings: everything that differs between machines comes from the environment.

Each value is read once here and checked; a bad value stops start-up with a message
that names the variable and says what was expected.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a yes/no value: use 1/0, true/false, yes/no or on/off.")


def env_int(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip().replace("_", ""))
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={value} is too small: it must be at least {minimum}.")
    return value


def env_float(name: str, default: float, minimum: float = 0.0) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={value} is too small: it must be at least {minimum}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


# A background worker is a second process writing to the same SQLite file: transactions take the
# write lock when they begin (so claiming work is serialised, as select_for_update does on
# Postgres) and wait for it rather than failing at once.
SQLITE_OPTIONS = {"transaction_mode": "IMMEDIATE", "timeout": 20}


def database_from_url(url: str) -> dict[str, Any]:
    """Postgres (psycopg 3) or SQLite from a DATABASE_URL; anything else is refused."""
    scheme = url.split(":", 1)[0].lower()
    if scheme not in {"postgres", "postgresql", "pgsql", "sqlite"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL uses {scheme!r}: Versus supports postgres://… (psycopg 3) or sqlite:///path."
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=600, conn_health_checks=True)
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL could not be read: {error}") from None
    if scheme != "sqlite" and not config.get("NAME"):
        raise ImproperlyConfigured("DATABASE_URL names no database: add it after the host, e.g. /versus.")
    if scheme == "sqlite":
        config.setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
    return dict(config)


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (use a long random string).")
    # Only ever used on a developer's machine: DEBUG is on and no key was given.
    SECRET_KEY = "versus-local-development-key-not-for-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    # django-ninja (the API, compare/api/): listed so that its docs page uses the Swagger UI files
    # it ships, served by us, instead of loading them from a CDN (which our CSP would block).
    "ninja",
    # Counts failed logins and locks out a user name or an address that makes too many.
    "axes",
    "articles",
    "accounts",
    "compare",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Our own scripts and styles only, on every response (see versus/middleware.py).
    "versus.middleware.ContentSecurityPolicyMiddleware",
    # Serves our static files (and htmx from django-htmx) from the app itself in production.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control: private on pages seen logged in or through a share link (versus/middleware.py).
    "versus.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes requires: answers a locked-out login with accounts.views.login_locked_out.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "versus.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.accounts",
            ],
        },
    },
]

WSGI_APPLICATION = "versus.wsgi.application"

DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
if DATABASE_URL:
    DATABASES = {"default": database_from_url(DATABASE_URL)}
else:
    # No setup needed for a first run: a local SQLite file next to manage.py.
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "db.sqlite3",
            "OPTIONS": dict(SQLITE_OPTIONS),
            # The tests' database is a file too (one per test run), so that a real worker process
            # started by a test (tests/compare/test_background_fault.py) can open it.
            "TEST": {"NAME": str(Path(tempfile.gettempdir()) / f"versus-test-{os.getpid()}.sqlite3")},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Accounts ------------------------------------------------------------------------
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "compare:library"
LOGOUT_REDIRECT_URL = "compare:library"
# Anyone may make an account (a teacher, a journalist); 0 leaves only accounts made by an admin.
VERSUS_OPEN_SIGNUP = env_bool("VERSUS_OPEN_SIGNUP", True)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Where collectstatic puts the files whitenoise serves (a bench or a container may put it elsewhere).
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", "").strip() or BASE_DIR / "staticfiles")
# While developing (and in tests, where pytest-django turns DEBUG off after settings load),
# whitenoise serves files straight from the apps' folders; production serves collectstatic's.
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed files in production (after collectstatic); plain files while developing.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Security ------------------------------------------------------------------------
# Off in DEBUG so that http://127.0.0.1:8000 works; on by default in production.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Joining the browsers' preload list is hard to undo, so it is the operator's explicit choice
# (SECURE_HSTS_PRELOAD=1), and its absence is not reported as a deployment problem.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    # Only behind a proxy that sets X-Forwarded-Proto itself and strips it from clients.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Versus limits and import rules -------------------------------------------------
# Longest article text accepted, in characters: a reader's measure, the same for every script (in bytes,
# a Chinese article would meet the limit at a third of the length of an English one).
if "VERSUS_MAX_ARTICLE_BYTES" in os.environ:
    raise ImproperlyConfigured(
        "VERSUS_MAX_ARTICLE_BYTES was replaced by VERSUS_MAX_ARTICLE_CHARACTERS (the limit now counts characters)."
    )
VERSUS_MAX_ARTICLE_CHARACTERS = env_int("VERSUS_MAX_ARTICLE_CHARACTERS", 2_000_000, minimum=1)
# Largest upload request; several files at once, so a few articles' worth.
VERSUS_MAX_UPLOAD_BYTES = env_int("VERSUS_MAX_UPLOAD_BYTES", 20_000_000, minimum=1)
VERSUS_MAX_UPLOAD_FILES = env_int("VERSUS_MAX_UPLOAD_FILES", 20, minimum=1)
# Django's own ceilings, beyond which it does not read a request at all and answers a bare
# "Bad Request (400)". They sit well above ours so that, between the two, the form itself
# answers, with everything typed kept (articles/views.py). Files above 2.5 MB are spooled
# to a temporary file rather than held in memory (Django's default).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * VERSUS_MAX_UPLOAD_BYTES
DATA_UPLOAD_MAX_NUMBER_FILES = 5 * VERSUS_MAX_UPLOAD_FILES
# Web pages one user may have fetched per minute (counted in the database, so across all workers).
VERSUS_URL_IMPORTS_PER_MINUTE = env_int("VERSUS_URL_IMPORTS_PER_MINUTE", 10, minimum=1)
VERSUS_MAX_VERSIONS_PER_STORY = env_int("VERSUS_MAX_VERSIONS_PER_STORY", 12, minimum=2)
# All versions of one story together (characters): the story page, its exports and its
# alignment grow with this total, and must stay within a request's budget.
VERSUS_MAX_STORY_CHARACTERS = env_int("VERSUS_MAX_STORY_CHARACTERS", 2_000_000, minimum=1)
# Longest PDF read, in pages: a long article is a dozen; a report or a book is refused with a message.
VERSUS_MAX_DOCUMENT_PAGES = env_int("VERSUS_MAX_DOCUMENT_PAGES", 100, minimum=1)
# URL import: fetching a page on behalf of a user must not reach our own network.
VERSUS_URL_IMPORT_ALLOW_PRIVATE = env_bool("VERSUS_URL_IMPORT_ALLOW_PRIVATE", False)
VERSUS_URL_IMPORT_TIMEOUT = env_float("VERSUS_URL_IMPORT_TIMEOUT", 10.0, minimum=0.1)
VERSUS_URL_IMPORT_MAX_BYTES = env_int("VERSUS_URL_IMPORT_MAX_BYTES", 5_000_000, minimum=1)
VERSUS_URL_IMPORT_MAX_REDIRECTS = env_int("VERSUS_URL_IMPORT_MAX_REDIRECTS", 5, minimum=0)

# --- Budgets: how much one request may do (versus/budget.py) -------------------------
# gunicorn's sync workers serve one request each: these keep any request well inside its
# 30 s timeout and leave the workers free for everyone else.
# Seconds the engine may spend tracing one text, and the longest text traced in a request (characters).
VERSUS_TRACE_SECONDS = env_float("VERSUS_TRACE_SECONDS", 5.0, minimum=0.1)
VERSUS_TRACE_MAX_CHARACTERS = env_int("VERSUS_TRACE_MAX_CHARACTERS", 100_000, minimum=1)
# A logged-in user's longer text is traced by the background worker, with this budget.
VERSUS_TRACE_BACKGROUND_SECONDS = env_float("VERSUS_TRACE_BACKGROUND_SECONDS", 120.0, minimum=1)
# Seconds the HTML extractor may spend on one page before the plain reduction is used instead,
# and the largest page it is given at all (bigger pages get the plain reduction straight away).
VERSUS_EXTRACT_SECONDS = env_float("VERSUS_EXTRACT_SECONDS", 3.0, minimum=0.1)
VERSUS_EXTRACT_MAX_BYTES = env_int("VERSUS_EXTRACT_MAX_BYTES", 1_000_000, minimum=1)
# Pasted text and files beyond this many bytes in one submission are read and stored by the
# background worker (web addresses always are), with a page showing the progress.
VERSUS_SYNC_INGEST_BYTES = env_int("VERSUS_SYNC_INGEST_BYTES", 300_000, minimum=0)
# Seconds all the web pages of one request may take together (each also within VERSUS_URL_IMPORT_TIMEOUT).
VERSUS_URL_IMPORT_REQUEST_TIMEOUT = env_float("VERSUS_URL_IMPORT_REQUEST_TIMEOUT", 15.0, minimum=0.1)

# --- Throttling (articles/throttle.py; logins: django-axes) ---------------------------
# Counted per account and per client address (a whole school may share one address, so the
# address limits are the higher ones). Behind a proxy, name the header that carries the
# client's address as Django sees it, e.g. HTTP_X_REAL_IP; by default REMOTE_ADDR is used.
VERSUS_CLIENT_ADDRESS_HEADER = os.environ.get("VERSUS_CLIENT_ADDRESS_HEADER", "").strip()
VERSUS_TRACES_PER_MINUTE = env_int("VERSUS_TRACES_PER_MINUTE", 10, minimum=1)
VERSUS_TRACES_PER_MINUTE_PER_ADDRESS = env_int("VERSUS_TRACES_PER_MINUTE_PER_ADDRESS", 30, minimum=1)
VERSUS_IMPORTS_PER_MINUTE = env_int("VERSUS_IMPORTS_PER_MINUTE", 10, minimum=1)
VERSUS_IMPORTS_PER_MINUTE_PER_ADDRESS = env_int("VERSUS_IMPORTS_PER_MINUTE_PER_ADDRESS", 30, minimum=1)
VERSUS_SIGNUPS_PER_HOUR_PER_ADDRESS = env_int("VERSUS_SIGNUPS_PER_HOUR_PER_ADDRESS", 10, minimum=1)
# Logins (django-axes): after this many failed attempts for one user name, or from one
# address, logging in is refused for VERSUS_LOGIN_LOCKOUT_MINUTES, even with the right password.
VERSUS_LOGIN_FAILURES = env_int("VERSUS_LOGIN_FAILURES", 5, minimum=1)
VERSUS_LOGIN_LOCKOUT_MINUTES = env_int("VERSUS_LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
AXES_FAILURE_LIMIT = VERSUS_LOGIN_FAILURES
AXES_COOLOFF_TIME = dt.timedelta(minutes=VERSUS_LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one alone locks
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "articles.throttle.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.views.login_locked_out"
AXES_VERBOSE = False

# --- Background work -----------------------------------------------------------------
# Aligning a story runs as a task (django-tasks). "immediate" runs it inside the request that
# asks for it (the default: bin/dev and the tests need no worker); "database" queues it in the
# database for a worker started with `python manage.py db_worker` (production).
_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
VERSUS_TASKS_BACKEND = os.environ.get("VERSUS_TASKS_BACKEND", "immediate").strip().lower() or "immediate"
if VERSUS_TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"VERSUS_TASKS_BACKEND={VERSUS_TASKS_BACKEND!r} is unknown: use immediate or database.")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[VERSUS_TASKS_BACKEND]}}
# An alignment whose worker has not been heard of for this long is taken as abandoned (the
# worker died) and queued again by the next visit of the story page.
VERSUS_ALIGN_STALE_SECONDS = env_int("VERSUS_ALIGN_STALE_SECONDS", 60, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
