"""The Admin's read-only view of registration journals and their counters."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..filters import UpravaInterface
from ..views import UpravaModelView
from .models import NumberingCounter, NumberingJournal

RESOURCE = "NumberingJournal"

COUNTER_LABELS = {
    "journal": _l("Журнал"),
    "year_label": _l("Год"),
    "year": _l("Год"),
    "last_number": _l("Последний порядковый номер"),
    "last_issued": _l("Последний выданный номер"),
}


class NumberingCounterView(UpravaModelView):
    """Counters per journal and year: read only — a counter moves only by registering (or importing)."""

    datamodel = UpravaInterface(NumberingCounter)
    class_permission_name = RESOURCE
    # Not even the Admin (who holds every right) adds, edits or deletes a counter.
    base_permissions = ["can_read"]
    record_files = False
    list_title = _l("Счётчики номеров")
    show_title = _l("Счётчик номеров")
    label_columns = COUNTER_LABELS
    list_columns = ["journal", "year_label", "last_number", "last_issued"]
    show_columns = list_columns
    search_columns = ["journal", "year"]
    order_columns = ["year", "last_number"]
    base_order = ("year", "desc")


class NumberingJournalView(UpravaModelView):
    """Journals as their domains declare them (`flask app init` writes them), with their counters."""

    datamodel = UpravaInterface(NumberingJournal)
    class_permission_name = RESOURCE
    base_permissions = ["can_read"]
    record_files = False
    related_views = [NumberingCounterView]
    list_title = _l("Журналы регистрации")
    show_title = _l("Журнал регистрации")
    # The code and the format string are the programmers' (declared in the domain): the Admin sees the number.
    label_columns = {"name": _l("Журнал"), "example": _l("Вид номера")}
    list_columns = ["name", "example"]
    show_columns = ["name", "example"]
    search_columns = ["name"]
    order_columns = ["name"]
    base_order = ("name", "asc")
