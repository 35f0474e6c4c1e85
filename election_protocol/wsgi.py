"""WSGI entry point (gunicorn election_protocol.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "election_protocol.settings")
application = get_wsgi_application()
