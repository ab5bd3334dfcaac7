"""One settings module, configured by environment variables (see README "Configuration").

With nothing set it runs on embedded defaults for a one-command demo: SQLite, the in-memory
channel layer, a local-memory cache, Celery on kombu's filesystem transport and email written as
files, all under var/. Production and the test suite set DATABASE_URL and REDIS_URL.
"""

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_noop

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

VAR_DIR = Path(env("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "insecure-local-demo-key-never-use-in-production"  # noqa: S105
# With no key and no DEBUG, the web servers and Celery refuse to start (supportgroups.startup);
# commands that need no key, such as makemigrations, still run.

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])
# Marked for the catalogues and shown through supportgroups.languages.site_name(), so each
# reader sees it in their language (a name set here that no catalogue has is shown as set).
SITE_NAME = env("SITE_NAME", default=gettext_noop("Support Groups"))

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "channels",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "csp",
    "django_prometheus",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "supportgroups",
    "moderation",
    "groups",
    "groups.meetings",
    "groups.chat",
    "groups.conversations",
    "groups.checkins",
    "groups.mentoring",
    "forums",
    "resources",
    "reports",
]

MIDDLEWARE = [
    # Request latency by view for /metrics (supportgroups/metrics.py): the first and last layer.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "supportgroups.logs.RequestLogMiddleware",  # the request id covers everything below
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "supportgroups.middleware.UserLanguageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "supportgroups.middleware.UserTimezoneMiddleware",
    "supportgroups.middleware.StaffMFAMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "supportgroups.urls"
WSGI_APPLICATION = "supportgroups.wsgi.application"
ASGI_APPLICATION = "supportgroups.asgi.application"

TEMPLATES: list[dict[str, Any]] = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "supportgroups.context_processors.site",
            ],
        },
    },
]

# --- Data stores --------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, counting and timing queries for /metrics.
    DATABASES["default"]["ENGINE"] = "django_prometheus.db.backends.postgresql"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
USING_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded demo runs web and worker processes on one SQLite file: take the write lock at
    # the start of each transaction and wait for it, instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _redis_for_test_worker(url: str) -> str:
    """Parallel test workers (pytest-xdist sets PYTEST_XDIST_WORKER=gwN) must not share Redis
    databases: worker N shifts the database number by 2N, so with REDIS_URL on database 0 and
    CACHE_URL on 1, worker 1 uses 2 and 3. A daphne started by a test inherits the variable."""
    worker = env("PYTEST_XDIST_WORKER", default="")
    if not (url and worker):
        return url
    parts = urlsplit(url)
    db = int(parts.path.strip("/") or 0) + 2 * int(worker.removeprefix("gw"))
    return urlunsplit(parts._replace(path=f"/{db}"))


REDIS_URL = _redis_for_test_worker(env("REDIS_URL", default=""))
# The cache may live in its own Redis database: clearing it (the test suite does, before every
# test) then cannot wipe the Celery broker's queues or the channel layer held in REDIS_URL.
CACHE_URL = _redis_for_test_worker(env("CACHE_URL", default=env("REDIS_URL", default="")))
# Every Redis connection keeps its idle sockets alive (TCP keepalive, and a PING before reusing one
# idle longer than the health check interval), and gives up on a hung server after a timeout that
# must outlast the longest blocking read made on that connection.
REDIS_SOCKET_OPTIONS = {
    "socket_connect_timeout": 5,
    "socket_keepalive": True,
    "health_check_interval": 30,
}
CACHES: dict[str, dict[str, Any]]
CHANNEL_LAYERS: dict[str, dict[str, Any]]
if CACHE_URL:
    CACHES = {
        "default": {
            # While Redis is away it answers as an empty cache (see supportgroups.degrade).
            "BACKEND": "supportgroups.degrade.RedisCacheThatForgets",
            "LOCATION": CACHE_URL,
            # Cache commands never block on the server, so a short timeout is safe here and keeps
            # a hung Redis from holding pages (rate limiters then let the request through).
            "OPTIONS": {**REDIS_SOCKET_OPTIONS, "socket_timeout": 5},
        }
    }
