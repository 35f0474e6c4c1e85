#!/bin/sh
# One image, one process per container (docker-compose.yml): the first argument says which.
#
#   migrate   apply migrations (and sync the staff role groups) then exit: the one-shot
#             service the others wait for, so no process starts against an old schema
#   web       gunicorn (deploy/gunicorn.conf.py), after copying the static files to
#             STATIC_ROOT (a volume nginx serves at /static/)
#   worker    a Celery worker: e-mail, PDFs, publishing the public site
#   beat      Celery beat: the periodic tasks in settings.CELERY_BEAT_SCHEDULE
#   anything else is run as given, e.g. `python manage.py createsuperuser`
#
# Arguments after the first are passed on to gunicorn, celery worker or celery beat. Natively
# the same script runs with python, gunicorn and celery from the PATH (tests/deploy).
set -eu
cd "$(dirname "$0")/.."

LOG_LEVEL_LOWER=$(printf '%s' "${LOG_LEVEL:-info}" | tr 'A-Z' 'a-z')
command=${1:-web}
[ $# -gt 0 ] && shift

case "$command" in
  migrate)
    exec python manage.py migrate --noinput "$@"
    ;;
  web)
    # Refreshed at every start: a new image's files reach the volume nginx reads.
    python manage.py collectstatic --noinput --verbosity 0
    exec gunicorn --config deploy/gunicorn.conf.py "$@" election_protocol.wsgi
    ;;
  worker)
    exec celery -A election_protocol worker --loglevel "$LOG_LEVEL_LOWER" \
      --concurrency "${CELERY_CONCURRENCY:-2}" "$@"
    ;;
  beat)
    # The schedule's state (when each entry last ran) is kept in VAR_DIR; deploy/healthcheck.py
    # beat checks that beat keeps writing it.
    exec celery -A election_protocol beat --loglevel "$LOG_LEVEL_LOWER" \
      --schedule "${VAR_DIR:-var}/celerybeat-schedule" "$@"
    ;;
  *)
    exec "$command" "$@"
    ;;
esac
