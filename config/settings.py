"""One settings module for every environment, driven by environment variables.

With nothing set, the site runs in DEBUG on a SQLite file with Celery tasks executed
in-process, so a first run needs nothing but Python. Production sets DATABASE_URL,
REDIS_URL, SECRET_KEY and ALLOWED_HOSTS (see README, "Configuration").
"""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from config.env import env_bool, env_int, env_list, env_str
from config.logs import build_logging
from config.secret_key import DEVELOPMENT_KEY, require_production_key

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY") or (DEVELOPMENT_KEY if DEBUG else "")
if not DEBUG:
    require_production_key(SECRET_KEY)

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    # Django's own form templates, for FORM_RENDERER below.
    "django.forms",
    "django_htmx",
    "template_partials",
    "django_filters",
    "simple_history",
    "controversies",
    "ingestion",
    "csp",
    "axes",
    "config.apps.SiteConfig",
]

MIDDLEWARE = [
    # First: every later log line of the request carries its id.
    "config.middleware.RequestIdMiddleware",
    # Before host validation and the HTTPS redirect (see config/health.py).
    "config.health.ProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session, CSRF and messages middleware, whose cookies and Vary it checks.
    "config.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # A NUL or lone surrogate in any path parameter: 404 before the view looks it up.
    "config.path_parameters.PathParameterMiddleware",
    "config.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes requires: turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "opendata.context_processors.open_data",
            ],
        },
    },
]

