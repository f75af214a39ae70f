"""Controlled documents and instructions: the correspondence registry, resolutions, instructions on
control with extensions, execution reports and removal, the executive-discipline reports (DOMAIN.md D.3).

Other domains link to an instruction from their side (an appeal or a plan item holds its instruction)
through `app.control.sources` — this package imports no other domain.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from ..core import menus
from ..core.numbering import Journal, declare_journal
from ..security import (
    BODY_CLERK,
    CONTROL_OFFICER,
    DEPUTY_HEAD,
    EVENTS_COORDINATOR,
    STAFF_ROLES,
    SUPERVISOR,
    Resource,
    declare_resource,
)

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder

CATEGORY = menus.CONTROL

#: The registers' journals (app/core/numbering): numbered per LOCAL year of the registration date.
INCOMING = declare_journal(Journal("incoming", "Вх-{year}-{seq:05d}", _l("Журнал входящих документов")))
OUTGOING = declare_journal(Journal("outgoing", "Исх-{year}-{seq:05d}", _l("Журнал исходящих документов")))
INTERNAL = declare_journal(Journal("internal", "Вн-{year}-{seq:05d}", _l("Журнал внутренних документов")))
INSTRUCTIONS = declare_journal(Journal("instructions", "Пор-{year}-{seq:05d}", _l("Журнал поручений на контроле")))

#: Who reads the control registers: the supervisor and deputy heads (their row scope decides which rows),
#: the documentation department, and body staff (their body's and co-executed instructions).
READERS = (SUPERVISOR, DEPUTY_HEAD, CONTROL_OFFICER, BODY_CLERK)

# The documentation department registers documents and instructions, accepts reports and removes from
# control; body staff report execution and ask for extensions; the author of a deadline decides an
# extension (a deputy head; for the Head without an account the control officer records his decision).
# Nobody but Admin deletes: registered documents and instructions are annulled with a reason.
RESOURCES = [
    declare_resource(
        Resource(
            "Instruction",
            menus=(
                "InstructionList",
                "InstructionsOnControl",
                "InstructionsOverdue",
                "InstructionsThisWeek",
                "InstructionsAwaiting",
                "ControlReports",
                "ControlDashboard",
            ),
            category=CATEGORY,
            readers=READERS,
            writers=(CONTROL_OFFICER,),
        )
    ),
    declare_resource(Resource("InstructionExecution", readers=READERS, writers=(CONTROL_OFFICER, BODY_CLERK))),
    declare_resource(Resource("ExtensionDecision", readers=READERS, writers=(CONTROL_OFFICER, DEPUTY_HEAD))),
    declare_resource(
        Resource(
            "ControlDocument",
            menus=("DocumentList",),
            category=CATEGORY,
            readers=READERS,
            writers=(CONTROL_OFFICER,),
            # The events coordinator links an organisation's petition to its incoming letter and opens it
            # (the declared link events → control; no control menus: the registry is not his work).
            card_readers=(EVENTS_COORDINATOR,),
        )
    ),
    declare_resource(
        Resource(
            "ControlImport",
            menus=("DocumentImport", "InstructionImport"),
            category=CATEGORY,
            writers=(CONTROL_OFFICER,),
        )
    ),
    # Reference tables: everybody reads them (they explain a card); the officers keep correspondents.
    declare_resource(
        Resource(
            "Correspondent",
            menus=("Correspondents",),
            category=menus.REFERENCE,
            readers=STAFF_ROLES,
            writers=(CONTROL_OFFICER,),
        )
    ),
    declare_resource(Resource("DocumentKind", menus=("DocumentKinds",), category=menus.REFERENCE, readers=STAFF_ROLES)),
]


def register(appbuilder: AppBuilder) -> None:
    """Menus, views, APIs, counters and the sources of instructions of the control domain."""
    from .views import register as register_views

    register_views(appbuilder)
    from .sources import register_builtin_sources

    register_builtin_sources()
    register_control_counters()
    from ..core.workspace import register_dashboard
    from .dashboard import CONTROL_DASHBOARD

    register_dashboard(
        appbuilder, CONTROL_DASHBOARD, menu="ControlDashboard", label=_l("Показатели исполнительской дисциплины")
    )


def register_control_counters() -> None:
    """The control numbers on the home page: each is a preset of the instruction list."""
    from ..core.workspace import Counter, register_counter

    watchers = (SUPERVISOR, DEPUTY_HEAD, CONTROL_OFFICER, BODY_CLERK)
    for order, (preset, label, tone, audiences) in enumerate(
        (
            ("on_control", _l("Поручения на контроле"), "default", watchers),
            ("overdue", _l("Просроченные поручения"), "danger", watchers),
            ("week", _l("Срок исполнения в ближайшие 7 дней"), "warning", watchers),
            ("awaiting", _l("Продления ждут моего решения"), "info", (DEPUTY_HEAD,)),
            ("reports", _l("Отчёты об исполнении ждут проверки"), "info", (CONTROL_OFFICER,)),
        )
    ):
        register_counter(
            Counter(
                key=f"control.{preset}",
                label=label,
                domain="control",
                view="InstructionView",
                preset=preset,
                audiences=audiences,
                tone=tone,
                order=order,
                # «on_control» is the home table's «В работе»; «awaiting» its «Ждут моего решения».
                measure={"on_control": "open", "awaiting": "decision"}.get(preset),
                # Overdue instructions per responsible body feed «Органы с наибольшим числом просроченных».
                by_body="responsible_body" if preset == "overdue" else None,
            )
        )


def seed() -> dict[str, int]:
    """Reference data for `flask app init`: kinds of documents (never overwriting an Admin's edits)."""
    from .reference import seed_document_kinds

    return {"control document kinds": seed_document_kinds()}
