"""Event calendar of an anniversary programme (Victory-75, 2020, and the ones every five years after):
programmes with their organising committee, events with planned and actual format, the month calendar,
statistics, and the petitions of a campaign for an honorary title («Город трудовой доблести»)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from ..core import menus
from ..security import BODY_CLERK, EVENTS_COORDINATOR, PLANS_COORDINATOR, SUPERVISOR, Resource, declare_resource

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder

CATEGORY = menus.EVENTS
# The coordinator keeps programmes, their committee, events and petitions; body staff keep the events
# their body organises (the row scope decides which) and read the programmes they work to; the
# Supervisor reads everything. Nobody but Admin deletes: records are annulled with a reason.
RESOURCES = [
    declare_resource(
        Resource(
            "Event",
            menus=(
                "EventCalendar",
                "EventList",
                "EventsThisWeek",
                "EventsWithoutOutcome",
                "EventReports",
                "EventsDashboard",
            ),
            category=CATEGORY,
            readers=(SUPERVISOR, EVENTS_COORDINATOR, BODY_CLERK),
            writers=(EVENTS_COORDINATOR, BODY_CLERK),
            # The plans coordinator links an item of the city-wide-events section to its event and opens it.
            card_readers=(PLANS_COORDINATOR,),
        )
    ),
    declare_resource(
        Resource(
            "EventProgramme",
            menus=("EventProgrammes",),
            category=CATEGORY,
            readers=(SUPERVISOR, EVENTS_COORDINATOR, BODY_CLERK),
            writers=(EVENTS_COORDINATOR,),
            # An event's card names its programme: who reads events without the menus reads it too.
            card_readers=(PLANS_COORDINATOR,),
        )
    ),
    declare_resource(
        Resource(
            "TitlePetition",
            menus=("TitlePetitions", "TitleCampaigns", "PetitionReports"),
            category=CATEGORY,
            readers=(SUPERVISOR, EVENTS_COORDINATOR),
            writers=(EVENTS_COORDINATOR,),
        )
    ),
    # Loading a programme's events from its spreadsheet is the coordinator's (and Admin's).
    declare_resource(Resource("EventImport", menus=("EventImport",), category=CATEGORY, writers=(EVENTS_COORDINATOR,))),
]


def register(appbuilder: AppBuilder) -> None:
    """Menus, views and APIs of events."""
    from ..core.imports.views import register_import_view
    from ..core.presets import add_preset_links
    from . import documents  # noqa: F401  (registers the domain's Word templates)
    from .api import CommitteeMemberApi, EventApi, EventProgrammeApi, TitleCampaignApi, TitlePetitionApi
    from .calendar_views import EventCalendarView
    from .imports import EventImportView
    from .report_views import EventReportsView, PetitionReportsView
    from .views import CommitteeMemberView, EventProgrammeView, EventView, TitleCampaignView, TitlePetitionView

    menus.add_view(
        appbuilder,
        EventCalendarView,
        "EventCalendar",
        label=_l("Календарь мероприятий"),
        icon="fa-calendar-alt",
        category=CATEGORY,
    )
    menus.add_view(appbuilder, EventView, "EventList", label=_l("Мероприятия"), icon="fa-flag", category=CATEGORY)
    add_preset_links(appbuilder, EventView, CATEGORY)
    menus.add_view(
        appbuilder,
        EventProgrammeView,
        "EventProgrammes",
        label=_l("Программы мероприятий"),
        icon="fa-list-ol",
        category=CATEGORY,
    )
    menus.add_view(
        appbuilder,
        EventReportsView,
        "EventReports",
        label=_l("Статистика мероприятий"),
        icon="fa-chart-bar",
        category=CATEGORY,
    )
    menus.add_view(
        appbuilder,
        TitlePetitionView,
        "TitlePetitions",
        label=_l("Обращения в поддержку звания"),
        icon="fa-envelope",
        category=CATEGORY,
    )
    menus.add_view(
        appbuilder,
        TitleCampaignView,
        "TitleCampaigns",
        label=_l("Кампании по присвоению званий"),
        icon="fa-award",
        category=CATEGORY,
    )
    menus.add_view(
        appbuilder,
        PetitionReportsView,
        "PetitionReports",
        label=_l("Статистика обращений в поддержку звания"),
        icon="fa-chart-pie",
        category=CATEGORY,
    )
    register_import_view(
        appbuilder,
        EventImportView,
        "EventImport",
        label=_l("Загрузка мероприятий из файла"),
        icon="fa-file-import",
        category=CATEGORY,
    )
    appbuilder.add_view_no_menu(CommitteeMemberView)
    for api in (EventProgrammeApi, CommitteeMemberApi, EventApi, TitleCampaignApi, TitlePetitionApi):
        appbuilder.add_api(api)
    register_event_counters()
    from ..core.workspace import register_dashboard
    from .dashboard import EVENTS_DASHBOARD

    register_dashboard(appbuilder, EVENTS_DASHBOARD, menu="EventsDashboard", label=_l("Показатели мероприятий"))


def register_event_counters() -> None:
    """The events' numbers on the home page: each is a preset of the event list."""
    from ..core.workspace import Counter, register_counter

    audiences = (SUPERVISOR, EVENTS_COORDINATOR, BODY_CLERK)
    for order, (preset, label, tone) in enumerate(
        (
            ("week", _l("Мероприятия на этой неделе"), "info"),
            ("no_outcome", _l("Мероприятия без отметки о проведении"), "warning"),
        )
    ):
        register_counter(
            Counter(
                key=f"events.{preset}",
                label=label,
                domain="events",
                view="EventView",
                preset=preset,
                audiences=audiences,
                tone=tone,
                order=order,
            )
        )
