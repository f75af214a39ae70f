#!/usr/bin/env bash
# make load / CI: capacity on a throwaway PostgreSQL (scripts/load/capacity.py, README «Load and fault check»):
#  (a) saturation — Uprava and plain FAB (scripts/bench/baseline.py, same table) served side by side, each
#      request type (list, card, edit + save, report) driven with no pause by SAT_USERS (8) users for
#      SAT_SECONDS (20) s: requests/s, p50/p95, server CPU per request, the Uprava/FAB ratio;
#  (b) LOAD_CLERKS (200) clerks, each signed in once, 5–15 s between actions for LOAD_SECONDS (120) s:
#      p95 and errors against p95 ≤ 500 ms, 0 errors («да»/«нет»; LOAD_STRICT=1 fails the run on «нет»);
#  then kill -9 of workers during writes (FAULT_SECONDS (20) s, FAULT_KILLS (4)) and a consistency check.
# LOAD_WORKERS (4) gunicorn workers per app, LOAD_PORT (28080) for Uprava and LOAD_PORT+1 for FAB; loopback only.
# Fails on any failed request, any 5xx and any inconsistency after the faults.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${BIN:-$PWD/.venv/bin}
if [ -z "${TEST_DATABASE_URL:-}" ]; then
  exec bash scripts/with-postgres.sh bash "$0" "$@"
fi

CLERKS=${LOAD_CLERKS:-200}
SAT_USERS=${SAT_USERS:-8}
# Below the ephemeral range (32768–60999): see scripts/with-postgres.sh.
PORT=${LOAD_PORT:-28080}
FAB_PORT=$((PORT + 1))
WORKERS=${LOAD_WORKERS:-4}
WORK=$(mktemp -d /tmp/uprava-load.XXXXXX)
export DATABASE_URL=$TEST_DATABASE_URL
export LOAD_PG_PORT=${TEST_DATABASE_URL##*:}; LOAD_PG_PORT=${LOAD_PG_PORT%%/*}
export SECRET_KEY="load-only-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export LOAD_PASSWORD="Load-Clerk-2026-$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export UPRAVA_INSTANCE_DIR=$WORK/instance FLASK_APP=run.py PYTHONPATH=$PWD
GUNICORN_PID= FAB_PID=
stop_server() {  # by its pid: the master stops its workers
  if [ -n "$1" ]; then kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; fi
}
cleanup() {
  stop_server "$GUNICORN_PID"; stop_server "$FAB_PID"
  rm -rf "$WORK"
}
trap cleanup EXIT
wait_up() {
  for _ in $(seq 90); do curl -sf "$1" >/dev/null && return 0; sleep 1; done
  echo "$1 did not answer" >&2; return 1
}

users=$(( CLERKS > SAT_USERS ? CLERKS : SAT_USERS )); users=$(( users > 6 ? users : 6 ))
echo "--- set-up: migrations, roles, a year of demo appeals, $users load clerks"
# Demo data is refused under the production settings: the set-up runs with the development ones.
UPRAVA_ENV=development "$BIN/flask" db upgrade >/dev/null 2>&1
UPRAVA_ENV=development "$BIN/flask" app init >/dev/null
UPRAVA_ENV=development "$BIN/flask" app demo | sed -n 1p  # sed reads all: no SIGPIPE under pipefail
UPRAVA_ENV=development "$BIN/python" scripts/load/setup_users.py "$users" "$LOAD_PASSWORD"
# Plain FAB gets a copy of the same data: its saves write no history, and the fault check below holds
# every appeal of Uprava's database to having one for each saved version.
FAB_DATABASE_URL=${DATABASE_URL%/*}/uprava_fab
"$BIN/python" - "$DATABASE_URL" <<'PY'
import sys
from sqlalchemy import create_engine, text
url = sys.argv[1]
engine = create_engine(url, isolation_level="AUTOCOMMIT")
with engine.connect() as conn:
    conn.execute(text(f'CREATE DATABASE uprava_fab TEMPLATE "{url.rsplit("/", 1)[1]}"'))
engine.dispose()
PY

echo "--- gunicorn: $WORKERS workers each, Uprava on 127.0.0.1:$PORT (production settings), plain FAB on :$FAB_PORT (a copy of the database)"
# Secure cookies are not sent over plain HTTP: off for this loopback run only. All the clerks sign in from
# 127.0.0.1, so the per-address sign-in limit is raised (the per-name one stays). Workers are not recycled
# mid-run (--max-requests 0): a restart would show up as a latency spike that production spreads over days.
UPRAVA_ENV=production UPRAVA_COOKIE_SECURE=0 UPRAVA_HSTS=0 UPRAVA_AUTH_RATE_LIMIT_PER_ADDRESS="10000 per minute" \
  "$BIN/gunicorn" -c gunicorn.conf.py -w "$WORKERS" -b "127.0.0.1:$PORT" --max-requests 0 run:app \
  >"$WORK/gunicorn.log" 2>&1 &
GUNICORN_PID=$!
DATABASE_URL=$FAB_DATABASE_URL "$BIN/gunicorn" -w "$WORKERS" -b "127.0.0.1:$FAB_PORT" --max-requests 0 --timeout 120 scripts.bench.baseline:app \
  >"$WORK/gunicorn-fab.log" 2>&1 &
FAB_PID=$!
# A server that never answers leaves its log in the run's output (the directory is removed on exit).
wait_up "http://127.0.0.1:$PORT/health" || { tail -n 40 "$WORK/gunicorn.log" >&2; exit 1; }
wait_up "http://127.0.0.1:$FAB_PORT/login/" || { tail -n 40 "$WORK/gunicorn-fab.log" >&2; exit 1; }
curl -sf "http://127.0.0.1:$PORT/health"; echo
export LOAD_URL="http://127.0.0.1:$PORT" LOAD_PID=$GUNICORN_PID

status=0
echo "--- (a) saturation throughput: Uprava and plain FAB, per request type"
LOAD_FAB_URL="http://127.0.0.1:$FAB_PORT" LOAD_FAB_PID=$FAB_PID "$BIN/python" -m scripts.load.capacity saturation \
  || status=1
stop_server "$FAB_PID"; FAB_PID=

echo "--- (b) $CLERKS clerks at a clerk's pace"
"$BIN/python" -m scripts.load.capacity clerks || status=1
errors=$(grep -c '"status": 5' "$WORK/gunicorn.log" || true)
echo "server errors (5xx) in the request log: $errors"
[ "$errors" = 0 ] || status=1

echo "--- faults: kill -9 of workers while clerks write"
"$BIN/python" scripts/load/faults.py "http://127.0.0.1:$PORT" "$GUNICORN_PID" "$LOAD_PASSWORD" \
  "${FAULT_SECONDS:-20}" "${FAULT_KILLS:-4}" || status=1
exit $status
