"""Settings for Election SPOC: one module, every value read from the environment.

The defaults give a newcomer's first run (SQLite under var/, tasks in-process, e-mail written to
files under var/mail/). Production sets DATABASE_URL, REDIS_URL, EMAIL_HOST and SECRET_KEY.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

from election_protocol.env import (
    ConfigurationError,
    env_bool,
    env_int,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", default=False)


def _secret_key() -> str:
    """Return SECRET_KEY; outside DEBUG, refuse to start without one.

    In DEBUG a random key is kept in var/ so sessions survive a restart of the development
    server; it is never committed (var/ is ignored) and never used in production.
    """
    key = env_str("SECRET_KEY")
    if key:
        return key
    if not DEBUG:
        raise ConfigurationError(
            "SECRET_KEY must be set when DEBUG is off. Set SECRET_KEY to a long random value "
            "(for example: python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DEBUG=1 for local development."
        )
    path = VAR_DIR / "dev-secret-key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "guardian",
    "simple_history",
    "django_filters",
    "election_protocol",
    "candidates",
    "requests_register",
    "briefings",
    "publishing",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a login unless its view is marked login_not_required: a new page
    # cannot be left open by forgetting a decorator.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # A signed-in user who is not staff, or is linked to a standing candidate, gets nothing.
    "election_protocol.middleware.StaffOnlyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "election_protocol.urls"
WSGI_APPLICATION = "election_protocol.wsgi.application"

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
                "election_protocol.context_processors.office",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        # Persistent connections with a health check: after a PostgreSQL restart the next
        # request reconnects instead of failing on a dead connection.
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
# guardian: no anonymous user row; every staff page requires a login anyway.
ANONYMOUS_USER_NAME = None

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"

# The public election page (issue 5): a static site rendered by publishing.site into version
# folders under the "public_site" storage, the live one named by a `current` symlink (local
# folder) and by `current.txt` (any storage). For django-storages, point "public_site" at e.g.
# storages.backends.s3.S3Storage and serve `versions/<current.txt>/` (a CDN origin path or a
# redirect rule that follows current.txt); see publishing/site/target.py.
PUBLIC_SITE_ROOT = Path(env_str("PUBLIC_SITE_ROOT", str(VAR_DIR / "public")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "public_site": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PUBLIC_SITE_ROOT), "base_url": "/election/"},
    },
}

# Redis is optional: unset, tasks run in-process and the cache is local memory, so a first
# run needs nothing; set, it is the Celery broker and the shared cache.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://localhost/"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True  # a task killed mid-run is redelivered, not lost
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_IGNORE_RESULT = True

# E-mail (Django 6.1 MAILERS): files under var/mail/ by default; SMTP when EMAIL_HOST is set.
_EMAIL_HOST = env_str("EMAIL_HOST")
if _EMAIL_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _EMAIL_HOST,
                "port": env_int("EMAIL_PORT", 25),
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", default=False),
                "timeout": env_int("EMAIL_TIMEOUT", 30),
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
        }
    }
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "election-spoc@example.org")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)  # one working day
SESSION_COOKIE_SECURE = not DEBUG and env_bool("SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Django's own logger would print again through its default handler: send it to ours only.
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # One line per task run is noise in the demo (tasks run in-process there).
        "celery.app.trace": {"level": "WARNING"},
        # WeasyPrint and fontTools narrate every PDF at INFO/DEBUG.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Celery beat schedule (issue 3) -------------------------------------------------------------
# The one place periodic tasks are scheduled; one comment per entry saying why it exists.
CELERY_BEAT_SCHEDULE = {
    # The outbox's safety net: re-enqueue e-mails still QUEUED (broker down at commit), FAILED
    # ones whose retry was lost, and ones left SENDING by a worker that died. Sending is
    # idempotent, so running it too often only costs a query. `expires` drops a run the worker
    # could not start within two minutes, so a stopped worker does not come back to a pile.
    "requeue-unsent-email": {
        "task": "requests_register.task_requeue_unsent",
        "schedule": 120.0,
        "options": {"expires": 110},
    },
    # The daily digest of open and overdue register entries, to the SPOC and each assignee
    # (issue 3, item 7): 7:30 on weekdays, before the office opens. Safe to run twice a day.
    "daily-register-digest": {
        "task": "requests_register.task_send_daily_digest",
        "schedule": crontab(hour=7, minute=30, day_of_week="mon-fri"),
    },
    # The public site's safety net (issue 5): re-enqueue publish runs still QUEUED two minutes
    # on (the broker was down when they were scheduled) and RUNNING ones whose worker died.
    "requeue-publish-runs": {
        "task": "publishing.task_requeue_publish_runs",
        "schedule": 120.0,
        "options": {"expires": 110},
    },
}
# --- end of Celery beat schedule ----------------------------------------------------------------
