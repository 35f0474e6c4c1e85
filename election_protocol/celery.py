"""The Celery application.

With REDIS_URL unset, settings make tasks run eagerly in-process (a newcomer's first run needs
no broker). With REDIS_URL set, Redis is the broker and a worker and beat run separately.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "election_protocol.settings")

app = Celery("election_protocol")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
