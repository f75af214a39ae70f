"""«Очерёдность»: a list's queue as of a date (today or any past day), a page at a time, positions computed.

The positions are the whole list's (a district clerk sees his district's households at their places in
the city's list); the rows are those the user sees. Names only with the personal-data right.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import request
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import Form, SelectField
from wtforms.validators import Optional

from ..core.dates import local_today
from ..core.errors import BadListArgument
from ..core.forms import RuDateField
from ..core.inputs import HISTORIC_DATES, is_digits
from ..security import READ, can_see_personal_data, scope_clause
from .models import Household
from .queue import lists_in_order, queue_count, queue_page

PAGE_SIZE = 25
MAX_PAGE = 100_000


class QueueForm(Form):
    """What the page is asked (a read: the query string, no CSRF token)."""

    list_type = SelectField(_l("Список очерёдности"), coerce=int, validators=[Optional()])
    as_of = RuDateField(_l("На дату"), validators=[Optional()])


def _page_number() -> int:
    raw = request.args.get("page", "0")
    if not is_digits(raw) or int(raw) > MAX_PAGE:
        raise BadListArgument(_l("Номер страницы должен быть целым числом"))
    return int(raw)


class HousingQueueView(BaseView):
    route_base = "/housing/queue"
    default_view = "index"
    class_permission_name = "Household"
    method_permission_name = {"index": READ}
    template = "housing/queue.html"

    @expose("/")
    @has_access
    def index(self) -> Any:
        lists = lists_in_order()
        form = QueueForm(request.args)
        form.list_type.choices = [(t.id, t.name) for t in lists]
        valid = form.validate()
        today = local_today()
        as_of: dt.date = form.as_of.data or today
        if valid and not HISTORIC_DATES.earliest <= as_of <= today:
            form.as_of.errors = [gettext("Дата — с 01.01.1950 по сегодняшний день")]
            valid = False
        chosen = (
            form.list_type.data if form.list_type.data in {t.id for t in lists} else (lists[0].id if lists else None)
        )
        form.list_type.data = chosen
        form.as_of.data = as_of
        page = _page_number()
        rows, total = [], 0
        if valid and chosen is not None:
            scope = scope_clause(Household)
            total = queue_count(chosen, as_of, scope)
            rows = queue_page(chosen, as_of, offset=page * PAGE_SIZE, limit=PAGE_SIZE, scope=scope)
        pages = max(1, -(-total // PAGE_SIZE))
        return self.render_template(
            self.template,
            title=_l("Очерёдность"),
            form=form,
            rows=rows,
            total=total,
            page=page,
            pages=pages,
            as_of=as_of,
            is_today=as_of == today,
            show_names=can_see_personal_data(),
            args={"list_type": chosen, "as_of": as_of.strftime("%d.%m.%Y")},
        )
