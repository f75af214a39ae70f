"""No empty msgid: `gettext("")` returns the catalogue's header («Project-Id-Version: …»), not "".

Scans app/ the way `make i18n` extracts it (Python and Jinja templates, the same keywords) and
lists every translation call whose message is an empty string. Run by `make lint` and
`make i18n`, and by tests/test_i18n.py. Exit code 1 when any is found.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_python
from jinja2.ext import babel_extract

ROOT = Path(__file__).resolve().parent.parent
#: The keywords of `make i18n` (Makefile): babel's defaults plus lazy_gettext, _l and __.
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "_l": None, "__": None}
JINJA_OPTIONS = {"extensions": "jinja2.ext.do"}


def _calls(path: Path) -> Iterator[tuple[int, str, object]]:
    with path.open("rb") as fileobj:
        if path.suffix == ".py":
            found = extract_python(fileobj, KEYWORDS, (), {})
            yield from ((line, name, messages) for line, name, messages, _c in found)
        else:
            found = babel_extract(fileobj, KEYWORDS, (), JINJA_OPTIONS)
            yield from ((line, name, messages) for line, name, messages, _c in found)


def empty_msgids(root: Path = ROOT / "app") -> list[str]:
    """`path:line: call` for every translation call of an empty string under `root`."""
    problems = []
    files = sorted([*root.rglob("*.py"), *root.rglob("templates/**/*.html")])
    for path in files:
        for line, name, messages in _calls(path):
            first = messages[0] if isinstance(messages, tuple | list) else messages
            if first == "":
                shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
                problems.append(f'{shown}:{line}: {name}("")')
    return problems


def main() -> int:
    problems = empty_msgids()
    for problem in problems:
        print(f"{problem} — an empty msgid returns the catalogue header; leave the text out instead", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
