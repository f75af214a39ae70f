"""Where an instruction comes from: a registry of source kinds other domains plug into.

An instruction keeps a generic reference to its source (`source_kind` + `source_id`); the link that
matters lives on the source's side (an appeal's or a plan item's `instruction` column). A source kind
names the source's table (its model is found by table name, as attachments find theirs: control imports
no other domain), the endpoint of its card and the column that holds the instruction:

    register_source(SourceKind(
        code="plan_item", label=_l("Пункт плана"),
        table="plans_item", endpoint="PlanItemView.show", back_link="instruction",
        card_action=True,                    # «Поставить на контроль» on the item's card
    ))

    instruction = put_source_on_control(item, text=..., responsible_body=..., controller=user)
    # item.instruction is the new instruction; instruction.source_kind == "plan_item", source_id == item.id

Kinds without a table (a meeting protocol, the Head's order) are described by `source_note`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import current_app, has_request_context, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from ..core.models import model_for_table, record_by_key
from ..extensions import db
from ..security import Access, is_row_visible, row_access

if TYPE_CHECKING:
    from .models import Instruction


@dataclass(frozen=True)
class SourceKind:
    """One kind of source of instructions."""

    #: Stable key stored in `control_instruction.source_kind`.
    code: str
    label: Any
    #: The source record's table (None: the source is a paper outside the system, see `source_note`).
    table: str | None = None
    #: The endpoint of the source's card, called with `pk=<id>`.
    endpoint: str | None = None
    #: The source model's column (a relationship) holding its instruction: the link of record.
    back_link: str | None = None
    #: Offer «Поставить на контроль» on the source's card (to users who may put instructions on control).
    card_action: bool = False
    #: The permission resource whose read right opens the source's card.
    resource: str | None = None


SOURCES: dict[str, SourceKind] = {}


def register_source(kind: SourceKind) -> SourceKind:
    """Declare a source kind (idempotent per code); with `card_action`, its cards get the button."""
    SOURCES[kind.code] = kind
    if kind.card_action and kind.table:
        from ..core.card_actions import CardAction, register_card_action

        register_card_action(
            CardAction(
                key=f"control.put_on_control.{kind.code}", table=kind.table, links=lambda pk: _card_links(kind, pk)
            )
        )
    return kind


def source_kind(code: str) -> SourceKind | None:
    return SOURCES.get(code)


def kind_of_record(record: Any) -> SourceKind | None:
    """The registered kind whose table holds `record`."""
    table = getattr(type(record), "__tablename__", None)
    return next((kind for kind in SOURCES.values() if kind.table and kind.table == table), None)


def source_model(kind: SourceKind) -> type | None:
    return model_for_table(kind.table) if kind.table else None


def source_record(instruction: Instruction) -> Any | None:
    """The source record of an instruction (None for a paper source or a kind no longer registered)."""
    kind = source_kind(instruction.source_kind)
    model = source_model(kind) if kind is not None else None
    if model is None or instruction.source_id is None:
        return None
    return db.session.get(model, instruction.source_id)


def _may_open(kind: SourceKind, record: Any) -> bool:
    """The user may open the source's card: its read right and its row scope."""
    if kind.resource and not current_app.appbuilder.sm.has_access("can_read", kind.resource):
        return False
    return getattr(record, "annulled_at", None) is None and is_row_visible(record)


def source_url(instruction: Instruction) -> str | None:
    """The URL of the source's card, when the current user may open it."""
    kind = source_kind(instruction.source_kind)
    record = source_record(instruction)
    if kind is None or record is None or kind.endpoint is None or not has_request_context():
        return None
    if not _may_open(kind, record):
        return None
    return url_for(kind.endpoint, pk=instruction.source_id)


def source_text(instruction: Instruction) -> str:
    """The source in words: its kind, the record (only when the user may see it) and the note."""
    kind = source_kind(instruction.source_kind)
    parts = [str(kind.label) if kind is not None else gettext("Источник")]
    record = source_record(instruction)
    if record is not None and kind is not None and has_request_context() and _may_open(kind, record):
        parts.append(str(record))
    elif instruction.resolution is not None:
        parts.append(str(instruction.resolution))
    if instruction.source_note:
        parts.append(instruction.source_note)
    return " — ".join(p for p in parts if p)


def source_markup(instruction: Instruction) -> Markup:
    """The source for the card: a link to the source's card when the user may open it."""
    text = source_text(instruction)
    url = source_url(instruction)
    if url is None:
        return Markup(escape(text))
    return Markup('<a href="{}">{}</a>').format(url, text)


# ---- the built-in kinds ----------------------------------------------------------------------------

RESOLUTION = "resolution"
MEETING_PROTOCOL = "meeting_protocol"
HEAD_ORDER = "head_order"
HIGHER_BODY_LETTER = "higher_body_letter"
APPEAL = "appeal"
PLAN_ITEM = "plan_item"


def register_builtin_sources() -> None:
    """The sources control knows of itself, and the appeal (whose card gets «Поставить на контроль»)."""
    for kind in (
        SourceKind(RESOLUTION, _l("Резолюция на документе"), "control_resolution", "ResolutionView.show"),
        SourceKind(MEETING_PROTOCOL, _l("Протокол совещания")),
        SourceKind(HEAD_ORDER, _l("Распоряжение Главы города")),
        SourceKind(
            HIGHER_BODY_LETTER,
            _l("Письмо вышестоящего органа"),
            "control_document",
            "DocumentView.show",
            resource="ControlDocument",
        ),
        # Appeals are named by table and endpoint only: control imports no other domain.
        SourceKind(
            APPEAL,
            _l("Обращение гражданина"),
            "appeals_appeal",
            "AppealView.show",
            back_link="instruction",
            card_action=True,
            resource="Appeal",
        ),
    ):
        register_source(kind)


#: Kinds a user picks on the registration form (those with a record are put on control from the record).
PAPER_KINDS = (RESOLUTION, MEETING_PROTOCOL, HEAD_ORDER, HIGHER_BODY_LETTER)


# ---- «Поставить на контроль» on a source's card ---------------------------------------------------------


def may_put_on_control(record: Any) -> bool:
    """The current user may put this record on control: the write right on instructions, the record in his
    working scope, not annulled, and not on control already."""
    kind = kind_of_record(record)
    if kind is None or record is None or getattr(record, "annulled_at", None) is not None:
        return False
    if not current_app.appbuilder.sm.has_access("can_write", "Instruction"):
        return False
    if kind.back_link and getattr(record, kind.back_link, None) is not None:
        return False
    return row_access(record) is not Access.NONE


def _card_links(kind: SourceKind, pk: Any) -> list[tuple[str, str]]:
    model = source_model(kind)
    record = record_by_key(db.session, model, pk) if model is not None else None
    if record is None or not may_put_on_control(record):
        return []
    return [(url_for("InstructionFromSourceView.new", kind=kind.code, pk=pk), gettext("Поставить на контроль"))]