# Forms and widgets are drawn by the engine above, so a widget's template can live in
# templates/widgets/ beside the pages'.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Data stores -----------------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite holds connections per thread; keeping them open buys nothing.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if IS_POSTGRES and not env_bool("DB_JIT", False):
    # The pages run many short queries, which PostgreSQL's JIT compilation only delays:
    # it stays off unless DB_JIT is set.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    # Fails open (config/cache.py): with Redis away, reads miss and writes are dropped.
    # A call to Redis gives up after CACHE_SOCKET_TIMEOUT seconds; after a failure the
    # process skips Redis for CACHE_RETRY_SECONDS.
    _cache_socket_timeout = float(env_str("CACHE_SOCKET_TIMEOUT", "0.5"))
    CACHES = {
        "default": {
            "BACKEND": "config.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "tracker"),
            "OPTIONS": {
                "socket_connect_timeout": _cache_socket_timeout,
                "socket_timeout": _cache_socket_timeout,
                "RETRY_SECONDS": float(env_str("CACHE_RETRY_SECONDS", "5")),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery ----------------------------------------------------------------------------
# Without REDIS_URL every task runs eagerly in the calling process (the embedded default).

CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = "UTC"
# A task that dies with its worker goes back to the queue instead of being lost.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Each worker process has its next message waiting in the worker while it runs a task:
# with one per process, every task first waited for the last one's acknowledgement and a
# fetch from Redis. Held messages go only to an idle process (Celery's fair scheduling),
# so a long task holds none back, and a held one waits at most one hard time limit, well
# within the visibility timeout.
CELERY_WORKER_PREFETCH_MULTIPLIER = env_int("CELERY_WORKER_PREFETCH_MULTIPLIER", 2)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 60)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 90)
# Unacknowledged tasks are redelivered after this; it must exceed the hard time limit.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 600)}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE: dict = {}
# Beat's state file lives outside the source tree (a read-only image in production).
CELERY_BEAT_SCHEDULE_FILENAME = env_str(
    "CELERY_BEAT_SCHEDULE_FILENAME",
    str(Path(tempfile.gettempdir()) / "tracker-celerybeat-schedule"),
)
CELERY_WORKER_CONCURRENCY = env_int("CELERY_WORKER_CONCURRENCY", 2)
# Celery's Django fixup closes the database connection around every task unless this is
# set; a worker keeps one connection across articles instead (bench target "ingestion
# >= 70% of trafilatura alone"). Connections are kept for this many tasks and
# health-checked before each (config/celery.py).
CELERY_DB_REUSE_MAX = env_int("CELERY_DB_REUSE_MAX", 1000)
# Workers commit without waiting for the disk (PostgreSQL's synchronous_commit=off): what
# they write is re-derivable from the source page, a database crash loses at most the last
# fraction of a second of it (never consistency), and the sweeper re-queues any article
# left behind. Waiting for the disk four times per article halved ingestion throughput.
# Curators' edits, made by the web processes, are always committed synchronously.
CELERY_WORKER_ASYNC_COMMIT = env_bool("CELERY_WORKER_ASYNC_COMMIT", True)
# Logs come out through settings.LOGGING (config/logs.py), with the task id on each line.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Auth, i18n, static ----------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
# Where a login lands when its ?next= is missing or unsafe (another site): only staff can
# log in (through the admin login page), so the admin index.
LOGIN_REDIRECT_URL = "admin:index"
AUTHENTICATION_BACKENDS = [
    # Refuses logins from a locked-out client before the password is even checked.
    "config.security.RequestAxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Tests and DEBUG serve files straight from static/ without collectstatic.
WHITENOISE_USE_FINDERS = DEBUG or env_bool("WHITENOISE_USE_FINDERS", default=False)

# --- Project settings ------------------------------------------------------------------

# Django 6 makes https the default scheme for URL form fields; opt in now.
FORMS_URLFIELD_ASSUME_HTTPS = True

SITE_NAME = env_str("SITE_NAME", "AI Accountability Tracker")
# Where readers send corrections; the About page and its "report an error" section show it.
CORRECTIONS_EMAIL = env_str("CORRECTIONS_EMAIL", "corrections@example.org")
# host:port pairs that the ingestion fetcher may reach even on loopback (tests, local feeds).
INGESTION_ALLOWED_HOSTS = env_list("INGESTION_ALLOWED_HOSTS")
# The safe HTTP client (ingestion/fetching/): ports it may reach on public addresses,
# timeouts in seconds (the total one is wall-clock for a whole fetch, redirects included),
# a per-host token bucket (requests per second and burst) and the User-Agent it sends.
INGESTION_ALLOWED_PORTS = [
    int(port) for port in env_list("INGESTION_ALLOWED_PORTS", ["80", "443", "8080", "8443"])
]
INGESTION_CONNECT_TIMEOUT = float(env_str("INGESTION_CONNECT_TIMEOUT", "5"))
INGESTION_READ_TIMEOUT = float(env_str("INGESTION_READ_TIMEOUT", "10"))
INGESTION_TOTAL_TIMEOUT = float(env_str("INGESTION_TOTAL_TIMEOUT", "30"))
INGESTION_PER_HOST_RATE = float(env_str("INGESTION_PER_HOST_RATE", "2"))
INGESTION_PER_HOST_BURST = env_int("INGESTION_PER_HOST_BURST", 4)
# Longest a fetch waits for its host's rate limit before giving up (a transient failure).
INGESTION_RATE_MAX_WAIT = float(env_str("INGESTION_RATE_MAX_WAIT", "10"))
PROJECT_URL = env_str("PROJECT_URL", "https://github.com/ai-accountability-tracker/tracker")
# Where the dataset releases (manage.py export_dataset) are published; every page's
# footer links it. By default the releases page of the project's repository.
DATASET_RELEASES_URL = env_str("DATASET_RELEASES_URL", f"{PROJECT_URL.rstrip('/')}/releases")
INGESTION_USER_AGENT = env_str(
    "INGESTION_USER_AGENT", f"AIAccountabilityTracker/0.1 (+{PROJECT_URL})"
)
# A PEM file of CA certificates for https fetches; empty means the system trust store.
INGESTION_CA_BUNDLE = env_str("INGESTION_CA_BUNDLE")

LOG_FORMAT = env_str("LOG_FORMAT", "text")
LOGGING_CONFIG = "config.logs.configure"
LOGGING = build_logging(log_format=LOG_FORMAT, level=env_str("LOG_LEVEL", "INFO"))

# Whole public pages for anonymous visitors (config/page_cache.py): seconds a page may be
# served from the cache; a curated edit refreshes it at once. 0 turns the cache off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 60)
# URL namespaces whose GET responses are cached: the public pages and the JSON API (its
# rate limit still counts every request: it runs before the cache is looked up).
PAGE_CACHE_NAMESPACES = ["controversies", "api"]
# How many pages may be re-rendered at once after an edit, site-wide, while their previous
# copies are served (config/page_cache.py): the other workers keep answering from the cache.
PAGE_CACHE_RENDER_SLOTS = env_int("PAGE_CACHE_RENDER_SLOTS", 1)
# After a curated edit, values derived from it (the facets over every controversy, an
# organisation's involvement) are recounted by a Celery worker while visitors are served
# the previous copy (controversies.rebuild; at most its LOCK_SECONDS without a worker).
# Off: the first visitor recounts, the others meanwhile served the previous copy.
REBUILD_IN_WORKER = env_bool("REBUILD_IN_WORKER", not CELERY_TASK_ALWAYS_EAGER)

# --- Production hardening ----------------------------------------------------------------
# Defaults suit development and tests over plain HTTP; README "Operations" lists the
# production environment under which `manage.py check --deploy` reports nothing.

# Behind a TLS-terminating proxy that sets X-Forwarded-Proto. Only enable it when the proxy
# overwrites that header: otherwise a client could claim HTTPS.
if env_bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=False)
# Probes come over plain HTTP from inside the deployment (also served before the redirect
# by config.health.ProbeMiddleware).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A site served only over HTTPS sends its cookies only over HTTPS.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=SECURE_SSL_REDIRECT)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=SECURE_SSL_REDIRECT)
SESSION_COOKIE_HTTPONLY = True
# Templates send the token from the form or an hx-headers attribute, never from JS.
CSRF_COOKIE_HTTPONLY = True

# Content-Security-Policy (django-csp 4): only this site's own files; templates carry no
# inline script or style, so 'unsafe-inline' is never needed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Admin login throttling (django-axes): after AXES_FAILURE_LIMIT failures for one username
# from one client address, that username is refused from that address for
# AXES_COOLOFF_MINUTES. Other usernames at the address (a curator sharing an office or a
# proxy with whoever is guessing) and the same username elsewhere still get in.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# No version banner on every manage.py command's stderr (an error must be its last line).
AXES_VERBOSE = False
# How many reverse proxies in front of gunicorn append to X-Forwarded-For; 0 trusts none.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "config.security.client_ip"

# --- Ingestion pipeline ----------------------------------------------------------------
INGESTION_MAX_RETRIES = env_int("INGESTION_MAX_RETRIES", 3)
INGESTION_RETRY_BACKOFF_SECONDS = env_int("INGESTION_RETRY_BACKOFF_SECONDS", 30)
INGESTION_TASK_SOFT_TIME_LIMIT = env_int("INGESTION_TASK_SOFT_TIME_LIMIT", 120)
INGESTION_TASK_TIME_LIMIT = env_int("INGESTION_TASK_TIME_LIMIT", 150)
# An article untouched this long in an intermediate state is re-enqueued by the sweeper;
# it must exceed the task time limit so running work is not enqueued twice.
INGESTION_STUCK_AFTER_SECONDS = env_int("INGESTION_STUCK_AFTER_SECONDS", 900)
INGESTION_MAX_SWEEPS = env_int("INGESTION_MAX_SWEEPS", 3)
# How long a claimed feed stays claimed if its poll task is lost.
INGESTION_FEED_LEASE_SECONDS = env_int("INGESTION_FEED_LEASE_SECONDS", 900)
INGESTION_DEDUPE_WINDOW_DAYS = env_int("INGESTION_DEDUPE_WINDOW_DAYS", 30)
INGESTION_LSH_MAX_ENTRIES = env_int("INGESTION_LSH_MAX_ENTRIES", 50_000)
INGESTION_LSH_REBUILD_SECONDS = env_int("INGESTION_LSH_REBUILD_SECONDS", 3600)
INGESTION_MAX_SUGGESTIONS = env_int("INGESTION_MAX_SUGGESTIONS", 5)
CELERY_BEAT_SCHEDULE.update(
    {
        "ingestion-poll-due-feeds": {
            "task": "ingestion.tasks.poll_due_feeds",
            "schedule": 60.0,
        },
        "ingestion-sweep-stuck-articles": {
            "task": "ingestion.tasks.sweep_stuck_articles",
            "schedule": 300.0,
        },
    }
)

# --- Open data: feeds, exports, JSON API -------------------------------------------------
# "ninja" serves the API docs' Swagger UI from its own bundled static files (no CDN).
INSTALLED_APPS += ["ninja", "corsheaders", "opendata"]
# CORS must run before CommonMiddleware; it only answers on the open-data paths, for GET.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.common.CommonMiddleware"),
    "corsheaders.middleware.CorsMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.common.CommonMiddleware"),
    "opendata.ratelimit.RateLimitMiddleware",
)
CORS_URLS_REGEX = r"^/(api|feeds)/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET"]
CORS_ALLOW_CREDENTIALS = False
# Requests per client IP per window (opendata/ratelimit.py), e.g. "120/m", "1000/h"; ""
# turns one off. Each is counted apart: /api/, /exports/ (a full export is the costliest
# request a stranger can make) and /feeds/. With Redis away, each process counts alone.
API_RATE_LIMIT = env_str("API_RATE_LIMIT", "120/m")
EXPORT_RATE_LIMIT = env_str("EXPORT_RATE_LIMIT", "10/m")
FEED_RATE_LIMIT = env_str("FEED_RATE_LIMIT", "60/m")
# Full exports are sent from files built once per curated data version
# (opendata/export_files.py), kept in the "exports" storage: any Django storage backend
# can replace it; by default a folder outside the source tree's tracked files.
EXPORT_FILES_ROOT = env_str("EXPORT_FILES_ROOT", str(BASE_DIR / "var" / "exports"))
STORAGES["exports"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": EXPORT_FILES_ROOT, "base_url": None},
}
# How the files are built: "celery" (a worker), "thread" (a background thread of the
# web process: the embedded default, whose eager tasks would run in the request) or
# "inline" (in the request; tests).
EXPORT_FILE_BUILDS = env_str(
    "EXPORT_FILE_BUILDS", "thread" if CELERY_TASK_ALWAYS_EAGER else "celery"
)
# Seconds after a curated edit before the downloaded exports are rebuilt (edits in
# between are in the one rebuild).
EXPORT_REBUILD_DELAY = env_int("EXPORT_REBUILD_DELAY", 10)
# Exports streamed at once across the site (filtered ones, and a full one with no file
# yet); with Redis away, per process. Over it: 503 with Retry-After.
EXPORT_STREAM_CONCURRENCY = env_int("EXPORT_STREAM_CONCURRENCY", 2)
EXPORT_STREAM_RETRY_AFTER = env_int("EXPORT_STREAM_RETRY_AFTER", 15)
# A slot held longer than this (a worker killed mid-download) is freed by itself.
EXPORT_STREAM_SLOT_SECONDS = env_int("EXPORT_STREAM_SLOT_SECONDS", 900)

