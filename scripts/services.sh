#!/usr/bin/env bash
# Make sure the real services the test suite needs are running on this machine:
# PostgreSQL on 127.0.0.1:5432 (trust auth, user postgres) and Redis on 127.0.0.1:6379.
# Starts whichever is installed but stopped (Debian packages), installs them with apt-get
# when root and missing, and fails loudly otherwise: a test must never skip because a
# service is missing.
set -euo pipefail

PGHOST=127.0.0.1 PGPORT=5432 REDIS_HOST=127.0.0.1 REDIS_PORT=6379

install_if_missing() {
  local missing=()
  command -v pg_ctlcluster >/dev/null || missing+=(postgresql)
  command -v redis-server >/dev/null || missing+=(redis-server)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
    if [[ " ${missing[*]} " == *" postgresql "* ]]; then
      # A server this script installed is a throwaway test server: let user postgres in over
      # loopback without a password, as on this project's machines (Debian's default asks
      # for one on TCP connections).
      version=$(ls /etc/postgresql | sort -V | tail -1)
      hba=/etc/postgresql/$version/main/pg_hba.conf
      sed -i '1i host all postgres 127.0.0.1/32 trust\nhost all postgres ::1/128 trust' "$hba"
      pg_ctlcluster --skip-systemctl-redirect "$version" main restart || true
    fi
  else
    echo "Please install: ${missing[*]}" >&2
    exit 1
  fi
}

wait_for() {  # wait_for NAME COMMAND...
  local name=$1; shift
  for _ in $(seq 1 30); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  echo "$name did not come up" >&2
  exit 1
}

pg_up() { pg_isready -h "$PGHOST" -p "$PGPORT" -q 2>/dev/null || \
  (exec 3<>"/dev/tcp/$PGHOST/$PGPORT") 2>/dev/null; }
redis_up() { redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping >/dev/null 2>&1 || \
  (exec 3<>"/dev/tcp/$REDIS_HOST/$REDIS_PORT") 2>/dev/null; }

# Already listening (this machine's services, or containers from docker-compose.yml): done.
if pg_up && redis_up; then
  echo "PostgreSQL and Redis are up."
  exit 0
fi

install_if_missing

if ! pg_up; then
  echo "Starting PostgreSQL"
  version=$(ls /etc/postgresql | sort -V | tail -1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
  wait_for PostgreSQL pg_isready -h "$PGHOST" -p "$PGPORT" -q
fi
if ! redis_up; then
  echo "Starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" \
    --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_for Redis redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping
fi
echo "PostgreSQL and Redis are up."
