#!/usr/bin/env bash
# Runs a command against a private PostgreSQL server: own data directory, own port,
# started here and stopped on exit. CREDO_TEST_DATABASE_URL points the tests at it;
# CREDO_PG_DATA is its data directory (server.log inside). Tests run it without fsync;
# CREDO_PG_OPTIONS adds server settings, e.g. "-c fsync=on -c full_page_writes=on" for a
# benchmark whose commits must be durable.
set -euo pipefail
bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
port=${CREDO_PG_PORT:-54329}
# the first free port from there, so a server someone else started on it does not stop the run
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
data=$(mktemp -d /tmp/credo-pg.XXXXXX)
run() { "$@"; }
if [ "$(id -u)" -eq 0 ]; then
  chown postgres:postgres "$data"
  run() { runuser -u postgres -- "$@"; }
fi
cleanup() { run "$bindir/pg_ctl" -D "$data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$data"; }
trap cleanup EXIT
run "$bindir/initdb" -D "$data" -U credo -A trust --no-sync >/dev/null
run "$bindir/pg_ctl" -D "$data" -l "$data/server.log" -w \
  -o "-p $port -k $data -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off ${CREDO_PG_OPTIONS:-}" start >/dev/null
run "$bindir/createdb" -h 127.0.0.1 -p "$port" -U credo credo_test
export CREDO_PG_DATA="$data"
export CREDO_TEST_DATABASE_URL="postgresql+psycopg://credo@127.0.0.1:$port/credo_test"
echo "PostgreSQL on port $port ($data)"
"$@"