# --- Preserved sources (archive app) ------------------------------------------------------
# Every source is fetched through the safe client and kept as a WARC file plus its text;
# a periodic link check records whether it is still alive, moved, gone or changed.
INSTALLED_APPS += ["archive"]
# Off turns every archive fetch off (snapshots on save, the sweep, link checks); the test
# run sets it off so no test reaches a source's real address unless it asks to.
ARCHIVE_FETCH_ENABLED = env_bool("ARCHIVE_FETCH_ENABLED", default=True)
# Without a broker, a snapshot queued by a save runs in a background thread instead of
# in the saving request (archive/background.py). Tests run it in line to observe it.
ARCHIVE_SNAPSHOT_IN_BACKGROUND = env_bool(
    "ARCHIVE_SNAPSHOT_IN_BACKGROUND", default=CELERY_TASK_ALWAYS_EAGER
)
# Where snapshots are stored: the "snapshots" storage (any Django storage backend can
# replace this one); by default a folder outside the source tree's tracked files.
ARCHIVE_ROOT = env_str("ARCHIVE_ROOT", str(BASE_DIR / "var" / "snapshots"))
STORAGES["snapshots"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": ARCHIVE_ROOT, "base_url": None},
}
# Largest document kept, in bytes (the fetch is refused past it).
ARCHIVE_MAX_BYTES = env_int("ARCHIVE_MAX_BYTES", 20 * 1024 * 1024)
# A failed snapshot is tried again after this many minutes, doubling each time up to a week.
ARCHIVE_RETRY_MINUTES = env_int("ARCHIVE_RETRY_MINUTES", 30)
# Days between two link checks of one source, and how many checks one beat run queues.
ARCHIVE_LINK_CHECK_DAYS = env_int("ARCHIVE_LINK_CHECK_DAYS", 7)
ARCHIVE_LINK_CHECK_BATCH = env_int("ARCHIVE_LINK_CHECK_BATCH", 200)
# Seconds between two queued link checks of the same host (on top of the client's bucket).
ARCHIVE_LINK_CHECK_HOST_SPACING = env_int("ARCHIVE_LINK_CHECK_HOST_SPACING", 10)
# A public web archive asked to save each source, e.g.
# "https://web.archive.org/save/{url}"; blank asks none.
ARCHIVE_SAVE_URL = env_str("ARCHIVE_SAVE_URL")
CELERY_BEAT_SCHEDULE.update(
    {
        "archive-sweep-snapshots": {
            "task": "archive.tasks.sweep_snapshots",
            "schedule": 900.0,
        },
        "archive-check-due-links": {
            "task": "archive.tasks.check_due_links",
            "schedule": 600.0,
        },
    }
)