else:
    # Files under var/, which the demo's web and worker processes share: what one of them moves
    # (a person's unread count, a kept page's version) the other sees at once.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # Redis pub/sub: one PUBLISH per room event, which each daphne process hands to its
            # own sockets. channels_redis.core costs a Redis round trip per socket per event, one
            # after another, too slow for a large room (bench/chat.py compares the two). Pub/sub
            # keeps nothing for a process that is not listening: a chat client finds what it
            # missed by the sequence numbers (see groups/chat/consumers.py).
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                # A read must outlast the longest blocking wait on its connection; 30 s still
                # notices a hung server.
                "hosts": [{"address": REDIS_URL, **REDIS_SOCKET_OPTIONS, "socket_timeout": 30}],
                # Redis pub/sub channels ignore the database number: the prefix carries it, so
                # sites (or parallel test workers) on one Redis server never hear each other.
                "prefix": f"asgi.db{urlsplit(REDIS_URL).path.strip('/') or 0}",
            },
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels.layers.InMemoryChannelLayer",
            "CONFIG": {"capacity": 500, "expiry": 60},
        }
    }

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    _celery_dir = VAR_DIR / "celery"
    for _sub in ("queue", "processed", "control"):
        (_celery_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_celery_dir / "queue"),
        "data_folder_out": str(_celery_dir / "queue"),
        "processed_folder": str(_celery_dir / "processed"),
        "control_folder": str(_celery_dir / "control"),  # else it lands in the working directory
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
else:
    # A task that is not acknowledged within an hour is redelivered: long enough for any task here.
    # kombu's BRPOP waits 1 s at a time and checks that connection's health itself.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 3600,
        **REDIS_SOCKET_OPTIONS,
        "socket_timeout": 30,
    }
    CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
    CELERY_REDIS_SOCKET_KEEPALIVE = True
    CELERY_REDIS_BACKEND_HEALTH_CHECK_INTERVAL = REDIS_SOCKET_OPTIONS["health_check_interval"]
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 3600
# Nothing here waits for a task's result: asking for one then costs no result-store subscription,
# which while Redis is down retried for 20 s before failing the request. A caller that wants the
# result says so (apply_async(ignore_result=False)).
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
CELERY_TASK_ACKS_LATE = True  # tasks are idempotent; a killed worker's task is redelivered
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Each app adds its entries in its own block at the end of this file. Exactly one beat process
# runs in every layout (inside the worker for `make run`, the `beat` service in docker-compose).
CELERY_BEAT_SCHEDULE: dict = {
    "clear-expired-sessions": {
        "task": "supportgroups.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=17),
    },
}

# --- Email ------------------------------------------------------------------------------------
if env("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
# Seconds each SMTP step may take (Django's default is to wait forever): see the reminder lease.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Support Groups <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Accounts ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "supportgroups.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_SIGNUP_FORM_CLASS = "supportgroups.forms.SignupForm"
ACCOUNT_ADAPTER = "supportgroups.adapters.AccountAdapter"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, stated so that they are visibly on.
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME
# Paths where staff must have MFA enabled before anything is shown (see StaffMFAMiddleware).
MFA_REQUIRED_PATH_PREFIXES = ["/admin/"]

# --- Security -----------------------------------------------------------------------------------
# Django's database sessions, read with a query compiled once (supportgroups/sessions.py).
SESSION_ENGINE = "supportgroups.sessions"
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env.bool("USE_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies of ours stand in front (1 behind the compose stack's nginx). Each appends the
# address it saw to X-Forwarded-For, so the visitor is that many hops from the right; anything
# further left was written by the visitor. 0 (no proxy) ignores the header: per-IP sign-in limits
# then key on the connection's own address, as they must when nobody vouches for the header.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
CSRF_FAILURE_VIEW = "supportgroups.views.csrf_failure"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # Bootstrap's CSS draws its form icons as data: SVGs
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "worker-src": [SELF],  # the service worker, /sw.js
        "manifest-src": [SELF],
    }
}

