"""Event programmes (e.g. the 2020 plan for the 75th anniversary of Victory), their organising committee,
events with planned and actual format, and the petitions of a campaign for an honorary title.

Times of events are stored as naive UTC like every timestamp of the platform; the local (UTC+7)
calendar days an event covers are kept beside them (`start_date`, `end_date`) by the model itself:
the month view, the «this week» list and the statistics by month read those days in SQL.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Date, DateTime, ForeignKey, Integer, String, Table, Text, and_, event
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..appeals.models import Appeal
from ..control.models import Document, IncomingDocumentsFilter
from ..core.dates import to_local
from ..core.inputs import DateWindow
from ..core.models import AnnulableMixin, VersionedMixin, current_index, current_indexes
from ..core.record_links import ReadableFilter
from ..org.models import Body, District
from ..security import LinkRule, Scope, read_only


class EventFormat(enum.StrEnum):
    """How an event is held (планируемый и фактический формат проведения)."""

    IN_PERSON = "in_person"
    ONLINE = "online"
    MIXED = "mixed"


class EventStatus(enum.StrEnum):
    PLANNED = "planned"
    HELD = "held"
    POSTPONED = "postponed"
    CANCELLED = "cancelled"


class CommitteeRole(enum.StrEnum):
    CHAIR = "chair"
    DEPUTY_CHAIR = "deputy_chair"
    SECRETARY = "secretary"
    MEMBER = "member"


class ApplicantType(enum.StrEnum):
    RESIDENT = "resident"
    ORGANISATION = "organisation"


class PetitionStatus(enum.StrEnum):
    RECEIVED = "received"
    REGISTERED = "registered"
    INCLUDED = "included"


class CampaignStatus(enum.StrEnum):
    COLLECTING = "collecting"
    SUBMITTED = "submitted"
    GRANTED = "granted"
    REFUSED = "refused"


FORMAT_LABELS = {
    EventFormat.IN_PERSON.value: _l("Очно"),
    EventFormat.ONLINE.value: _l("Онлайн"),
    EventFormat.MIXED.value: _l("Смешанный"),
}
STATUS_LABELS = {
    EventStatus.PLANNED.value: _l("Запланировано"),
    EventStatus.HELD.value: _l("Проведено"),
    EventStatus.POSTPONED.value: _l("Перенесено"),
    EventStatus.CANCELLED.value: _l("Отменено"),
}
ROLE_LABELS = {
    CommitteeRole.CHAIR.value: _l("Председатель"),
    CommitteeRole.DEPUTY_CHAIR.value: _l("Заместитель председателя"),
    CommitteeRole.SECRETARY.value: _l("Секретарь"),
    CommitteeRole.MEMBER.value: _l("Член оргкомитета"),
}
APPLICANT_LABELS = {
    ApplicantType.RESIDENT.value: _l("Житель"),
    ApplicantType.ORGANISATION.value: _l("Организация"),
}
PETITION_STATUS_LABELS = {
    PetitionStatus.RECEIVED.value: _l("Поступило"),
    PetitionStatus.REGISTERED.value: _l("Зарегистрировано"),
    PetitionStatus.INCLUDED.value: _l("Включено в заявку"),
}
CAMPAIGN_STATUS_LABELS = {
    CampaignStatus.COLLECTING.value: _l("Сбор обращений"),
    CampaignStatus.SUBMITTED.value: _l("Заявка направлена"),
    CampaignStatus.GRANTED.value: _l("Звание присвоено"),
    CampaignStatus.REFUSED.value: _l("Звание не присвоено"),
}
#: Statuses whose event still waits for its outcome (held or cancelled) to be marked.
AWAITING_OUTCOME = (EventStatus.PLANNED.value, EventStatus.POSTPONED.value)

#: A committee member's inclusion and exclusion dates, in the window of the acts of an anniversary.
AFTER_INCLUSION = DateWindow(not_before="included_on", not_before_label=_l("даты включения в состав"))
AFTER_RECEIPT = DateWindow(not_before="received_on", not_before_label=_l("даты поступления"))


class EventProgramme(AnnulableMixin, VersionedMixin, Model):
    """A plan of events approved by an act (e.g. for the 75th anniversary of Victory, 2020)."""

    __tablename__ = "events_programme"
    __label__ = _l("Программа мероприятий")
    # Kept by its coordinating body; read by the bodies on its organising committee. An organising body
    # works its events (and reads the programme's name on them), not the programme.
    __scope__ = Scope(bodies=("coordinator_body",), body_collections=(read_only("committee_members.body"),))
    #: The scan of the approving act.
    __attachments__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(500))
    year: Mapped[int] = mapped_column(Integer, index=True)
    #: «Постановление администрации города Новокузнецка от 20.01.2020 № 12».
    approved_act: Mapped[str | None] = mapped_column(String(255))
    approved_on: Mapped[dt.date | None] = mapped_column(Date)
    coordinator_body_id: Mapped[int] = mapped_column(ForeignKey("org_body.id"), index=True)
    note: Mapped[str | None] = mapped_column(Text)

    coordinator_body: Mapped[Body] = relationship(foreign_keys=[coordinator_body_id])
    committee_members: Mapped[list[CommitteeMember]] = relationship(
        back_populates="programme", order_by="CommitteeMember.sort_order, CommitteeMember.id"
    )

    def __repr__(self) -> str:
        return self.name


class CommitteeMember(VersionedMixin, Model):
    """A member of a programme's organising committee, from the act that included him to the act that
    excluded him: the composition on any date is the members whose period covers it."""

    __tablename__ = "events_committee_member"
    __label__ = _l("Член организационного комитета")
    __scope__ = Scope(parent="programme")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("events_programme.id", ondelete="CASCADE"), index=True)
    person_name: Mapped[str] = mapped_column(String(255))
    position: Mapped[str | None] = mapped_column(String(500))
    body_id: Mapped[int | None] = mapped_column(ForeignKey("org_body.id"), index=True)
    role: Mapped[str] = mapped_column(String(16), default=CommitteeRole.MEMBER.value, info={"code": True})
    #: The act that put him on the committee, and from when.
    included_on: Mapped[dt.date] = mapped_column(Date)
    included_by: Mapped[str] = mapped_column(String(255))
    #: The act that took him off (None: still a member).
    excluded_on: Mapped[dt.date | None] = mapped_column(Date, info={"date_window": AFTER_INCLUSION})
    excluded_by: Mapped[str | None] = mapped_column(String(255))
    sort_order: Mapped[int] = mapped_column(Integer, default=100)

    programme: Mapped[EventProgramme] = relationship(back_populates="committee_members")
    body: Mapped[Body | None] = relationship(foreign_keys=[body_id])

    def __repr__(self) -> str:
        return self.person_name


#: The bodies of the organising committee, copied onto each event (kept by the services): an event's
#: row scope reads its own table, never the committee's dated composition.
event_committee_body = Table(
    "events_event_committee_body",
    Model.metadata,
    Column("event_id", ForeignKey("events_event.id", ondelete="CASCADE"), primary_key=True),
    Column("body_id", ForeignKey("org_body.id"), primary_key=True, index=True),
)


class Event(AnnulableMixin, VersionedMixin, Model):
    """One event of a programme: when, where, who organises it, how it was planned and how it went."""

    __tablename__ = "events_event"
    __label__ = _l("Мероприятие")
    # Worked by its organiser and the programme's coordinating body (copied from the programme);
    # seen by the staff of its district and of the bodies on the organising committee.
    __scope__ = Scope(
        bodies=("organiser_body", "coordinator_body"),
        districts=(read_only("district"),),
        body_collections=(read_only("committee_bodies"),),
    )
    __table_args__ = (
        *current_indexes(
            "ix_events_event_current",
            (
                ("starts_at", ("starts_at", "id")),
                ("days", ("start_date", "end_date", "id")),
                ("end_date", ("end_date", "id")),
                ("organiser", ("organiser_body_id", "start_date", "id")),
                ("coordinator", ("coordinator_body_id", "start_date", "id")),
                ("district", ("district_id", "start_date", "id")),
                ("status", ("status", "end_date", "id")),
                ("programme", ("programme_id", "start_date", "id")),
            ),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("events_programme.id"), index=True)
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    #: Naive UTC, typed and shown in local time.
    starts_at: Mapped[dt.datetime] = mapped_column(DateTime)
    #: Optional to type (no end: the event ends when it starts); the services always fill it.
    ends_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    #: The local calendar days the event covers (kept by the model from starts_at / ends_at).
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    place: Mapped[str | None] = mapped_column(String(500))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("org_district.id"), index=True)
    #: A body of the administration, or an outside organisation by name (one of the two).
    organiser_body_id: Mapped[int | None] = mapped_column(ForeignKey("org_body.id"), index=True)
    organiser_name: Mapped[str | None] = mapped_column(String(255))
    #: The programme's coordinating body, copied (the row scope of its staff).
    coordinator_body_id: Mapped[int] = mapped_column(ForeignKey("org_body.id"), index=True)
    responsible_person: Mapped[str | None] = mapped_column(String(255))
    planned_format: Mapped[str] = mapped_column(String(16), default=EventFormat.IN_PERSON.value, info={"code": True})
    actual_format: Mapped[str | None] = mapped_column(String(16), info={"code": True})
    status: Mapped[str] = mapped_column(String(16), default=EventStatus.PLANNED.value, info={"code": True})
    #: The start it had before it was last postponed.
    postponed_from: Mapped[dt.datetime | None] = mapped_column(DateTime)
    #: Why the format, the date or the plan changed (e.g. epidemic restrictions).
    change_reason: Mapped[str | None] = mapped_column(String(1000))
    participants_planned: Mapped[int | None] = mapped_column(Integer)
    participants_actual: Mapped[int | None] = mapped_column(Integer)

    programme: Mapped[EventProgramme] = relationship()
    district: Mapped[District | None] = relationship(foreign_keys=[district_id])
    organiser_body: Mapped[Body | None] = relationship(foreign_keys=[organiser_body_id])
    coordinator_body: Mapped[Body] = relationship(foreign_keys=[coordinator_body_id])
    committee_bodies: Mapped[list[Body]] = relationship(secondary=event_committee_body, order_by=Body.name)

    def __repr__(self) -> str:
        return self.title

    @hybrid_property
    def format_changed(self) -> bool:
        """Held in another format than planned: derived, never typed (statistics count it in SQL)."""
        return self.actual_format is not None and self.actual_format != self.planned_format

    @format_changed.inplace.expression
    @classmethod
    def _format_changed_expression(cls) -> Any:
        return and_(cls.actual_format.is_not(None), cls.actual_format != cls.planned_format)

    @property
    def organiser(self) -> str:
        """The organiser as people name it: the body, or the outside organisation."""
        if self.organiser_body is not None:
            return str(self.organiser_body)
        return self.organiser_name or ""

    @property
    def awaits_outcome(self) -> bool:
        return self.status in AWAITING_OUTCOME


@event.listens_for(Event, "before_insert")
@event.listens_for(Event, "before_update")
def _keep_local_days(_mapper: Any, _connection: Any, item: Event) -> None:
    item.start_date, item.end_date = local_days(item.starts_at, item.ends_at)


def local_days(starts_at: dt.datetime | None, ends_at: dt.datetime | None) -> tuple[Any, Any]:
    """The local calendar days of a stored (naive UTC) start and end."""
    start = to_local(starts_at)
    end = to_local(ends_at or starts_at)
    return (start.date() if start else None), (end.date() if end else None)


class TitleCampaign(AnnulableMixin, VersionedMixin, Model):
    """A campaign for a federal honorary title (e.g. «Город трудовой доблести», granted on 2 July 2020)."""

    __tablename__ = "events_title_campaign"
    __label__ = _l("Кампания по присвоению почётного звания")
    __scope__ = Scope(bodies=("coordinator_body",))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(500))
    honorary_title: Mapped[str] = mapped_column(String(255))
    started_on: Mapped[dt.date] = mapped_column(Date)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    granted_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=CampaignStatus.COLLECTING.value, info={"code": True})
    coordinator_body_id: Mapped[int] = mapped_column(ForeignKey("org_body.id"), index=True)
    note: Mapped[str | None] = mapped_column(Text)

    coordinator_body: Mapped[Body] = relationship(foreign_keys=[coordinator_body_id])

    def __repr__(self) -> str:
        return self.name


class LinkableIncomingDocumentsFilter(IncomingDocumentsFilter):
    """A petition's letter: a current incoming document, for who reads the control registry's documents."""

    name = "Linkable incoming documents"
    arg_name = "linkableincoming"
    resource = "ControlDocument"

    def apply(self, query: Any, value: Any) -> Any:
        return ReadableFilter.apply(self, super().apply(query, value), value)


class TitlePetition(AnnulableMixin, VersionedMixin, Model):
    """A petition backing the city's bid for the title: from a resident (a citizen's appeal under 59-ФЗ,
    registered as a proposal in the appeals register) or from an organisation (an incoming letter).

    A resident's petition links to the appeal registered for it (`appeal`). An organisation's
    petition links to its registered incoming document in the control registry (`incoming_document`,
    a declared link: events imports control). The typed number and date (`incoming_number`,
    `incoming_date`) stay for petitions recorded before the registry (legacy rows, imports); with a
    document linked they mirror its registration number and date (the services copy them).
    """

    __tablename__ = "events_title_petition"
    __label__ = _l("Обращение в поддержку присвоения звания")
    __scope__ = Scope(parent="campaign")
    # Only a current incoming document, and only one the user sees (the target's row scope).
    __links__ = {"incoming_document": LinkRule(LinkableIncomingDocumentsFilter)}
    __personal__ = (
        "applicant_last_name",
        "applicant_first_name",
        "applicant_patronymic",
        "applicant_address",
    )
    #: Scans of the letters.
    __attachments__ = True
    __table_args__ = (
        current_index("ix_events_title_petition_current_received", "received_on", "id"),
        current_index("ix_events_title_petition_current_type", "applicant_type", "received_on", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("events_title_campaign.id"), index=True)
    applicant_type: Mapped[str] = mapped_column(String(16), info={"code": True})
    #: A resident (personal data, 152-ФЗ).
    applicant_last_name: Mapped[str | None] = mapped_column(String(100))
    applicant_first_name: Mapped[str | None] = mapped_column(String(100))
    applicant_patronymic: Mapped[str | None] = mapped_column(String(100))
    applicant_address: Mapped[str | None] = mapped_column(String(500))
    #: An organisation (an enterprise, a veterans' council, a school…).
    organisation_name: Mapped[str | None] = mapped_column(String(500))
    received_on: Mapped[dt.date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(String(1000))
    status: Mapped[str] = mapped_column(String(16), default=PetitionStatus.RECEIVED.value, info={"code": True})
    #: A resident's petition: the appeal registered for it (answered by the appeals rules).
    appeal_id: Mapped[int | None] = mapped_column(ForeignKey("appeals_appeal.id"), index=True)
    #: An organisation's petition: its incoming letter, as typed until the control registry links it.
    incoming_number: Mapped[str | None] = mapped_column(String(64))
    incoming_date: Mapped[dt.date | None] = mapped_column(Date, info={"date_window": AFTER_RECEIPT})
    #: An organisation's petition: its registered incoming document (control registry).
    incoming_document_id: Mapped[int | None] = mapped_column(ForeignKey("control_document.id"), index=True)

    campaign: Mapped[TitleCampaign] = relationship()
    appeal: Mapped[Appeal | None] = relationship(foreign_keys=[appeal_id])
    incoming_document: Mapped[Document | None] = relationship(foreign_keys=[incoming_document_id])

    def __repr__(self) -> str:
        day = f"{self.received_on:%d.%m.%Y}" if self.received_on else ""
        kind = APPLICANT_LABELS.get(self.applicant_type, "")
        return f"{kind}, {day}: {(self.summary or '')[:60]}"
