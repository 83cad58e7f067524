#!/usr/bin/env bash
# scripts/postgres-test.sh: starts and stops a private PostgreSQL 15 for the storage tests.
#
#   export "$(scripts/postgres-test.sh start)"   # prints PALISADE_TEST_POSTGRES_URL=postgres://…
#   npx vitest run src/storage
#   scripts/postgres-test.sh stop
#
# The instance lives in a fresh temporary directory and listens only on 127.0.0.1, on a free
# port, with trust authentication: it is for tests, never for data. The printed line also suits
# GitHub Actions' "$GITHUB_ENV" file. The script does not install PostgreSQL (CI does:
# `apt-get install -y postgresql`); set PG_BIN to use other binaries.
set -euo pipefail

# PostgreSQL 15 is what Palisade is tested on; another installed major version is used, with a
# warning, when 15 is absent (e.g. Ubuntu 24.04 ships 16).
if [ -z "${PG_BIN:-}" ]; then
  PG_BIN=/usr/lib/postgresql/15/bin
  if [ ! -x "$PG_BIN/initdb" ]; then
    other=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$other" ]; then
      echo "postgres-test: PostgreSQL 15 not found; using $other" >&2
      PG_BIN=$other
    fi
  fi
fi
# Where `start` records the directory, so `stop` (a later, separate call) can find it.
STATE_FILE=${PALISADE_POSTGRES_STATE:-${TMPDIR:-/tmp}/palisade-postgres-test.state}

fail() { echo "postgres-test: $*" >&2; exit 1; }

# initdb and postgres refuse to run as root, so as root they run as the `postgres` user.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  # Binding port 0 lets the kernel choose; the port is free again once this process exits.
  node -e "const s=require('node:net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

start() {
  [ -x "$PG_BIN/initdb" ] || fail "no PostgreSQL binaries in $PG_BIN (apt-get install -y postgresql, or set PG_BIN)"
  if [ -f "$STATE_FILE" ]; then
    fail "an instance is already recorded in $STATE_FILE; run '$0 stop' first"
  fi
  local dir port
  dir=$(mktemp -d "${TMPDIR:-/tmp}/palisade-postgres.XXXXXX")
  if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
  as_owner "$PG_BIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; rm -rf "$dir"; fail "initdb failed"; }
  port=$(free_port)
  # fsync=off: this server is never crashed by the tests (they kill clients, not the server),
  # so skipping the disk flushes only makes the suite faster on a shared machine.
  as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -c listen_addresses=127.0.0.1 -k $dir -c fsync=off -c max_connections=200" start >/dev/null \
    || { cat "$dir/server.log" >&2; rm -rf "$dir"; fail "pg_ctl start failed"; }
  echo "$dir" >"$STATE_FILE"
  echo "PALISADE_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:$port/postgres"
}

stop() {
  [ -f "$STATE_FILE" ] || { echo "postgres-test: nothing to stop" >&2; return 0; }
  local dir
  dir=$(cat "$STATE_FILE")
  if [ -d "$dir/data" ]; then
    as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
  fi
  rm -rf "$dir"
  rm -f "$STATE_FILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
