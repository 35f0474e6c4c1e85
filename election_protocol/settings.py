"""Settings for Election SPOC: one module, every value read from the environment.

The defaults give a newcomer's first run (SQLite under var/, tasks in-process, e-mail written to
files under var/mail/). Production sets DATABASE_URL, REDIS_URL, EMAIL_HOST and SECRET_KEY.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.csp import CSP

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
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "election_protocol",
    "candidates",
    "requests_register",
    # FOI requests as the Act requires (issue 15): after the register, before publishing.
    "foi",
    "briefings",
    "publishing",
    "security",
    "dataprotection",
    "mail_intake",
    "incidents",
    # The equal-treatment report (issue 13, item 6): reads all of the above.
    "reports",
    "paro",  # issue 13: the PARO in the loop (consultations); after every app it links to
    # Issue 15: the office's protocol as a versioned document (after election_protocol in the
    # dependency order), and the election's lifecycle: switcher, read-only past elections,
    # close-down (above every other app).
    "protocol",
    "lifecycle",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response (SECURE_CSP below).
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The staff pages' language (issue 7): the language cookie, else the browser's
    # Accept-Language, else LANGUAGE_CODE. After sessions and before CommonMiddleware, as the
    # Django documentation places it. Only languages in LANGUAGES are ever chosen.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): has this session given a two-factor code (django-otp).
    "django_otp.middleware.OTPMiddleware",
    # A session ends SESSION_ABSOLUTE_AGE after sign-in, however busy (security app).
    "security.middleware.SessionLifetimeMiddleware",
    # Every page needs a login unless its view is marked login_not_required: a new page
    # cannot be left open by forgetting a decorator.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # A signed-in user who is not staff, or is linked to a standing candidate, gets nothing.
    "election_protocol.middleware.StaffOnlyMiddleware",
    # The two-factor step after the password, and enrolment where the election requires it.
    "security.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: with Redis down, "the e-mail is saved and will go when the queue is
    # back" instead of an error page (election_protocol.queue_notice).
    "election_protocol.middleware.QueueNoticeMiddleware",
    # Issue 15: the election chosen with the switcher, for every view; then the refusal of any
    # change to a frozen (past) election, with a message.
    "election_protocol.middleware.ChosenElectionMiddleware",
    "lifecycle.middleware.ReadOnlyElectionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: turns a lockout into its response (security.views).
    "axes.middleware.AxesMiddleware",
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
                # Which election the pages show, and whether it is read-only (issue 15).
                "lifecycle.context_processors.election_choice",
                # The CSP nonce for {% csp_nonce_attr %}: only Django's admin uses it.
                "django.template.context_processors.csp",
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
    # First: refuses a locked-out username+IP before any password is checked (django-axes). It
    # needs the request: tests sign in through the login page or with force_login, or pass
    # request= to client.login().
    "axes.backends.AxesStandaloneBackend",
    # Django's, with a user's own and group permissions read in one query (security).
    "security.auth_backends.ModelBackend",
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
# Welsh-ready (issue 7): every user-facing string is marked for translation; a Welsh office adds
# locale/cy/LC_MESSAGES/django.po (+ .mo) and nothing else. The public site is rendered in every
# language here (publishing.site.pages), English first; staff pages follow LocaleMiddleware.
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The languages of the public election page: English at its root, each other under its code
# ("/election/cy/"). An office in England may set PUBLIC_SITE_LANGUAGES=en-gb.
PUBLIC_SITE_LANGUAGES = env_list("PUBLIC_SITE_LANGUAGES", ["en-gb", "cy"])
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
# The staff pages' deadline counts kept between writes (election_protocol.staff_counts): only
# with a cache every process shares, so a write in one reaches them all.
STAFF_COUNTS_CACHE = bool(REDIS_URL)
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
# Redis down must not hold a staff page: enqueueing fails fast (one quick retry, a short
# connect timeout) and the row stays queued for the beat's requeue (the outbox, PublishRun).
# Celery's default (three retries, 4 s connect timeout) held each e-mail's page about 0.6 s
# with Redis stopped and far longer with it unreachable. socket_timeout: a broker that vanishes
# without closing the connection cannot hang a publish (or the worker) for ever.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 10}

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
# The SPOC mailbox read automatically (issue 14, mail_intake): imaps://user:password@host:993/
# INBOX?move_to=Processed (or imap:// with STARTTLS). Unset: nothing is read (the demo).
# MAILBOX_CA_FILE: trust this CA file instead of the system's (a private CA; the tests' Dovecot).
MAILBOX_URL = env_str("MAILBOX_URL")
MAILBOX_CA_FILE = env_str("MAILBOX_CA_FILE")
MAILBOX_TIMEOUT = env_int("MAILBOX_TIMEOUT", 30)
# One pass at a time: how long a pass may hold the mailbox before another may start (a killed
# worker's pass). Only an economy: two passes at once still record each message once.
MAILBOX_LEASE_SECONDS = env_int("MAILBOX_LEASE_SECONDS", 300)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "election-spoc@example.org")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security (issue 6, item 3; README "Security") ---------------------------------------------
# `DEBUG=0 manage.py check --deploy --fail-level WARNING` passes with these defaults
# (tests/security/test_headers.py runs it).
#
# Staff sessions are short: SESSION_COOKIE_AGE is the idle limit (renewed by every request,
# SESSION_SAVE_EVERY_REQUEST), SESSION_ABSOLUTE_AGE the cap from sign-in however busy
# (security.middleware.SessionLifetimeMiddleware), and the cookie dies with the browser.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ABSOLUTE_AGE = env_int("SESSION_ABSOLUTE_AGE", 8 * 60 * 60)  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG and env_bool("SECURE_COOKIES", default=True)
# The __Host- prefix makes the browser refuse the cookie unless it is Secure, for this host
# only and for every path: a sibling subdomain cannot plant or overwrite it.
SESSION_COOKIE_NAME = "__Host-sessionid" if SESSION_COOKIE_SECURE else "sessionid"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True  # no script reads it: forms carry the token
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# HTTPS. Behind a TLS-terminating proxy (nginx), set SECURE_PROXY_SSL_HEADER to the header it
# sets, e.g. X-Forwarded-Proto (the proxy must overwrite it, never pass the client's on).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Paths answered over plain HTTP too (regexes, no leading slash): the container health check.
SECURE_REDIRECT_EXEMPT = env_list("SECURE_REDIRECT_EXEMPT", [r"^healthz$"])
_PROXY_SSL_HEADER = env_str("SECURE_PROXY_SSL_HEADER")
if _PROXY_SSL_HEADER:
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + _PROXY_SSL_HEADER.strip().upper().replace("-", "_"),
        "https",
    )
# How many reverse proxies in front append to X-Forwarded-For: the client IP for the lockout
# and the audit log is read from there (security.rules.client_ip); 0 = REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
if not SECURE_HSTS_PRELOAD:
    # Preloading puts the whole domain into browsers' built-in HTTPS-only list, hard to undo;
    # the office may not own the parent domain. Off by default, and the deploy check's
    # reminder (security.W021) silenced: an informed choice, not an oversight.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Content Security Policy (Django's own): no inline script or style anywhere, no plug-ins, no
# framing, forms post only here. CSP.NONCE is dropped from the header unless a template asks
# for a nonce, which only Django's admin does ({% csp_nonce_attr %}); the staff pages' header
# is exactly the policy below without it (tests/security/test_headers.py).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Login throttling (django-axes): AXES_FAILURE_LIMIT failed sign-ins from one IP address for
# one username lock that pair out for AXES_COOLOFF_MINUTES; a success resets the count. The
# lockout page says the same for any username, real or not (security.views.locked_out).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "security.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "security.network.client_ip"
# Sign-ins are recorded once, in the security app's audit log, not again in axes's access log.
AXES_DISABLE_ACCESS_LOG = True
# No "AXES: BEGIN version …" banner on every management command and process start (issue 11).
AXES_VERBOSE = False

# Two-factor authentication (django-otp, TOTP): optional for staff; an election can require it
# for the SPOC and Chief Executive roles (Election.require_two_factor_for_spoc_and_ce).
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Election SPOC")
# --- end of security ----------------------------------------------------------------------------

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
    # Reminders (issue 13, item 7): approvals awaiting the Chief Executive and deputies (one
    # e-mail per person listing the items, only when something is new), unconfirmed oral
    # requests chased after a working day, the pre-election period's start and end. Hourly in
    # office hours; idempotent (requests_register.reminders).
    "register-reminders": {
        "task": "requests_register.task_send_reminders",
        "schedule": crontab(hour="8-17", minute=5, day_of_week="mon-fri"),
    },
    # The public site's safety net (issue 5): re-enqueue publish runs still QUEUED two minutes
    # on (the broker was down when they were scheduled) and RUNNING ones whose worker died
    # (their heartbeat stopped 30 s ago: publishing.site.health). Every 30 s, so a killed
    # worker's run is taken over within a minute; two indexed queries when there is nothing.
    "requeue-publish-runs": {
        "task": "publishing.task_requeue_publish_runs",
        "schedule": 30.0,
        "options": {"expires": 25},
    },
    # Booking letters' safety net (issue 17): re-enqueue letters recorded by the booking funnel
    # whose rendering task the broker lost (down at commit). Idempotent, like the outbox's.
    "requeue-booking-letters": {
        "task": "briefings.task_requeue_booking_letters",
        "schedule": 120.0,
        "options": {"expires": 110},
    },
    # Data protection (issue 7): erase the register's personal data of every election whose
    # retention period after the poll has passed (legal holds and open entries kept). Daily at
    # 2:15, out of office hours; idempotent, so a missed or repeated day does no harm.
    "apply-retention": {
        "task": "dataprotection.task_apply_retention",
        "schedule": crontab(hour=2, minute=15),
    },
    # The SPOC mailbox (issue 14): read new mail every minute, so an e-mail is on the register's
    # triage inbox or its entry's timeline within one interval. Does nothing when MAILBOX_URL
    # is unset; one pass at a time (a lease), and a pass is harmless to repeat.
    "fetch-spoc-mail": {
        "task": "mail_intake.task_fetch_mail",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Incidents (issue 12): tell the SPOC, once per incident, when one passes its target. Many
    # targets are in hours, so the morning digest alone would be too late. Idempotent.
    "alert-overdue-incidents": {
        "task": "incidents.task_alert_overdue_incidents",
        "schedule": 900.0,
        "options": {"expires": 840},
    },
}
# --- end of Celery beat schedule ----------------------------------------------------------------
