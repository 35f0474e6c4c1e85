#!/usr/bin/env bash
# A private Dovecot IMAP server for the tests (issue 14): Debian's dovecot-imapd, nothing of the
# system's configuration used. Everything lives under one directory: its configuration, a
# throwaway self-signed TLS certificate, one throwaway user and that user's mail (Maildir).
#
#   scripts/dovecot.sh start DIR IMAP_PORT IMAPS_PORT USER PASSWORD
#       IMAP_PORT offers STARTTLS, IMAPS_PORT TLS from the start; both on 127.0.0.1 only.
#       The certificate is DIR/cert.pem (CN and subjectAltName localhost and 127.0.0.1).
#   scripts/dovecot.sh stop DIR      (the mail stays, so `start` again is a server restart)
#
# Runs as root (the tests' machine); mail is stored as "nobody", Dovecot's unprivileged
# processes run as Debian's dovecot and dovenull users.
set -euo pipefail

command=${1:?usage: dovecot.sh start|stop DIR ...}
dir=${2:?DIR missing}
dovecot=${DOVECOT:-/usr/sbin/dovecot}

if ! [ -x "$dovecot" ]; then
  echo "Dovecot is not installed ($dovecot): apt-get install dovecot-imapd" >&2
  exit 3
fi

case "$command" in
start)
  imap_port=${3:?IMAP_PORT missing}
  imaps_port=${4:?IMAPS_PORT missing}
  user=${5:?USER missing}
  password=${6:?PASSWORD missing}
  # Already running (a test's restart found it up): nothing to do.
  if [ -f "$dir/run/master.pid" ] && kill -0 "$(cat "$dir/run/master.pid")" 2>/dev/null; then
    exit 0
  fi
  mkdir -p "$dir/run" "$dir/mail"
  chown nobody:nogroup "$dir/mail"
  chmod 755 "$dir"
  if ! [ -f "$dir/cert.pem" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" \
      -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
      -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
    chmod 600 "$dir/key.pem"
  fi
  printf '%s:{PLAIN}%s\n' "$user" "$password" > "$dir/users"
  echo "spoc-test-$imap_port" > "$dir/instance"
  cat > "$dir/dovecot.conf" <<CONF
base_dir = $dir/run
instance_name = spoc-test-$imap_port
# Stopping the server ends the sessions too, as a real restart does.
shutdown_clients = yes
state_dir = $dir/run/state
protocols = imap
listen = 127.0.0.1
log_path = $dir/dovecot.log
ssl = yes
ssl_cert = <$dir/cert.pem
ssl_key = <$dir/key.pem
ssl_min_protocol = TLSv1.2
# Credentials only over TLS (STARTTLS or imaps), as in production.
disable_plaintext_auth = yes
auth_mechanisms = plain login
default_internal_user = dovecot
default_login_user = dovenull
first_valid_uid = 1
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $dir/users
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=$dir/mail/%u
}
mail_location = maildir:$dir/mail/%u/Maildir
namespace inbox {
  inbox = yes
  separator = /
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $imap_port
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $imaps_port
    ssl = yes
  }
}
service anvil {
  chroot =
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
CONF
  mkdir -p "$dir/run/state"
  "$dovecot" -c "$dir/dovecot.conf"
  # Wait until the IMAPS port answers (at most 10 s).
  for _ in $(seq 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$imaps_port") 2>/dev/null; then exit 0; fi
    sleep 0.1
  done
  echo "Dovecot did not start; its log:" >&2
  cat "$dir/dovecot.log" >&2 || true
  exit 1
  ;;
stop)
  if [ -f "$dir/dovecot.conf" ]; then
    "$dovecot" -c "$dir/dovecot.conf" stop 2>/dev/null || true
    # Wait for the master process to go, so the ports are free for a restart.
    for _ in $(seq 100); do
      [ -e "$dir/run/master.pid" ] || break
      kill -0 "$(cat "$dir/run/master.pid")" 2>/dev/null || break
      sleep 0.1
    done
    # Sessions behind a TLS proxy (imap-login) can outlive the master: end this instance's
    # own processes (their titles start "dovecot-<instance>/"), by process id.
    instance=$(cat "$dir/instance" 2>/dev/null || true)
    if [ -n "$instance" ]; then
      for cmdline in /proc/[0-9]*/cmdline; do
        pid=${cmdline#/proc/}; pid=${pid%/cmdline}
        title=$(tr '\0' ' ' < "$cmdline" 2>/dev/null || true)
        case "$title" in "dovecot-$instance/"*) kill "$pid" 2>/dev/null || true ;; esac
      done
    fi
  fi
  ;;
*)
  echo "usage: dovecot.sh start DIR IMAP_PORT IMAPS_PORT USER PASSWORD | stop DIR" >&2
  exit 2
  ;;
esac
