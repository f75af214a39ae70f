"""One-click lists («Просроченные», «Срок в ближайшие 7 дней», «Мои») for every domain list.

A view declares its presets; the platform adds the filter (`?preset=<key>` on the list, its
exports and its counters), names the preset in the page title and offers menu links:

    class InstructionView(UpravaModelView):
        presets = (
            Preset("overdue", _l("Просроченные поручения"), lambda ctx: and_(OPEN, Instruction.due_date < ctx.today)),
            Preset("mine", _l("Мои поручения"), lambda ctx: Instruction.executor_id == ctx.user_id),
        )

A preset's condition is a SQL clause built per request from a `PresetContext` (local today,
the signed-in user): the list, its XLSX and a home-page counter read the same clause, so they
always agree on which rows a preset holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import has_request_context, request
from flask_appbuilder.models.filters import BaseFilter
from flask_babel import lazy_gettext as _l

from .dates import local_today
from .errors import BadListArgument


@dataclass(frozen=True)
class PresetContext:
    """What a preset's condition may depend on: the city's local date and the signed-in user."""

    today: dt.date
    user_id: int | None


@dataclass(frozen=True)
class Preset:
    """A named, bookmarkable selection of a list (its label is the page's title)."""

    key: str
    label: Any
    where: Callable[[PresetContext], Any]
    #: The menu entry's stable English name when the preset has a menu link of its own.
    menu: str | None = None
    #: The menu entry's label, when shorter than the title (under «Обращения»: «Просроченные»).
    menu_label: Any = None
    icon: str = "fa-filter"


def preset_context() -> PresetContext:
    """This request's context: local today and the current user (None outside a request)."""
    from ..security import request_user

    user = request_user() if has_request_context() else None
    return PresetContext(today=local_today(), user_id=getattr(user, "id", None))


def requested_preset(presets: dict[str, Preset], value: Any = None) -> Preset | None:
    """The preset named by a filter value or by `?preset=`; an unknown name is a 400."""
    key = value or (request.args.get("preset") if has_request_context() else None)
    if not key:
        return None
    preset = presets.get(str(key))
    if preset is None:
        raise BadListArgument(_l("Неизвестный список: %(preset)s"), preset=str(key)[:20])
    return preset


class PresetFilter(BaseFilter):
    """Base filter of a list with presets: the requested preset's condition (none: every row).

    The value is the preset's key when a counter counts it outside its list; in the list itself
    the key comes from `?preset=`.
    """

    name = "Preset"
    arg_name = "preset"
    presets: dict[str, Preset] = {}

    def apply(self, query: Any, value: Any) -> Any:
        preset = requested_preset(self.presets, value)
        return query if preset is None else query.filter(preset.where(preset_context()))


def preset_filter_for(view_name: str, presets: Iterable[Preset]) -> type[PresetFilter]:
    """A PresetFilter class bound to one view's presets."""
    return type(f"{view_name}PresetFilter", (PresetFilter,), {"presets": {p.key: p for p in presets}})


def add_preset_links(appbuilder: Any, view: type, category: str, endpoint: str | None = None) -> None:
    """Menu links for the presets of `view` that name a menu entry."""
    from . import menus

    route = endpoint or f"/{view.__name__.lower()}/list/"
    for preset in getattr(view, "presets", ()):
        if preset.menu:
            menus.add_link(
                appbuilder,
                preset.menu,
                href=f"{route}?preset={preset.key}",
                label=preset.menu_label or preset.label,
                icon=preset.icon,
                category=category,
            )
