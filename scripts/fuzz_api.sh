#!/usr/bin/env bash
# Schemathesis over the app's OpenAPI spec (make fuzz-api): no request may get a 5xx.
#
# Starts the app on a throwaway SQLite database (migrations + init + demo data) in a temp
# instance folder on 127.0.0.1, signs in the demo Admin through the API once (JWT), and
# fuzzes every operation of /api/v1 except the login and refresh endpoints (so the login
# throttling and any lock-out never trip), checking only "not a server error", after the
# explicit deep-JSON and big-integer cases of scripts/fuzz_edge_cases.py. Bounded by FUZZ_EXAMPLES
# per operation and FUZZ_SECONDS overall (the explicit cases take seconds). The server and the
# folder are removed on exit. Exit code: non-zero when either found a 5xx.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=$(cd "${BIN:-.venv/bin}" && pwd)
PORT=${FUZZ_PORT:-5077}
EXAMPLES=${FUZZ_EXAMPLES:-10}
SECONDS_BUDGET=${FUZZ_SECONDS:-300}
BASE="http://127.0.0.1:$PORT"

DIR=$(mktemp -d /tmp/uprava-fuzz.XXXXXX)
SERVER=""
stop() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  rm -rf "$DIR"
}
trap stop EXIT

export FLASK_APP=run.py PYTHONPATH=$PWD UPRAVA_ENV=development UPRAVA_INSTANCE_DIR="$DIR"
export DATABASE_URL="sqlite:///$DIR/fuzz.sqlite" UPRAVA_FILES_DIR="$DIR/files"
"$BIN/flask" db upgrade >/dev/null 2>&1
"$BIN/flask" app init >/dev/null
"$BIN/flask" app demo >/dev/null

"$BIN/flask" run --host 127.0.0.1 --port "$PORT" >"$DIR/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 60); do
  curl -fsS -o /dev/null "$BASE/login/" 2>/dev/null && break
  sleep 0.5
done

TOKEN=$(curl -fsS -X POST "$BASE/api/v1/security/login" -H "Content-Type: application/json" \
  -d '{"username": "admin", "password": "Uprava-Demo-2026", "provider": "db", "refresh": false}' |
  "$BIN/python" -c "import json, sys; print(json.load(sys.stdin)['access_token'])")
curl -fsS -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/_openapi" -o "$DIR/openapi.json"

# Explicit cases first (scripts/fuzz_edge_cases.py): a 100,000-deep JSON body and ±10**30 in every
# integer field and relation of every write operation — bodies the generator does not produce.
status=0
"$BIN/python" scripts/fuzz_edge_cases.py "$BASE" "$TOKEN" "$DIR/openapi.json" || status=$?

echo "Fuzzing $BASE/api/v1 (spec paths carry the prefix): $EXAMPLES examples per operation, at most $SECONDS_BUDGET s" >&2
# Run from the temp folder: schemathesis keeps its cache (.schemathesis/) in the working directory.
(cd "$DIR" && "$BIN/schemathesis" run "$DIR/openapi.json" --url "$BASE" \
  -H "Authorization: Bearer $TOKEN" \
  --checks not_a_server_error \
  --exclude-path-regex '/security/(login|refresh)$' \
  --phases examples,coverage,fuzzing \
  --max-examples "$EXAMPLES" --max-time "$SECONDS_BUDGET" \
  --request-timeout 30 --workers 1 --seed 2026 --no-shrink) || { code=$?; [ "$status" -ne 0 ] || status=$code; }
if grep -q "Unhandled error" "$DIR/server.log"; then
  echo "--- server errors (from the app's log) ---" >&2
  grep -A20 "Unhandled error" "$DIR/server.log" | tail -n 200 >&2
fi
exit $status
