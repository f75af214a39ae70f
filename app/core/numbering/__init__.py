"""Registration numbers for every journal of the administration: one service, one counter per journal and year.

A domain declares its journal once, at import time (its `__init__.py`):

    APPEALS_JOURNAL = declare_journal(Journal("appeals", "ОГ-{year}-{seq:06d}", _l("Обращения граждан")))

and its registration service draws numbers from it:

    number = next_number("appeals", appeal.reg_date)      # Number(year=2026, seq=124, text="ОГ-2026-000124")
    take_imported("appeals", 2019, 4121)                  # an imported number is kept; the counter moves past it
    parse("appeals", "ОГ-2019-004121") == (2019, 4121)    # also "2019-4121"; None when not a number

`flask app init` writes the declared journals (never resetting a counter). The Admin sees the
journals and their counters read-only; nobody edits a counter by hand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from ...security import Resource, declare_resource
from .journals import (
    CONTINUOUS,
    JOURNALS,
    Journal,
    JournalPatternError,
    Number,
    UnknownJournal,
    declare_journal,
    journal,
)
from .services import (
    SequenceOutOfRange,
    format_number,
    kept_in_batch,
    last_number,
    local_date,
    next_number,
    parse,
    sync_journals,
    take_imported,
)

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder

__all__ = [
    "CONTINUOUS",
    "JOURNALS",
    "Journal",
    "JournalPatternError",
    "Number",
    "SequenceOutOfRange",
    "UnknownJournal",
    "declare_journal",
    "format_number",
    "journal",
    "kept_in_batch",
    "last_number",
    "local_date",
    "next_number",
    "parse",
    "register",
    "seed",
    "sync_journals",
    "take_imported",
]

CATEGORY = "Administration"
# Admin only (no built-in role reads it): the journals are configuration, the counters are the
# registers' bookkeeping. Nobody writes either by hand.
RESOURCES = [
    declare_resource(Resource("NumberingJournal", menus=("NumberingJournals",), category=CATEGORY)),
]


def register(appbuilder: AppBuilder) -> None:
    """The Admin's read-only view of journals and counters."""
    from .views import NumberingCounterView, NumberingJournalView

    appbuilder.add_view_no_menu(NumberingCounterView)
    from .. import menus

    menus.add_view(
        appbuilder,
        NumberingJournalView,
        "NumberingJournals",
        label=_l("Журналы регистрации"),
        icon="fa-list-ol",
        category=menus.ADMINISTRATION,
        group=menus.ADMIN_SYSTEM,
    )


def seed() -> int:
    """The declared journals' rows (`flask app init`); returns how many were added."""
    return sync_journals()