# --- Alerts (email digests and webhooks) ---------------------------------------------------
# See alerts/models.py and README "Alerts".
INSTALLED_APPS += ["alerts"]
# The site's public address (scheme and host, no trailing slash): mails and webhook
# payloads are built outside a request and link back with it.
SITE_URL = env_str("SITE_URL", "http://localhost:8000").rstrip("/")
# Mail: EMAIL_URL (smtp://user:pass@host:587/?tls=1, smtps://..., console://) or the
# usual EMAIL_HOST/EMAIL_PORT/... settings; alerts/email_config.py reads them. Without
# either, mails go to the console (what `make demo` shows).
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "AI Accountability Tracker <alerts@localhost>")
from alerts.email_config import email_settings  # noqa: E402 - reads only config.env

globals().update(email_settings())
# Signed links (confirm, manage, unsubscribe) expire after these many days.
ALERTS_CONFIRM_DAYS = env_int("ALERTS_CONFIRM_DAYS", 7)
ALERTS_MANAGE_DAYS = env_int("ALERTS_MANAGE_DAYS", 90)
# Sign-ups per client IP and per address (opendata/ratelimit.py's syntax); "" turns one off.
ALERTS_SIGNUP_RATE_LIMIT = env_str("ALERTS_SIGNUP_RATE_LIMIT", "10/h")
ALERTS_SIGNUP_PER_ADDRESS_LIMIT = env_str("ALERTS_SIGNUP_PER_ADDRESS_LIMIT", "5/d")
# An address is deleted this many days after its last subscription ends.
ALERTS_RETENTION_DAYS = env_int("ALERTS_RETENTION_DAYS", 30)
# Hard bounces or complaints before an address is disabled, and the token the mail
# relay's bounce webhook sends (blank: the bounce endpoint answers 404).
ALERTS_BOUNCE_THRESHOLD = env_int("ALERTS_BOUNCE_THRESHOLD", 3)
ALERTS_BOUNCE_TOKEN = env_str("ALERTS_BOUNCE_TOKEN")
# Webhooks: attempts per delivery (back-off doubles from the first delay, in seconds) and
# consecutive failed deliveries before a hook is disabled.
ALERTS_WEBHOOK_MAX_ATTEMPTS = env_int("ALERTS_WEBHOOK_MAX_ATTEMPTS", 6)
ALERTS_WEBHOOK_FIRST_RETRY_SECONDS = env_int("ALERTS_WEBHOOK_FIRST_RETRY_SECONDS", 60)
ALERTS_WEBHOOK_DISABLE_AFTER = env_int("ALERTS_WEBHOOK_DISABLE_AFTER", 10)
# A webhook scan reads changes saved up to this many seconds ago, so an edit whose
# transaction commits just after a scan is read by the next one.
ALERTS_WEBHOOK_SETTLE_SECONDS = env_int("ALERTS_WEBHOOK_SETTLE_SECONDS", 30)
CELERY_BEAT_SCHEDULE.update(
    {
        # Queue deliveries for new changes and every retry whose back-off has passed.
        "alerts-webhook-deliveries": {
            "task": "alerts.webhook_tasks.queue_webhook_deliveries",
            "schedule": 60.0,
        },
    }
)
# A digest's window closes this many seconds behind the clock, so a change whose
# transaction commits just after planning is in the next window, never skipped.
ALERTS_DIGEST_SETTLE_SECONDS = env_int("ALERTS_DIGEST_SETTLE_SECONDS", 60)
# Beat: immediate digests are planned every minute, daily and weekly ones as their
# windows fall due; the sweep sends what a failed or lost run left; the purge applies the
# retention rules (alerts/privacy.py).
CELERY_BEAT_SCHEDULE.update(
    {
        "alerts-plan-immediate": {
            "task": "alerts.tasks.plan_digests",
            "schedule": 60.0,
            "args": ("immediate",),
        },
        "alerts-plan-daily": {
            "task": "alerts.tasks.plan_digests",
            "schedule": 600.0,
            "args": ("daily",),
        },
        "alerts-plan-weekly": {
            "task": "alerts.tasks.plan_digests",
            "schedule": 3600.0,
            "args": ("weekly",),
        },
        "alerts-send-digests": {
            "task": "alerts.tasks.send_digests",
            "schedule": 60.0,
        },
        "alerts-purge-addresses": {
            "task": "alerts.tasks.purge_addresses",
            "schedule": 86400.0,
        },
    }
)
