#!/usr/bin/env bash
# Run a command against the bench database of one kind: `with-db.sh sqlite|postgresql CMD...`.
# SQLite: bench/uprava-bench.sqlite. PostgreSQL: a throwaway cluster kept under bench/pg
# (created on first use, like scripts/with-postgres.sh, so that `make bench` reuses what
# `make bench-data` loaded); it is started for the command and stopped afterwards.
# The command gets BENCH_DATABASE_URL.
set -euo pipefail
cd "$(dirname "$0")/../.."
KIND=$1; shift
mkdir -p bench

if [ "$KIND" = sqlite ]; then
  export BENCH_DATABASE_URL="sqlite:///$PWD/bench/uprava-bench.sqlite"
  exec "$@"
fi
[ "$KIND" = postgresql ] || { echo "unknown database kind: $KIND (sqlite or postgresql)" >&2; exit 2; }

find_pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
PG_BIN=$(find_pg_bin)
if [ -z "$PG_BIN" ]; then
  echo "PostgreSQL not found: installing Debian's postgresql" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-contrib >/dev/null
  PG_BIN=$(find_pg_bin)
fi
# Below the ephemeral range, like scripts/with-postgres.sh.
PORT=${BENCH_PG_PORT:-25446}
DIR=$PWD/bench/pg
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ ! -f "$DIR/data/PG_VERSION" ]; then
  mkdir -p "$DIR"
  [ "$(id -u)" = 0 ] && chown postgres "$DIR"
  as_pg "$PG_BIN/initdb" -D "$DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
fi
stop() { as_pg "$PG_BIN/pg_ctl" -D "$DIR/data" -m fast stop >/dev/null 2>&1 || true; }
trap stop EXIT
# A benchmark cluster: durability off (the data is regenerated at will), memory like a small server.
as_pg "$PG_BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w start -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 \
  -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=512MB -c work_mem=16MB \
  -c maintenance_work_mem=256MB -c max_wal_size=4GB" >/dev/null
export BENCH_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$PORT/uprava_bench"
echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT" >&2
"$@"
