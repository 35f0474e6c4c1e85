# The Election SPOC application image: one image for the web process (gunicorn), the Celery
# worker, Celery beat and the one-shot migration (deploy/entrypoint.sh picks the process).
# Built and run by docker-compose.yml; see README "Deployment".
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=election_protocol.settings \
    VAR_DIR=/app/var \
    PUBLIC_SITE_ROOT=/srv/public

# What WeasyPrint needs for PDFs (pango for text layout, HarfBuzz for font subsetting) and a
# font: the same list as the Makefile's APT_PACKAGES, less the development tools.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

# The processes run as this user, never as root; the code stays root's, read-only to them.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin app

WORKDIR /app

# The locked runtime dependencies, exactly as uv.lock pins them (hashes checked, nothing
# resolved): uv comes from requirements/uv.txt (one wheel, hash-checked, by the image's own pip)
# and installs pyproject's [project] dependencies only, no test or bench group, into
# /opt/venv. First, so that a code change does not reinstall them. uv is removed afterwards.
ENV UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_PYTHON_DOWNLOADS=never \
    UV_NO_CACHE=1 \
    PATH=/opt/venv/bin:$PATH
COPY requirements/uv.txt pyproject.toml uv.lock /tmp/build/
RUN pip install --no-deps --require-hashes --requirement /tmp/build/uv.txt \
    && cd /tmp/build \
    && uv sync --locked --no-default-groups --python "$(command -v python3)" \
    && uv pip check --python /opt/venv/bin/python \
    && pip uninstall --yes uv \
    && rm -rf /tmp/build

COPY . /app

# Writable places, owned by the app user; each is a volume in docker-compose.yml (a new named
# volume starts as a copy of the folder here, owner included). VAR_DIR/media: attachments;
# VAR_DIR/staticfiles: STATIC_ROOT, shared with nginx; /srv/public: the public site
# (PUBLIC_SITE_ROOT, the publishing target), shared with nginx.
RUN mkdir -p /app/var/media /app/var/staticfiles /srv/public \
    && chown -R app:app /app/var /srv/public

USER app

# The static files in the image too, so a container without the volume still has them. A
# throwaway key: settings refuse to load without one when DEBUG is off, and nothing is signed.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput --verbosity 0

EXPOSE 8000
ENTRYPOINT ["/app/deploy/entrypoint.sh"]
CMD ["web"]
