"""The API fuzzer's explicit cases (scripts/fuzz_api.sh): bodies schemathesis does not think of.

For every write operation of the OpenAPI spec (POST/PUT/PATCH), sends
* a JSON body of 100,000 nested arrays and one of 100,000 nested objects (the parser's recursion);
* each integer field, and each relation (an id without a declared type), set to ±10**30 (the
  driver's integer overflow);
and fails when any answer is a server error (5xx). Record URLs name id 1 (demo data).

Usage: python scripts/fuzz_edge_cases.py BASE_URL TOKEN SPEC.json
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from typing import Any

DEEP = 100_000
BIG = 10**30
WRITES = ("post", "put", "patch")


def _schema(spec: dict[str, Any], operation: dict[str, Any]) -> dict[str, Any]:
    content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    schema = content.get("schema", {})
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def cases(spec: dict[str, Any]) -> list[tuple[str, str, str, bytes]]:
    """(method, path, what, body) of every explicit case."""
    found = []
    for path, operations in spec["paths"].items():
        url = path.replace("{pk}", "1")
        if "{" in url or url.endswith("/security/login") or url.endswith("/security/refresh"):
            continue
        for method in WRITES:
            operation = operations.get(method)
            if operation is None:
                continue
            found.append((method, url, "nested arrays", ("[" * DEEP + "]" * DEEP).encode()))
            found.append((method, url, "nested objects", ('{"a":' * DEEP + "1" + "}" * DEEP).encode()))
            for name, prop in (_schema(spec, operation).get("properties") or {}).items():
                if prop.get("type", "integer") == "integer":
                    for value in (BIG, -BIG):
                        body = json.dumps({name: value, "version": 1}).encode()
                        found.append((method, url, f"{name}={value:.0e}", body))
    return found


def send(base: str, token: str, method: str, path: str, body: bytes) -> int:
    request = urllib.request.Request(
        base + path,
        data=body,
        method=method.upper(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def main(base: str, token: str, spec_path: str) -> int:
    with open(spec_path, encoding="utf-8") as spec_file:
        spec = json.load(spec_file)
    failures = []
    planned = cases(spec)
    for method, path, what, body in planned:
        status = send(base, token, method, path, body)
        if status >= 500:
            failures.append(f"{method.upper()} {path} ({what}): {status}")
    summary = f"{len(planned)} sent, {len(failures)} server errors"
    print(f"Explicit cases (deep JSON, big integers): {summary}", file=sys.stderr)
    for failure in failures:
        print(f"  {failure}", file=sys.stderr)
    return 1 if failures or not planned else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
