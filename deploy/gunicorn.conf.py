"""gunicorn settings for the web process (deploy/entrypoint.sh web; docker-compose.yml).

Every value can be changed from the environment, so the same file serves the container and a
native run (tests/deploy/test_stack.py starts gunicorn with it on a loopback port).
"""

from __future__ import annotations

import multiprocessing
import os

# Inside the container gunicorn listens on every interface of the private network; only nginx
# reaches it (the web service publishes no port).
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")

# Synchronous workers: the staff application is a handful of people; a slow request (a PDF
# export) holds one worker, not the others. gunicorn's own rule of thumb, capped, since
# WeasyPrint makes a worker large.
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8)))
# Long enough for the register's PDF export; a request stuck longer is killed and logged.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then: whatever a long-lived worker accumulates (fonts, PDF caches)
# is returned; the jitter stops them all restarting at once.
max_requests = 1000
max_requests_jitter = 100
# The heartbeat files in memory, not on the container's overlay disk (a slow disk can make
# gunicorn think a healthy worker hung). /dev/shm is there on Linux; elsewhere use the default.
if os.path.isdir("/dev/shm"):  # noqa: S108 - gunicorn's heartbeat files only  # nosec B108
    worker_tmp_dir = "/dev/shm"  # noqa: S108  # nosec B108

# X-Forwarded-Proto from these addresses is believed (wsgi.url_scheme becomes https). In the
# container that is nginx, on the private network: FORWARDED_ALLOW_IPS="*" there. Natively the
# default trusts only a proxy on this machine.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# No control socket (gunicornc, gunicorn 25+): nothing here uses it, the app user's HOME is
# not writable in the image, and natively every gunicorn would share ~/.gunicorn/gunicorn.ctl.
control_socket_disable = True

# Logs to stdout/stderr, where Docker (or the process manager) collects them.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# No query strings in the access log: search terms typed by staff may be personal data.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
