"""Working-day calendar and deadline engine: the one place every domain computes due dates.

Domains import from here: `due_date("appeal_answer", appeal.reg_date)` gives a Deadline
(`.due`, `.warning`); `deadline_badge` colours due dates in their lists. A rule counts calendar
days, working days, months (negative: before the start) or gives day N of the next month; a
domain seeds its own rules with `services.seed_deadline_rules(its RuleSeed list)`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from ...security import STAFF_ROLES, Resource, declare_resource
from .. import menus
from .engine import (
    Deadline,
    DeadlineStatus,
    ExtensionTooLong,
    UnknownDeadlineRule,
    add_calendar_days,
    add_months,
    add_working_days,
    day_of_next_month,
    deadline_status,
    due_date,
    extend_due_date,
    get_rule,
    is_working_day,
)
from .formatters import deadline_badge
from .models import DayKind, DeadlineUnit, Shift

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder

__all__ = [
    "CATEGORY",
    "DayKind",
    "Deadline",
    "DeadlineStatus",
    "DeadlineUnit",
    "ExtensionTooLong",
    "Shift",
    "UnknownDeadlineRule",
    "add_calendar_days",
    "add_months",
    "add_working_days",
    "day_of_next_month",
    "deadline_badge",
    "deadline_status",
    "due_date",
    "extend_due_date",
    "get_rule",
    "is_working_day",
    "register",
    "seed",
]

CATEGORY = menus.REFERENCE
# Everybody reads the calendar and the terms (they explain a due date); only Admin edits them.
RESOURCES = [
    declare_resource(Resource("WorkingDay", menus=("WorkingDays",), category=CATEGORY, readers=STAFF_ROLES)),
    declare_resource(Resource("DeadlineRule", menus=("DeadlineRules",), category=CATEGORY, readers=STAFF_ROLES)),
]


def register(appbuilder: AppBuilder) -> None:
    """Menus and views of the calendar and the deadline rules (Admin edits, staff read)."""
    from .views import DeadlineRuleView, WorkingDayView

    for view, name, label, icon in (
        (WorkingDayView, "WorkingDays", _l("Производственный календарь"), "fa-calendar-days"),
        (DeadlineRuleView, "DeadlineRules", _l("Сроки исполнения"), "fa-clock"),
    ):
        menus.add_view(appbuilder, view, name, label=label, icon=icon, category=CATEGORY, group=menus.REF_CALENDAR)


def seed() -> dict[str, int]:
    """Reference data for `flask app init`: calendar days and deadline rules (idempotent)."""
    from .services import seed_deadline_rules, seed_working_days

    counts = seed_working_days()
    counts["rules"] = seed_deadline_rules()
    return counts