# --- Internationalisation -------------------------------------------------------------------------
# Each language is named in itself (the switcher shows these names). To add one: here, in
# SEARCH_CONFIGS below, and a catalogue under locale/ (README "Adding a language").
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    ("fr", "Français"),
    ("de", "Deutsch"),
    ("ar", "العربية"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language cookie remembers a visitor's choice for a year (an account remembers it in
# User.language); Lax like the session cookie, so following a link from an email keeps it.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
LANGUAGE_COOKIE_HTTPONLY = True
# PostgreSQL's text search configuration for text written in each language: posts by their
# board's group's language, resources by theirs. Arabic has no stemmer in PostgreSQL: "simple".
SEARCH_CONFIGS = {
    "en": "english",
    "es": "spanish",
    "fr": "french",
    "de": "german",
    "ar": "simple",
}
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.bool("STATIC_MANIFEST", default=False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not env.bool("STATIC_MANIFEST", default=False)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# One JSON object per line in production (supportgroups/logs.py): a request id on every line,
# carried into tasks and socket events; email addresses scrubbed from every line.
LOG_FORMAT = env("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "layer_outage": {"()": "supportgroups.live.LayerOutageFilter"},
        "request_id": {"()": "supportgroups.logs.RequestIdFilter"},
        "personal_data": {"()": "supportgroups.logs.PersonalDataFilter"},
    },
    "formatters": {
        "json": {
            "()": "supportgroups.logs.ScrubbedJsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "personal_data"],
        }
    },
    "loggers": {"channels_redis.pubsub": {"filters": ["layer_outage"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # workers log through LOGGING above

# /metrics for Prometheus (supportgroups/metrics.py): off (404) unless a token is set.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
PROMETHEUS_EXPORT_MIGRATIONS = False  # a query per start-up, for a figure nobody alerts on

# Error reporting (Sentry's SDK), off unless SENTRY_DSN is set; scrubbed like the logs.
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    from supportgroups.errors import start_error_reporting

    start_error_reporting(dsn=SENTRY_DSN, environment=env("SENTRY_ENVIRONMENT", default=""))

# --- moderation ---
# The dashboard and item pages need MFA for everyone (views use mfa_required); reporting, appeals
# and the crisis-lines page do not, so staff without MFA can still report and find help.
MODERATION_CLAIM_MINUTES = env.int("MODERATION_CLAIM_MINUTES", default=15)
MODERATION_CRISIS_BACKUP_MINUTES = env.int("MODERATION_CRISIS_BACKUP_MINUTES", default=10)
MODERATION_ROTA_TIME_ZONE = env("MODERATION_ROTA_TIME_ZONE", default="Europe/London")
# The organisation's calendar: the reports' weeks, months and hours of the day are counted in it.
ORGANISATION_TIME_ZONE = env("ORGANISATION_TIME_ZONE", default=MODERATION_ROTA_TIME_ZONE)
MODERATION_REPORTS_PER_HOUR = env.int("MODERATION_REPORTS_PER_HOUR", default=10)
# Views of the appeal and write-to-the-facilitators pages per person (429 past it, text kept).
MODERATION_APPEAL_PAGES_PER_HOUR = env.int("MODERATION_APPEAL_PAGES_PER_HOUR", default=60)
MODERATION_SPAM_NEW_ACCOUNT_DAYS = env.int("MODERATION_SPAM_NEW_ACCOUNT_DAYS", default=3)
MODERATION_SPAM_MIN_REPEAT_CHARS = 40  # shorter repeats ("Thank you") are not spam
CELERY_BEAT_SCHEDULE["groups-deliver-due-announcements"] = {
    "task": "groups.tasks.deliver_due_announcements",
    "schedule": 60.0,
}
CELERY_BEAT_SCHEDULE["groups-expire-cohort-offers"] = {
    "task": "groups.tasks.expire_cohort_offers",
    "schedule": 300.0,
}
CELERY_BEAT_SCHEDULE["moderation-escalate-unclaimed-crises"] = {
    "task": "moderation.tasks.escalate_unclaimed_crises",
    "schedule": 60.0,
}
# Follow-up contacts owed after a crisis item is resolved, in hours after resolving.
MODERATION_FOLLOW_UP_HOURS = [
    int(h) for h in env.list("MODERATION_FOLLOW_UP_HOURS", default=["24", "72"])
]
CELERY_BEAT_SCHEDULE["moderation-alert-overdue-follow-ups"] = {
    "task": "moderation.tasks.alert_overdue_follow_ups",
    "schedule": 60.0,
}
# An overdue follow-up still not recorded this long after the on-duty alert goes to the backups.
MODERATION_FOLLOW_UP_BACKUP_MINUTES = env.int("MODERATION_FOLLOW_UP_BACKUP_MINUTES", default=60)
CELERY_BEAT_SCHEDULE["moderation-escalate-overdue-follow-ups"] = {
    "task": "moderation.tasks.escalate_overdue_follow_ups",
    "schedule": 60.0,
}
CELERY_BEAT_SCHEDULE["moderation-release-stale-claims"] = {
    "task": "moderation.tasks.release_stale_claims",
    "schedule": 60.0,
}

# --- check-ins ---
# Groups that check in before each meeting remind their members this long before it.
CHECKINS_REMIND_BEFORE_HOURS = env.int("CHECKINS_REMIND_BEFORE_HOURS", default=24)
CELERY_BEAT_SCHEDULE["checkins-scan-reminders"] = {
    "task": "groups.checkins.tasks.scan_check_in_reminders",
    "schedule": 60.0,
}

# --- resources ---
from celery.schedules import crontab  # noqa: E402 - only the resources block needs it

RESOURCES_PAGE_SIZE = 20
RESOURCES_SUGGESTIONS_PER_DAY = 10  # per member: each one lands in the facilitators' queue
RESOURCES_LINK_CHECK_TIMEOUT = 10  # seconds, for HEAD and again for the GET fallback
RESOURCES_LINK_CHECK_FAILURES_BEFORE_BROKEN = 2  # timeouts / 5xx in a row before "broken"
# Members suggest addresses, so the checker never reaches private hosts; tests turn this on to
# let it reach their local server (loopback only, any port).
RESOURCES_LINK_CHECK_ALLOW_PRIVATE = env.bool("RESOURCES_LINK_CHECK_ALLOW_PRIVATE", default=False)
CELERY_BEAT_SCHEDULE["resources-check-links-weekly"] = {
    "task": "resources.tasks.check_all_links",
    "schedule": crontab(minute=17, hour=3, day_of_week="sun"),
}

# --- meetings ---
# Occurrences are materialised this far ahead (on save and by an hourly beat task).
MEETINGS_HORIZON_DAYS = 90
# A reminder claimed (or handed to a worker) this long ago and never "sent" belongs to a worker
# that died: the next scan offers it again, so it goes out within the lease plus one scan interval
# (90 s). One send must end well within the lease, or a second worker could send it too: a send
# takes well under a second, and each SMTP step gives up after EMAIL_TIMEOUT.
MEETINGS_CLAIM_LEASE_SECONDS = 60
MEETINGS_SCAN_SECONDS = 30
# Reminders for meetings that started less than this long ago are recorded as skipped.
MEETINGS_LATE_LOOKBACK_HOURS = 24
CELERY_BEAT_SCHEDULE["meetings-scan-reminders"] = {
    "task": "groups.meetings.tasks.scan_reminders",
    "schedule": float(MEETINGS_SCAN_SECONDS),
}
CELERY_BEAT_SCHEDULE["meetings-materialise-occurrences"] = {
    "task": "groups.meetings.tasks.materialise_all",
    "schedule": 3600.0,
}

# --- chat ---
CHAT_MAX_MESSAGE_LENGTH = 2000
CHAT_HISTORY_PAGE = 50  # messages on a fresh page, and per "load older" request
CHAT_CATCH_UP_LIMIT = 500  # a client further behind than this starts again from the last page
# Per-connection token bucket: a burst of CHAT_RATE_LIMIT_BURST, then this many per second.
CHAT_RATE_LIMIT_BURST = env.int("CHAT_RATE_LIMIT_BURST", default=5)
CHAT_RATE_LIMIT_PER_SECOND = env.float("CHAT_RATE_LIMIT_PER_SECOND", default=1.0)
# Every frame a socket sends (heartbeats, typing, junk too) takes one of these tokens; a socket
# whose frames are refused CHAT_FLOOD_STRIKES times, then more than once a second, is closed
# (4430). chat.js sends a heartbeat every 20 s and "typing" at most every 3 s, far below this.
CHAT_FRAME_BURST = env.int("CHAT_FRAME_BURST", default=20)
CHAT_FRAMES_PER_SECOND = env.float("CHAT_FRAMES_PER_SECOND", default=5.0)
CHAT_FLOOD_STRIKES = env.int("CHAT_FLOOD_STRIKES", default=20)
CHAT_HEARTBEAT_SECONDS = 20
CHAT_PRESENCE_TTL_SECONDS = 3 * CHAT_HEARTBEAT_SECONDS
CHAT_PRESENCE_ANNOUNCE_SECONDS = 2  # at most one "who is here" broadcast per room this often
CHAT_MUTE_MAX_MINUTES = 24 * 60
# Sockets one person may open per minute (a page reconnecting with back-off needs a handful).
CHAT_CONNECTS_PER_MINUTE = env.int("CHAT_CONNECTS_PER_MINUTE", default=20)
# Event handlers trust a socket's last access check this long. Writes always check afresh, and
# every change of access sends the person's sockets an event that checks at once, so this is
# only the net for changes without one (a group archived, a cohort's end, a lost event). A full
# re-check is five small queries; each page's heartbeat renews it, so it must outlast a beat:
# sockets whose windows ran out together all re-checked on the same message, in front of it.
CHAT_ACCESS_RECHECK_SECONDS = env.float(
    "CHAT_ACCESS_RECHECK_SECONDS", default=1.5 * CHAT_HEARTBEAT_SECONDS
)

# --- conversations ---
from datetime import timedelta  # noqa: E402 - only the conversations block needs it

CONVERSATIONS_MAX_MESSAGE_LENGTH = 5000
CONVERSATIONS_HISTORY_PAGE = 100  # messages per catch-up after a reconnect
# Messages on a conversation page; earlier ones are a "Show earlier messages" link away.
CONVERSATIONS_PAGE_MESSAGES = 30
CONVERSATIONS_INBOX_PAGE = 50
# Fixed windows per person, kept in the cache; over either the form comes back with a 429.
CONVERSATIONS_STARTS_PER_HOUR = env.int("CONVERSATIONS_STARTS_PER_HOUR", default=10)
CONVERSATIONS_MESSAGES_PER_MINUTE = env.int("CONVERSATIONS_MESSAGES_PER_MINUTE", default=20)
# "Sam is replying" shows this long after Sam last typed, unless Sam sends first.
CONVERSATIONS_REPLYING_FOR = timedelta(minutes=2)
# How long after sending its author may change a message (the others may have read it).
CONVERSATIONS_EDIT_FOR = timedelta(minutes=15)
# A message still unread this long after it arrived is emailed about (once until read).
CONVERSATIONS_EMAIL_AFTER = timedelta(minutes=15)
# A scan's claim on an email whose task never ran (a lost worker, the broker down) lapses after
# this, and a later scan offers it again. A task that fails releases its claim at once.
CONVERSATIONS_EMAIL_CLAIM_FOR = timedelta(minutes=10)
# The header's unread count is kept this long at most: every change made through the services
# renews it at once; this is the net for changes made around them (the admin, permissions).
CONVERSATIONS_UNREAD_CACHE_FOR = timedelta(minutes=10)
CELERY_BEAT_SCHEDULE["conversations-email-unread"] = {
    "task": "groups.conversations.tasks.scan_unread",
    "schedule": 60.0,
}
TEMPLATES[0]["OPTIONS"]["context_processors"].append(
    "groups.conversations.context_processors.conversations"  # the header's unread count
)

# --- mentoring ---
# A mentor answers an offer within this; then it expires and the coordinator is told.
MENTORING_OFFER_FOR = timedelta(hours=env.int("MENTORING_OFFER_HOURS", default=72))
# Both sides are asked how it is going this many weeks after the introduction.
MENTORING_CHECK_IN_WEEKS = (2, 6)
CELERY_BEAT_SCHEDULE["mentoring-expire-offers"] = {
    "task": "groups.mentoring.tasks.expire_offers",
    "schedule": 300.0,
}
CELERY_BEAT_SCHEDULE["mentoring-ask-check-ins"] = {
    "task": "groups.mentoring.tasks.ask_check_ins",
    "schedule": 3600.0,
}

# --- forums ---
FORUMS_PAGE_SIZE = 20  # top-level replies per thread page, threads per board page, search hits
FORUMS_DISPLAY_DEPTH = 6  # reply levels shown before "continue this thread"
FORUMS_MAX_POST_LENGTH = 20_000  # characters
# New threads and replies per member (edits are not counted); over either, the form comes back
# with a 429 and the typed text. Fixed windows kept in the cache (Redis in production).
FORUMS_POSTS_PER_MINUTE = env.int("FORUMS_POSTS_PER_MINUTE", default=5)
FORUMS_POSTS_PER_HOUR = env.int("FORUMS_POSTS_PER_HOUR", default=60)
CELERY_BEAT_SCHEDULE["forums-daily-digest"] = {
    "task": "forums.tasks.send_daily_digests",
    "schedule": 24 * 60 * 60,  # once a day; each digest holds everything since the last one
}

# --- privacy ---
# Sign-up asks for the minimum age and explicit consent to processing health information.
ACCOUNT_SIGNUP_FORM_CLASS = "supportgroups.privacy.forms.PrivacySignupForm"
MINIMUM_AGE = env.int("MINIMUM_AGE", default=16)
PRIVACY_NOTICE_VERSION = env("PRIVACY_NOTICE_VERSION", default="2026-01")
FORMER_MEMBER_NAME = "Former member"
# Export links work for 48 hours, and the copies are deleted when their links expire.
DATA_EXPORT_LINK_MAX_AGE = 48 * 3600
SIGN_IN_HISTORY_KEEP = 20
# Search engines are kept out unless this is on AND a page opts in (privacy.middleware).
SEARCH_INDEXING_ALLOWED = env.bool("SEARCH_INDEXING_ALLOWED", default=False)
ROBOTS_DISALLOW = [
    "/account/",
    "/accounts/",
    "/admin/",
    "/chat/",
    "/groups/",
    "/messages/",
    "/meetings/",
    "/members/",
    "/moderation/",
    "/notifications/",
    "/profile/",
]
MIDDLEWARE.append("supportgroups.privacy.middleware.NoIndexMiddleware")
TEMPLATES[0]["OPTIONS"]["context_processors"].append(
    "supportgroups.privacy.context_processors.privacy"  # lazy `blocked_ids` for templates
)
CELERY_BEAT_SCHEDULE["privacy-purge-expired-exports"] = {
    "task": "supportgroups.privacy.tasks.purge_expired_exports_task",
    "schedule": 3600.0,
}

# --- wiring ---
TEMPLATES[0]["OPTIONS"]["context_processors"].append(
    "moderation.context_processors.moderation"  # lazy `shows_queue_link` for the header
)
TEMPLATES[0]["OPTIONS"]["context_processors"].append(
    "reports.context_processors.reports"  # lazy `shows_reports_link` for the header
)
# The header's link to the moderation queue is kept this long at most: every change made through
# the services (staff status, a facilitator's role, a membership) renews it at once; this is
# the net for changes made around them (the membership admin). The queue checks again itself.
QUEUE_LINK_CACHE_FOR = timedelta(minutes=10)

# --- formats ---
# Dates read "25 Nov 2026" and times "25 Nov 2026, 08:46" everywhere (supportgroups/formats/en).
FORMAT_MODULE_PATH = ["supportgroups.formats"]
# The same for code that runs with translation off (settings are read only then).
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"

# --- web push ---
# The installable app's pushes (supportgroups.push). Without keys, and outside DEBUG, the profile
# offers no notifications; `manage.py generate_vapid_keys` prints a pair.
from supportgroups.push.keys import DEVELOPMENT_PRIVATE_KEY, DEVELOPMENT_PUBLIC_KEY  # noqa: E402

VAPID_PUBLIC_KEY = env("VAPID_PUBLIC_KEY", default=DEVELOPMENT_PUBLIC_KEY if DEBUG else "")
VAPID_PRIVATE_KEY = env("VAPID_PRIVATE_KEY", default=DEVELOPMENT_PRIVATE_KEY if DEBUG else "")
# Who push services may contact about our pushes (the JWT's "sub").
VAPID_SUBJECT = env(
    "VAPID_SUBJECT", default="mailto:" + DEFAULT_FROM_EMAIL.rsplit("<")[-1].rstrip(">")
)
# How long a push service keeps a push for a phone that is off: a day for news; a crisis alert
# that old is for the backups and the dashboard, so six hours.
PUSH_TTL_SECONDS = env.int("PUSH_TTL_SECONDS", default=24 * 3600)
PUSH_URGENT_TTL_SECONDS = env.int("PUSH_URGENT_TTL_SECONDS", default=6 * 3600)
# The browsers' push services: a subscription elsewhere is refused, so the worker never posts
# to an address someone made up.
PUSH_SERVICE_HOSTS = env.list(
    "PUSH_SERVICE_HOSTS",
    default=[
        "fcm.googleapis.com",
        "push.services.mozilla.com",
        "notify.windows.com",
        "push.apple.com",
    ],
)
THEME_COLOUR = "#1f5f8b"  # the site's primary colour (static/css/site.css)
CELERY_BEAT_SCHEDULE["push-release-held"] = {
    "task": "supportgroups.push.tasks.release_held",
    "schedule": 60.0,
}

# --- visitor pages ---
# Whole pages kept for people not signed in (supportgroups.visitor_pages). Last, so that it
# wraps the view alone and everything around it treats a kept page as the view's own.
MIDDLEWARE.append("supportgroups.visitor_pages.VisitorPageCacheMiddleware")
VISITOR_CACHED_VIEWS = [
    "home",
    "forums:index",
    "forums:board",
    "forums:thread",
    "groups:directory",
    "groups:detail",
    "resources:library",
]
