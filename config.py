"""Configuration classes. Secrets come from the environment; nothing secret is committed."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from flask_appbuilder.const import AUTH_DB, AUTH_LDAP

BASE_DIR = Path(__file__).resolve().parent


def _instance_dir() -> Path:
    path = Path(os.environ.get("UPRAVA_INSTANCE_DIR", BASE_DIR / "instance"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _database_url(default_file: str) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        # Heroku-style URLs and bare "postgresql://" select the psycopg 3 driver.
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix) :]
        return url
    return f"sqlite:///{_instance_dir() / default_file}"


def _flag(name: str, default: bool) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


def _auth_settings() -> dict[str, object]:
    """Sign-in: Uprava's own passwords (default) or the city directory, UPRAVA_AUTH=ldap (README «LDAP»).

    Under LDAP the password is checked by the directory; the account in Uprava is created on the first
    sign-in with the directory's names and a role without any data access (AUTH_USER_REGISTRATION_ROLE,
    default Public): an administrator then gives it a role and an official profile. Directory groups can
    give roles instead (AUTH_ROLES_MAPPING, JSON {"group DN": ["Role", ...]}).
    """
    kind = os.environ.get("UPRAVA_AUTH", "db").strip().lower()
    if kind == "db":
        return {"AUTH_TYPE": AUTH_DB, "AUTH_USER_REGISTRATION": False}
    if kind != "ldap":
        raise RuntimeError(f"UPRAVA_AUTH must be 'db' or 'ldap', not {kind!r}")
    env = os.environ.get
    if not env("AUTH_LDAP_SERVER") or not env("AUTH_LDAP_SEARCH"):
        raise RuntimeError("UPRAVA_AUTH=ldap needs AUTH_LDAP_SERVER (ldaps://host) and AUTH_LDAP_SEARCH (base DN)")
    registration_role = env("AUTH_USER_REGISTRATION_ROLE", "Public")
    if registration_role == "Admin":
        # Anybody in the directory would become an administrator on the first sign-in.
        raise RuntimeError("AUTH_USER_REGISTRATION_ROLE must not be Admin")
    mapping = json.loads(env("AUTH_ROLES_MAPPING") or "{}")
    if not isinstance(mapping, dict) or not all(isinstance(v, list) for v in mapping.values()):
        raise RuntimeError('AUTH_ROLES_MAPPING must be a JSON object {"group DN": ["Role", ...]}')
    return {
        "AUTH_TYPE": AUTH_LDAP,
        "AUTH_LDAP_SERVER": env("AUTH_LDAP_SERVER"),
        "AUTH_LDAP_SEARCH": env("AUTH_LDAP_SEARCH"),
        "AUTH_LDAP_SEARCH_FILTER": env("AUTH_LDAP_SEARCH_FILTER", ""),
        "AUTH_LDAP_UID_FIELD": env("AUTH_LDAP_UID_FIELD", "uid"),
        # A service account that may search the directory; empty: the user's own bind searches.
        "AUTH_LDAP_BIND_USER": env("AUTH_LDAP_BIND_USER", ""),
        "AUTH_LDAP_BIND_PASSWORD": env("AUTH_LDAP_BIND_PASSWORD", ""),
        "AUTH_LDAP_FIRSTNAME_FIELD": env("AUTH_LDAP_FIRSTNAME_FIELD", "givenName"),
        "AUTH_LDAP_LASTNAME_FIELD": env("AUTH_LDAP_LASTNAME_FIELD", "sn"),
        "AUTH_LDAP_EMAIL_FIELD": env("AUTH_LDAP_EMAIL_FIELD", "mail"),
        "AUTH_LDAP_GROUP_FIELD": env("AUTH_LDAP_GROUP_FIELD", "memberOf"),
        # Passwords cross the network: ldaps:// or StartTLS, with the city's CA.
        "AUTH_LDAP_USE_TLS": _flag("AUTH_LDAP_USE_TLS", False),
        "AUTH_LDAP_TLS_DEMAND": _flag("AUTH_LDAP_TLS_DEMAND", True),
        "AUTH_LDAP_TLS_CACERTFILE": env("AUTH_LDAP_TLS_CACERTFILE", ""),
        "AUTH_USER_REGISTRATION": _flag("AUTH_USER_REGISTRATION", True),
        "AUTH_USER_REGISTRATION_ROLE": registration_role,
        "AUTH_ROLES_MAPPING": mapping,
        # On: every sign-in replaces the user's roles with the mapped ones (roles given in the UI are lost).
        "AUTH_ROLES_SYNC_AT_LOGIN": _flag("AUTH_ROLES_SYNC_AT_LOGIN", False),
    }


def _development_secret() -> str:
    """A per-checkout secret kept under instance/, so sessions survive restarts."""
    path = _instance_dir() / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _postgresql_settings() -> dict[str, str]:
    jit = os.environ.get("UPRAVA_PG_JIT", "off")
    return {"jit": jit} if jit else {}


class Config:
    APP_NAME = "Управа"
    APP_ICON = ""
    APP_THEME = ""  # FAB's bundled themes @import Google Fonts: not on a closed intranet
    SECRET_KEY: str | None = os.environ.get("SECRET_KEY")
    INSTANCE_DIR = str(_instance_dir())

    SQLALCHEMY_DATABASE_URI = _database_url("uprava.sqlite")
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    # Alembic owns every table (FAB_NOTES #2-#4); roles and permissions are synced by `flask app init`.
    FAB_CREATE_DB = False
    FAB_UPDATE_PERMS = False
    FAB_SECURITY_MANAGER_CLASS = "app.security.UpravaSecurityManager"
    FAB_ADD_SECURITY_VIEW_MENU_VIEW = False
    FAB_ADD_SECURITY_PERMISSION_VIEW = False
    FAB_ADD_SECURITY_PERMISSION_VIEWS_VIEW = False
    FAB_API_SWAGGER_UI = True
    FAB_API_MAX_PAGE_SIZE = 100
    FAB_INDEX_VIEW = "app.core.views.HomeView"
    FAB_BASE_TEMPLATE = "uprava/baselayout.html"
    AUTH_ROLE_ADMIN = "Admin"
    AUTH_ROLE_PUBLIC = "Public"
    # AUTH_TYPE, AUTH_LDAP_*, AUTH_USER_REGISTRATION*, AUTH_ROLES_*: set below from _auth_settings().
    # Password policy (also enforced by `flask app create-user`).
    FAB_PASSWORD_COMPLEXITY_ENABLED = True  # validator: app.security.password_complexity (set in create_app)

    # Login throttling: FAB's own limiter, keyed by user name and client address.
    RATELIMIT_ENABLED = True
    AUTH_RATE_LIMITED = True
    AUTH_RATE_LIMIT = "10 per minute"  # per user name and address
    # Per address, across user names. The loopback load run (scripts/load) raises it: its 200 clerks all
    # sign in from 127.0.0.1, as a whole office would behind one NAT.
    AUTH_RATE_LIMIT_PER_ADDRESS = os.environ.get("UPRAVA_AUTH_RATE_LIMIT_PER_ADDRESS", "60 per minute")
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    # Lock-out: this many failed sign-ins of one account within the window lock it for a while.
    # The lock ends by itself (nobody can lock the Head out for good); Admin can lift it earlier.
    AUTH_LOCKOUT_FAILURES = int(os.environ.get("AUTH_LOCKOUT_FAILURES", "10"))
    AUTH_LOCKOUT_WINDOW = int(os.environ.get("AUTH_LOCKOUT_WINDOW", 15 * 60))  # seconds
    AUTH_LOCKOUT_SECONDS = int(os.environ.get("AUTH_LOCKOUT_SECONDS", 15 * 60))
    RATELIMIT_HEADERS_ENABLED = True
    # Number of reverse proxies in front of the app (X-Forwarded-For hops trusted).
    PROXY_FIX_X_FOR = int(os.environ.get("PROXY_FIX_X_FOR", "0"))

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # the session lifetime bounds the token
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 8 * 60 * 60  # one working day
    # Security headers (Flask-Talisman): the CSP always; HTTPS redirect and HSTS where TLS is served.
    # Behind nginx the proxy redirects to HTTPS itself; HSTS is sent on HTTPS requests only.
    SECURITY_FORCE_HTTPS = os.environ.get("UPRAVA_FORCE_HTTPS", "0") == "1"
    SECURITY_HSTS = False

    # Russian by default; English switch at /lang/en.
    BABEL_DEFAULT_LOCALE = "ru"
    BABEL_DEFAULT_FOLDER = "translations"
    # Absolute path: Flask-Babel resolves relative ones against app/ (FAB_NOTES, Russian).
    # FAB puts its own catalogue first; ours is merged over it, so it completes and overrides.
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    LANGUAGES = {
        "ru": {"flag": "ru", "name": "Русский"},
        "en": {"flag": "gb", "name": "English"},
    }
    # The city lives at UTC+7. Timestamps are stored in UTC; "today", overdue and
    # registration years follow this zone.
    TIMEZONE = os.environ.get("UPRAVA_TIMEZONE", "Asia/Novokuznetsk")

    # Attachments, uploaded templates and generated documents, outside the web root (default: <instance>/files).
    UPRAVA_FILES_DIR = os.environ.get("UPRAVA_FILES_DIR")
    UPRAVA_ATTACHMENT_MAX_BYTES = int(os.environ.get("UPRAVA_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024))
    # Filling a Word template (the trial render of an upload and every generation) runs in a child
    # process under these limits: wall time, size of the filled document, extra memory (app/core/documents).
    UPRAVA_DOCUMENT_RENDER_SECONDS = float(os.environ.get("UPRAVA_DOCUMENT_RENDER_SECONDS", "5"))
    UPRAVA_DOCUMENT_MAX_BYTES = int(os.environ.get("UPRAVA_DOCUMENT_MAX_BYTES", 20 * 1024 * 1024))
    UPRAVA_DOCUMENT_RENDER_MEMORY_MB = int(os.environ.get("UPRAVA_DOCUMENT_RENDER_MEMORY_MB", "512"))
    # The whole request: the largest attachment plus the form around it; above it Flask answers 413.
    MAX_CONTENT_LENGTH = UPRAVA_ATTACHMENT_MAX_BYTES + 1024 * 1024

    # Structured logs: one JSON line per request and per error on stderr (production); plain text otherwise.
    LOG_JSON = os.environ.get("UPRAVA_LOG_JSON", "") == "1"
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()

    # REST API bodies (app/core/api_guard.py): bounded before parsing; anything larger or deeper is a 400.
    API_MAX_JSON_BYTES = int(os.environ.get("UPRAVA_API_MAX_JSON_BYTES", 1024 * 1024))
    API_MAX_JSON_DEPTH = 32
    # JWT errors under the API's usual key: {"message": ...} (said in Russian by app/core/api_guard.py).
    JWT_ERROR_MESSAGE_KEY = "message"
    # Background jobs (app/core/jobs): imports, large exports. The queue is a SQLite file beside the
    # database by default (no extra service); production with several hosts or workers names Redis,
    # e.g. redis://127.0.0.1:6379/1 (README «Background jobs»). `flask app worker` runs them.
    JOBS_BROKER_URL = os.environ.get("UPRAVA_JOBS_BROKER") or f"sqlite:///{_instance_dir() / 'jobs.sqlite'}"
    JOBS_IMMEDIATE = False
    JOBS_WORKERS = int(os.environ.get("UPRAVA_JOBS_WORKERS", "2"))
    # A list export of more rows than this runs as a background job; smaller ones download at once.
    EXPORT_JOB_ROWS = int(os.environ.get("UPRAVA_EXPORT_JOB_ROWS", "5000"))
    # SQLite: readers never wait for a writer (WAL); a writer waits this long (ms) for another one,
    # e.g. a save while an import writes, before «database is locked».
    SQLITE_BUSY_TIMEOUT_MS = int(os.environ.get("UPRAVA_SQLITE_BUSY_TIMEOUT_MS", "60000"))
    SQLITE_WAL = True
    # PostgreSQL settings of every connection. JIT off: PostgreSQL compiles any query it costs above
    # 100,000 — a year's statistics (a correlated count per appeal) — for 200–300 ms to save a few ms;
    # an interactive page pays the compilation every time (the appeals dashboard at 1M appeals:
    # 611–732 ms with it, 518–545 ms without). Empty value: the server's own setting.
    POSTGRESQL_SETTINGS = _postgresql_settings()

    LIST_PAGE_SIZE = 25
    LIST_MAX_PAGE_SIZE = 100
    # Seconds a list's rendered filter controls are reused (app/core/related.py); 0 turns it off.
    LIST_FIELD_CACHE_SECONDS = 60

    # Demo data (users with documented passwords) is loaded only where this is True.
    DEMO_DATA_ALLOWED = False


for _name, _value in _auth_settings().items():
    setattr(Config, _name, _value)


class DevelopmentConfig(Config):
    DEBUG = False
    SECRET_KEY = os.environ.get("SECRET_KEY") or _development_secret()
    DEMO_DATA_ALLOWED = True


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "test-only-not-a-secret-0123456789abcdef"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    RATELIMIT_STORAGE_URI = "memory://"
    AUTH_RATE_LIMITED = True
    WTF_CSRF_ENABLED = False  # tests that prove CSRF switch it back on
    DEMO_DATA_ALLOWED = True
    # A cheap hash keeps the suite fast; production keeps FAB's scrypt default.
    FAB_PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    # Each test builds its own reference data: no filter controls carried over between tests.
    LIST_FIELD_CACHE_SECONDS = 0
    # Jobs run at once, in the request that starts them (no worker, no sleeps).
    JOBS_IMMEDIATE = True
    # The per-test restore copies the database file: a write-ahead log beside it (kept open by a
    # connection a test left behind) would be replayed onto the copy. tests/core/test_jobs.py
    # proves WAL on a database of its own.
    SQLITE_WAL = False


class ProductionConfig(Config):
    # Always on behind HTTPS; only the loopback load test (plain HTTP) turns it off.
    SESSION_COOKIE_SECURE = REMEMBER_COOKIE_SECURE = os.environ.get("UPRAVA_COOKIE_SECURE", "1") == "1"
    LOG_JSON = os.environ.get("UPRAVA_LOG_JSON", "1") == "1"
    SECURITY_HSTS = os.environ.get("UPRAVA_HSTS", "1") == "1"

    @classmethod
    def validate(cls) -> None:
        """Refuse to start without the settings production cannot guess."""
        if not os.environ.get("SECRET_KEY"):
            raise RuntimeError("SECRET_KEY must be set in the environment for production")
        if not os.environ.get("DATABASE_URL"):
            raise RuntimeError("DATABASE_URL must be set in the environment for production (PostgreSQL)")


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
