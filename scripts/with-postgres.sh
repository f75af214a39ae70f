#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster on 127.0.0.1 (make test-pg).
# Installs Debian's postgresql if missing; initdb/postgres refuse to run as root,
# so as root they run as the `postgres` user. The cluster lives in a temp dir and
# is stopped and removed on exit. The command gets TEST_DATABASE_URL.
set -euo pipefail

find_pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
PG_BIN=$(find_pg_bin)
if [ -z "$PG_BIN" ]; then
  echo "PostgreSQL not found: installing Debian's postgresql" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-contrib >/dev/null
  PG_BIN=$(find_pg_bin)
fi

# Below Linux's ephemeral range (32768–60999): a port in it may be held by a client connection of an
# earlier stage (locust, the fuzzer) when the cluster starts, and the server then cannot bind.
PORT=${UPRAVA_PG_PORT:-25432}
DIR=$(mktemp -d /tmp/uprava-pg.XXXXXX)
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
[ "$(id -u)" = 0 ] && chown postgres "$DIR"

stop() {
  as_pg "$PG_BIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap stop EXIT

as_pg "$PG_BIN/initdb" -D "$DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
# Durability off: a throwaway test cluster.
as_pg "$PG_BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w start \
  -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null
as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres uprava_test

export TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$PORT/uprava_test"
echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT" >&2
"$@"
