"""Which registration journals exist: each domain declares its own, with the pattern of its numbers.

A journal is a code (stable, ASCII), a Russian name and a pattern: a Python format string with
`{seq}` (the sequence, e.g. `{seq:06d}`) and, for a journal numbered per year, `{year}`:

    APPEALS = declare_journal(Journal("appeals", "ОГ-{year}-{seq:06d}", _l("Обращения граждан")))

The declaration is the truth for the pattern; `flask app init` copies code, name and pattern
into `core_numbering_journal` (for the admin's view and the counters' foreign key) and never
touches a counter. A pattern without `{year}` numbers continuously across years (one counter).
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from typing import Any

#: The counter key of a journal numbered continuously (its pattern has no {year}).
CONTINUOUS = 0
#: A sequence without a width (`{seq}`) still has a bound: the largest an import may bring.
DEFAULT_MAX_SEQ = 999_999_999

_CODE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_SEQ_SPEC = re.compile(r"^(0?)(\d*)d$")


class JournalPatternError(ValueError):
    """A declaration a programmer got wrong (raised at import time, never shown to a user)."""


@dataclass(frozen=True)
class Number:
    """One registration number: the year of its local registration date, the sequence, the written form."""

    year: int
    seq: int
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Journal:
    """A registration journal: `code` (stable key), `pattern` (`ОГ-{year}-{seq:06d}`), Russian `name`."""

    code: str
    pattern: str
    name: Any
    _regex: re.Pattern[str] = field(init=False, repr=False, compare=False)
    _max_seq: int = field(init=False, repr=False, compare=False)
    _yearly: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not _CODE.match(self.code):
            raise JournalPatternError(f"journal code {self.code!r}: lower-case ASCII, up to 32 characters")
        regex, fields, max_seq = [], [], DEFAULT_MAX_SEQ
        try:
            parts = list(string.Formatter().parse(self.pattern))
        except ValueError as exc:
            raise JournalPatternError(f"journal {self.code!r}: bad pattern {self.pattern!r}: {exc}") from None
        for literal, name, spec, conversion in parts:
            # Separators and prefixes are matched loosely: spaces around them, any letter case.
            regex.append(r"\s*".join(re.escape(ch) for ch in literal if not ch.isspace()))
            if name is None:
                continue
            if conversion or name not in ("year", "seq") or name in fields:
                raise JournalPatternError(f"journal {self.code!r}: one {{year}}, one {{seq}}: {self.pattern!r}")
            fields.append(name)
            if name == "year":
                if spec:
                    raise JournalPatternError(f"journal {self.code!r}: {{year}} takes no format")
                regex.append(r"\s*(?P<year>\d{4})\s*")
            else:
                match = _SEQ_SPEC.match(spec or "d")
                if match is None:
                    raise JournalPatternError(f"journal {self.code!r}: {{seq}} is a number, e.g. {{seq:06d}}")
                if match.group(2):
                    max_seq = 10 ** int(match.group(2)) - 1
                regex.append(r"\s*(?P<seq>\d{1,9})\s*")
        if "seq" not in fields:
            raise JournalPatternError(f"journal {self.code!r}: the pattern {self.pattern!r} has no {{seq}}")
        object.__setattr__(self, "_regex", re.compile("^" + "".join(regex) + "$", re.IGNORECASE))
        object.__setattr__(self, "_max_seq", max_seq)
        object.__setattr__(self, "_yearly", "year" in fields)

    @property
    def yearly(self) -> bool:
        """True when numbering starts again each year (the pattern has {year})."""
        return self._yearly

    @property
    def max_seq(self) -> int:
        """The largest sequence the pattern's width holds (`{seq:06d}` → 999999)."""
        return self._max_seq

    @property
    def prefix(self) -> str:
        """The literal text before the first field (`ОГ-{year}-…` → `ОГ`): what a clerk may leave out."""
        return self.pattern.split("{", 1)[0].strip(" -/.")

    def year_key(self, year: int) -> int:
        """The counter this year draws from (CONTINUOUS for a journal without {year})."""
        return year if self._yearly else CONTINUOUS

    def format(self, year: int, seq: int) -> str:
        """The written form: `ОГ-2026-000123`."""
        return self.pattern.format(year=year, seq=seq)

    def number(self, year: int, seq: int) -> Number:
        return Number(year, seq, self.format(year, seq))

    def example(self) -> str:
        """A sample number for messages: `ОГ-ГГГГ-000123`."""
        return self.pattern.format(year=9999, seq=123).replace("9999", "ГГГГ")

    def parse(self, text: str, *, prefix_optional: bool = True) -> tuple[int | None, int] | None:
        """(year, seq) of a written number, None when the text is not one.

        Spaces and letter case are forgiven; the prefix may be left out (`2019-4121` for
        `ОГ-2019-004121`) unless `prefix_optional` is False. The year is None for a journal
        without {year}.
        """
        cleaned = (text or "").strip()
        match = self._regex.match(cleaned)
        if match is None and prefix_optional and self.prefix:
            bare = self.pattern.split("{", 1)[0]
            match = self._regex.match(bare + cleaned)
        if match is None:
            return None
        year = int(match.group("year")) if self._yearly else None
        return year, int(match.group("seq"))


#: Filled by each domain at import time; `flask app init` writes them to the database.
JOURNALS: dict[str, Journal] = {}


def declare_journal(journal: Journal) -> Journal:
    """Register a journal (idempotent per code: a re-import replaces the declaration)."""
    JOURNALS[journal.code] = journal
    return journal


class UnknownJournal(LookupError):
    """A code no domain declared: a programming error."""


def journal(code: str) -> Journal:
    """The declared journal of this code."""
    try:
        return JOURNALS[code]
    except KeyError:
        raise UnknownJournal(code) from None
