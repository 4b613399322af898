#!/usr/bin/env bash
# A PostgreSQL server on loopback for baton's tests and benchmarks: a cluster of its own in
# DIR (data, socket, log), listening on 127.0.0.1 at a free port, with a superuser `baton`
# that needs no password (trust, loopback only).
#
#   tests/support/pg-server.sh start DIR [PID]  # prints the URL postgres://baton@127.0.0.1:PORT/postgres;
#                                               # with PID, the server stops when that process ends
#   tests/support/pg-server.sh restart DIR      # a fast shutdown and a start on the same port
#   tests/support/pg-server.sh stop DIR
#
# PG_DURABLE=1 keeps PostgreSQL's durable defaults (benchmarks); tests turn fsync off.
# PG_TLS=1 serves TLS only (plain connections are refused): DIR/tls holds a CA of its own
# (ca.pem), the server's certificate it signed (for IP 127.0.0.1 only, not `localhost`), and
# an unrelated CA (other-ca.pem). Needs openssl.
#
# Needs Debian's postgresql (initdb, pg_ctl). PostgreSQL refuses to run as root: as root the
# server runs as the `postgres` user, which must be able to reach DIR.
set -euo pipefail
cmd=${1:?start, restart or stop}
dir=${2:?a folder}
watch=${3:-}

bindir=""
for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
  [ -x "$candidate/pg_ctl" ] && { bindir=$candidate; break; }
done
if [ -z "$bindir" ]; then
  command -v pg_ctl >/dev/null || { echo "PostgreSQL is not installed (no pg_ctl)" >&2; exit 3; }
  bindir=$(dirname "$(command -v pg_ctl)")
fi

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
data=$dir/data

as_server() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_ctl() { as_server "$bindir/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 "$@"; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

url() { echo "postgres://baton@127.0.0.1:$(cat "$dir/port")/postgres"; }

case "$cmd" in
stop)
  [ -d "$data" ] && pg_ctl stop -m immediate >/dev/null 2>&1 || true
  exit 0
  ;;
restart)
  pg_ctl stop -m fast >/dev/null
  pg_ctl start -o "-p $(cat "$dir/port")" >/dev/null
  url
  exit 0
  ;;
start) ;;
*) echo "unknown command $cmd" >&2; exit 2 ;;
esac

if [ "$(id -u)" = 0 ]; then
  # The server's user must reach DIR through every parent (a temporary folder is 0700).
  p=$dir
  while [ "$p" != / ]; do
    chmod o+x "$p" 2>/dev/null || true
    p=$(dirname "$p")
  done
  chown postgres "$dir"
fi
as_server "$bindir/initdb" -D "$data" -U baton --auth=trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 ||
  { cat "$dir/initdb.log" >&2; exit 1; }
cat >>"$data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
max_connections = 200
EOF
# Tests need no durability across a crash of the machine; benchmarks set PG_DURABLE=1 to
# measure with the defaults (fsync at every commit).
if [ -z "${PG_DURABLE:-}" ]; then
  printf 'fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n' >>"$data/postgresql.conf"
fi
if [ -n "${PG_TLS:-}" ]; then
  tls=$dir/tls
  mkdir -p "$tls"
  ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
  {
    openssl req -x509 "${ec[@]}" -days 2 -subj "/CN=baton test CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
      -keyout "$tls/ca.key" -out "$tls/ca.pem"
    openssl req "${ec[@]}" -subj "/CN=127.0.0.1" -keyout "$tls/server.key" -out "$tls/server.csr"
    printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' \
      >"$tls/server.ext"
    openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" \
      -CAcreateserial -days 2 -extfile "$tls/server.ext" -out "$tls/server.crt"
    openssl req -x509 "${ec[@]}" -days 2 -subj "/CN=another CA" \
      -addext "basicConstraints=critical,CA:TRUE" -keyout "$tls/other.key" -out "$tls/other-ca.pem"
  } >"$dir/tls.log" 2>&1 || { cat "$dir/tls.log" >&2; exit 1; }
  chmod 0600 "$tls/server.key"
  if [ "$(id -u)" = 0 ]; then chown -R postgres "$tls"; fi
  printf "ssl = on\nssl_cert_file = '%s'\nssl_key_file = '%s'\n" "$tls/server.crt" \
    "$tls/server.key" >>"$data/postgresql.conf"
  # First match wins: a plain connection over TCP is refused.
  hba=$(cat "$data/pg_hba.conf")
  printf 'hostnossl all all 127.0.0.1/32 reject\n%s\n' "$hba" >"$data/pg_hba.conf"
fi
started=""
for _ in 1 2 3 4 5; do
  port=$(free_port)
  echo "$port" >"$dir/port"
  if pg_ctl start -o "-p $port" >/dev/null 2>&1; then
    started=1
    break
  fi
done
[ -n "$started" ] || { cat "$dir/server.log" >&2; exit 1; }

if [ -n "$watch" ]; then
  # Stop the server when the process that asked for it ends, however it ends.
  setsid bash -c '
    while kill -0 "$1" 2>/dev/null; do sleep 1; done
    "$0" stop "$2"
    rm -rf "$2"
  ' "$0" "$watch" "$dir" </dev/null >/dev/null 2>&1 &
fi
url
