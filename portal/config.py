"""Settings, each with a default; overridden by ``PORTAL_*`` environment variables and ``DATABASE_URL``."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

DEFAULT_SECRET_KEY = "dev-only-change-me"


class Config:
    """Hold the defaults: the embedded mode (SQLite file under the instance folder, in-process jobs)."""

    # Replaced from PORTAL_SECRET_KEY in production. Left at this default, the embedded (SQLite) mode makes a
    # random key once and keeps it in <instance>/secret_key; any other database refuses to start outside
    # debug and testing (portal/__init__.py, issue 16 item 8).
    SECRET_KEY = DEFAULT_SECRET_KEY
    SERVES_REQUESTS = True  # False for command-line tools (cli.py), which sign no cookie and may keep the default
    SQLALCHEMY_DATABASE_URI: str | None = None  # None → sqlite:///<instance>/portal.sqlite3
    # The database owner's URL, for migrations (portal db upgrade) and backups; DATABASE_URL is then the
    # application's restricted role (portal/dbroles.py). None: migrations use DATABASE_URL.
    MIGRATION_DATABASE_URL: str | None = None
    # How many reverse proxies (load balancers) stand in front of the portal and append to X-Forwarded-For
    # and X-Forwarded-Proto. 0 trusts none: the client address is the TCP peer's. Set it to exactly the
    # number of proxies, or clients can forge their address (README: Security).
    TRUSTED_PROXIES = 0
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {}
    SQLALCHEMY_RECORD_QUERIES = False
    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ("zh_CN", "en")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # True behind HTTPS in production (PORTAL_SESSION_COOKIE_SECURE=true)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    # A session ends after this long without a request, and this long after the sign-in whatever happens
    # (issue 16 item 3; portal/auth/loading.py).
    SESSION_IDLE_MINUTES = 30
    SESSION_ABSOLUTE_HOURS = 12
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session: a long form is never refused for age
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    # The JSON API (issue 19): the largest JSON body read (a workbook upload may be MAX_CONTENT_LENGTH), and
    # the requests one token may make (Flask-Limiter syntax; RateLimit-* headers tell the client where it is).
    API_MAX_BODY_BYTES = 5 * 1024 * 1024
    API_RATE_LIMIT = "300 per minute"
    RATELIMIT_STORAGE_URI = "memory://"  # redis://… in production, shared by every web process
    RATELIMIT_HEADERS_ENABLED = True
    # Failed sign-ins allowed per client address (successes are not counted), and the per-account lockout:
    # LOCKOUT_THRESHOLD failures in a row lock the account for LOCKOUT_BASE_MINUTES, doubling with each further
    # lock up to LOCKOUT_MAX_MINUTES (portal/auth/lockout.py).
    LOGIN_RATE_LIMIT = "20 per minute;100 per hour"
    LOCKOUT_THRESHOLD = 5
    LOCKOUT_BASE_MINUTES = 15
    LOCKOUT_MAX_MINUTES = 24 * 60
    # The second sign-in step (a TOTP or recovery code) must follow the password within this many seconds.
    SECOND_FACTOR_SECONDS = 300
    # Invitations (a new account's link to set its password) and password-reset links: one use, then expired.
    INVITATION_DAYS = 7
    PASSWORD_RESET_MINUTES = 60
    PASSWORD_RESET_RATE_LIMIT = "5 per minute;30 per hour"  # reset requests per client address
    # The address links in e-mails start with, e.g. "https://portal.example.gov.cn". Set it in production: without
    # it the link is built from the request's Host header, which whoever asks for a reset chooses (README: Security).
    PUBLIC_BASE_URL = ""
    TESTING = False
    # Background jobs (portal/jobs): "embedded" runs an in-process worker thread on a SQLite queue file in
    # the instance folder; "redis://host:6379/0" queues on Redis for any number of `portal worker`
    # processes; "immediate" runs each job inside the request that queued it (the test suite).
    JOB_QUEUE = "embedded"
    JOB_QUEUE_NAME = "portal"  # the queue's name (Redis key prefix; the embedded queue file's stem)
    JOB_QUEUE_FILE: str | None = None  # embedded queue file; None → <instance>/<JOB_QUEUE_NAME>-jobs.sqlite3
    JOB_WORKERS = 1  # worker threads per process; imports are CPU-bound, so add processes rather than threads
    JOB_HEARTBEAT_SECONDS = 2.0  # how often a running job proves its worker is alive
    JOB_STALE_SECONDS = 30.0  # a running job silent this long is shown, then recorded, as interrupted
    # Finished jobs (done, failed, interrupted) older than this are purged with the draft PDFs they stored, by
    # `portal jobs purge` and hourly by the worker (issue 20 item 14); 0 keeps them forever.
    JOB_RETENTION_DAYS = 30
    UPLOAD_JOB_THRESHOLD = 256 * 1024  # uploads larger than this (bytes) are imported by a background job
    # Where rendered copies of record (and other kept files) are stored, by the SHA-256 of their bytes
    # (portal/storage.py): empty → <instance>/storage; file:///path → that folder; in production
    # s3://bucket/prefix?endpoint_url=https://…&region=… (credentials from boto3's chain: AWS_* variables).
    STORAGE_URL = ""
    # Evidence attachments (issue 18 item 2): the largest file accepted, in bytes (PORTAL_ATTACHMENT_MAX_BYTES).
    # Attachment uploads may send up to twice this (ATTACHMENT_REQUEST_LIMIT) so that an oversized file gets the
    # attachment page's own message naming the file and the limit, rather than a bare 413.
    ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
    # ClamAV's clamd, scanning every attachment before it is stored (INSTREAM): "tcp://host:3310", "host:3310"
    # or a Unix socket path "/run/clamav/clamd.ctl". Empty: attachments are stored unscanned (recorded so).
    CLAMD_ADDRESS = ""
    CLAMD_TIMEOUT = 30.0
    # E-mail for notifications (off while SMTP_HOST is empty; notices stay in the outbox until sent).
    SMTP_HOST = ""
    SMTP_PORT = 25
    SMTP_USER = ""
    SMTP_PASSWORD = ""
    SMTP_SENDER = "portal@localhost"
    SMTP_STARTTLS = False
    SMTP_TIMEOUT = 10
    # Without SMTP_HOST, write each outgoing mail to the log instead (scripts/run-portal: the demo's invitations
    # and reset links can be followed from the console). Never in production: the links are credentials.
    MAIL_TO_LOG = False
    NOTIFY_DUE_SOON_DAYS = 30  # a GHG report due within this many days gets an "approaching" notice
    # The key that signs the PDF copies of record (README "Copy of record"). Unset: generated once, with a
    # self-signed certificate naming INSTALLATION_NAME, in <instance>/copy-of-record/. Production: a key
    # and a certificate issued by a CA (PEM), the CA's intermediate certificates, and the key's password.
    SIGNING_KEY_PATH: str | None = None
    SIGNING_CERT_PATH: str | None = None
    SIGNING_CHAIN_PATH: str | None = None
    SIGNING_KEY_PASSWORD: str | None = None
    # Earlier signing certificates (PEM bundle) whose copies /verify and `portal verify` still accept after
    # the key was replaced.
    SIGNING_PREVIOUS_CERTS_PATH: str | None = None
    INSTALLATION_NAME = ""  # names the installation in a generated certificate; empty → the host name


def env_overrides(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Return settings read from ``PORTAL_*`` variables (JSON-typed where possible) and ``DATABASE_URL``."""
    import json

    environ = dict(os.environ if environ is None else environ)
    out: dict[str, Any] = {}
    for key, raw in environ.items():
        if not key.startswith("PORTAL_"):
            continue
        try:
            value: Any = json.loads(raw)
        except ValueError:
            value = raw
        out[key.removeprefix("PORTAL_")] = value
    if environ.get("DATABASE_URL"):
        out["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(environ["DATABASE_URL"])
    return out


def normalise_database_url(url: str) -> str:
    """Return a SQLAlchemy URL using psycopg 3 for PostgreSQL URLs written the usual way."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url
