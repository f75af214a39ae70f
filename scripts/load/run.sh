#!/usr/bin/env bash
# make load / CI: clerks (each signed in once) on lists, cards, edit forms and reports against gunicorn
# on a throwaway PostgreSQL, then kill -9 of workers during writes and a consistency check.
# Loopback only, bounded: LOAD_USERS (50) clerks for LOAD_SECONDS (60) s; FAULT_SECONDS (20) s of
# faults with FAULT_KILLS (4) kills; LOAD_WORKERS (4) gunicorn workers. Prints p50/p95 and the checks.
# On a 2-core machine the database, gunicorn and locust share the cores: the figures measure contention.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${BIN:-$PWD/.venv/bin}
if [ -z "${TEST_DATABASE_URL:-}" ]; then
  exec bash scripts/with-postgres.sh bash "$0" "$@"
fi

USERS=${LOAD_USERS:-50}
DURATION=${LOAD_SECONDS:-60}
PORT=${LOAD_PORT:-58080}
WORK=$(mktemp -d /tmp/uprava-load.XXXXXX)
export DATABASE_URL=$TEST_DATABASE_URL
export SECRET_KEY="load-only-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export LOAD_PASSWORD="Load-Clerk-2026-$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export UPRAVA_INSTANCE_DIR=$WORK/instance FLASK_APP=run.py PYTHONPATH=$PWD
export UPRAVA_BIND=127.0.0.1:$PORT WEB_CONCURRENCY=${LOAD_WORKERS:-4}
GUNICORN_PID=
cleanup() {
  if [ -n "$GUNICORN_PID" ]; then kill "$GUNICORN_PID" 2>/dev/null || true; wait "$GUNICORN_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "--- set-up: migrations, roles, a year of demo appeals, $USERS load clerks"
# Demo data is refused under the production settings: the set-up runs with the development ones.
UPRAVA_ENV=development "$BIN/flask" db upgrade >/dev/null 2>&1
UPRAVA_ENV=development "$BIN/flask" app init >/dev/null
UPRAVA_ENV=development "$BIN/flask" app demo | sed -n 1p  # sed reads all: no SIGPIPE under pipefail
UPRAVA_ENV=development "$BIN/python" scripts/load/setup_users.py "$USERS" "$LOAD_PASSWORD"

echo "--- gunicorn: $WEB_CONCURRENCY workers on 127.0.0.1:$PORT (production settings; plain HTTP on loopback)"
# Secure cookies are not sent over plain HTTP: off for this loopback run only.
UPRAVA_ENV=production UPRAVA_COOKIE_SECURE=0 UPRAVA_HSTS=0 \
  "$BIN/gunicorn" -c gunicorn.conf.py run:app >"$WORK/gunicorn.log" 2>&1 &
GUNICORN_PID=$!
for _ in $(seq 60); do
  curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break
  sleep 1
done
curl -sf "http://127.0.0.1:$PORT/health"; echo

echo "--- load: $USERS clerks for $DURATION s"
status=0
"$BIN/locust" -f scripts/load/locustfile.py --headless --only-summary --host "http://127.0.0.1:$PORT" \
  -u "$USERS" -r "$(( USERS < 10 ? USERS : 10 ))" -t "${DURATION}s" --stop-timeout 10 >"$WORK/locust.log" 2>&1 \
  || status=1  # locust exits 1 when any request failed
grep -vE "^\[|INFO|Starting|Ramping|All users|Shutting|--- " "$WORK/locust.log" | sed '/^$/d' | tail -n 45
errors=$(grep -c '"status": 5' "$WORK/gunicorn.log" || true)
echo "server errors (5xx) in the request log: $errors"

echo "--- faults: kill -9 of workers while clerks write"
"$BIN/python" scripts/load/faults.py "http://127.0.0.1:$PORT" "$GUNICORN_PID" "$LOAD_PASSWORD" \
  "${FAULT_SECONDS:-20}" "${FAULT_KILLS:-4}" || status=1
exit $status
