"""Rules and state changes of programmes, their committee, events and title petitions. Flush, never commit.

The forms and the REST API run the same checks through the `*_HOOKS` declared at the bottom; scripts,
the demo, the import and the tests call the `verb_noun` functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select

from ..appeals.models import Appeal, QuestionType
from ..appeals.reference.models import Channel
from ..appeals.services import QuestionInput, register_appeal
from ..control.models import Direction, Document
from ..core.dates import local_today, to_local
from ..core.errors import ConflictError, ValidationFailed
from ..core.inputs import check_date
from ..core.services import DomainHooks
from ..extensions import db
from ..org.models import Body, District
from .models import (
    AWAITING_OUTCOME,
    STATUS_LABELS,
    ApplicantType,
    CampaignStatus,
    CommitteeMember,
    CommitteeRole,
    Event,
    EventFormat,
    EventProgramme,
    EventStatus,
    PetitionStatus,
    TitleCampaign,
    TitlePetition,
    local_days,
)

#: A resident's petition is registered as a written appeal…
PETITION_CHANNEL = "letter"
#: …with one question, a proposal, under «Почётные звания» of the federal classifier.
PETITION_CLASSIFIER_CODE = "0001.0001.0018.0056"
#: The committee is listed chair first, then deputies, the secretary and the members.
ROLE_ORDER = {
    CommitteeRole.CHAIR.value: 0,
    CommitteeRole.DEPUTY_CHAIR.value: 1,
    CommitteeRole.SECRETARY.value: 2,
    CommitteeRole.MEMBER.value: 3,
}
FORMATS = {f.value for f in EventFormat}
STATUSES = {s.value for s in EventStatus}


def _blank(value: str | None) -> bool:
    return not (value or "").strip()


# ---- programmes ---------------------------------------------------------------------------------


def check_programme(programme: EventProgramme) -> EventProgramme:
    """A name, a year and a coordinating body."""
    if _blank(programme.name):
        raise ValidationFailed(_l("Укажите название программы"), field="name")
    if programme.year is None or not 1990 <= programme.year <= local_today().year + 5:
        raise ValidationFailed(_l("Укажите год программы (с 1990 года)"), field="year")
    if programme.coordinator_body is None and programme.coordinator_body_id is None:
        raise ValidationFailed(_l("Укажите орган, координирующий программу"), field="coordinator_body")
    check_date(programme, "approved_on", programme.approved_on)
    return programme


def create_programme(*, name: str, year: int, coordinator_body: Body, **fields: Any) -> EventProgramme:
    """A new programme of events (its committee and events are added to it)."""
    programme = EventProgramme(name=name, year=year, coordinator_body=coordinator_body, **fields)
    with db.session.no_autoflush:
        check_programme(programme)
    db.session.add(programme)
    db.session.flush()
    return programme


def recopy_programme(programme: EventProgramme) -> EventProgramme:
    """The programme's coordinating body changed: its events carry the new one (their row scope)."""
    if not sa_inspect(programme).persistent:
        return programme
    if not (_changed(programme, "coordinator_body_id") or _changed(programme, "coordinator_body")):
        return programme
    body_id = programme.coordinator_body.id if programme.coordinator_body else programme.coordinator_body_id
    with db.session.no_autoflush:
        for item in db.session.scalars(select(Event).where(Event.programme_id == programme.id)):
            item.coordinator_body_id = body_id
    return programme


# ---- the organising committee -------------------------------------------------------------------


def check_member(member: CommitteeMember) -> CommitteeMember:
    """A name, a known role, the act that included the member; an exclusion needs its act and date."""
    if member.programme is None and member.programme_id is None:
        raise ValidationFailed(_l("Укажите программу"), field="programme")
    if _blank(member.person_name):
        raise ValidationFailed(_l("Укажите фамилию, имя и отчество"), field="person_name")
    if member.role not in ROLE_ORDER:
        raise ValidationFailed(_l("Неизвестная роль в оргкомитете"), field="role")
    if member.included_on is None or _blank(member.included_by):
        raise ValidationFailed(_l("Укажите акт о включении в состав и его дату"), field="included_by")
    check_date(member, "included_on", member.included_on)
    if (member.excluded_on is None) != _blank(member.excluded_by):
        raise ValidationFailed(_l("Для исключения из состава укажите и акт, и дату"), field="excluded_by")
    if member.excluded_on is not None and member.excluded_on <= member.included_on:
        raise ValidationFailed(_l("Дата исключения должна быть позже даты включения"), field="excluded_on")
    check_date(member, "excluded_on", member.excluded_on)
    return member


def _programme_of(member: CommitteeMember) -> EventProgramme:
    programme = member.programme or db.session.get(EventProgramme, member.programme_id)
    if programme is None:
        raise ValidationFailed(_l("Укажите программу"), field="programme")
    return programme


def save_member(member: CommitteeMember) -> CommitteeMember:
    """Check a member (new or changed) and copy the committee's bodies onto the programme's events."""
    check_member(member)
    programme = _programme_of(member)
    member.programme = programme
    sync_committee_bodies(programme)
    return member


def add_member(
    programme: EventProgramme,
    *,
    person_name: str,
    included_on: dt.date,
    included_by: str,
    role: str = CommitteeRole.MEMBER.value,
    position: str | None = None,
    body: Body | None = None,
    sort_order: int = 100,
) -> CommitteeMember:
    """Put a person on the organising committee by an act, from its date."""
    member = CommitteeMember(
        person_name=person_name,
        position=position,
        body=body,
        role=role,
        included_on=included_on,
        included_by=included_by,
        sort_order=sort_order,
    )
    with db.session.no_autoflush:
        member.programme = programme
        save_member(member)
    db.session.add(member)
    db.session.flush()
    return member


def exclude_member(member: CommitteeMember, excluded_on: dt.date, excluded_by: str) -> CommitteeMember:
    """Take a member off the committee by an act: he stays in the composition of the days before it."""
    if member.excluded_on is not None:
        raise ConflictError(_l("Член оргкомитета уже исключён из состава"))
    member.excluded_on, member.excluded_by = excluded_on, excluded_by
    with db.session.no_autoflush:
        save_member(member)
    db.session.flush()
    return member


def _on(member: CommitteeMember, day: dt.date) -> bool:
    return member.included_on <= day and (member.excluded_on is None or day < member.excluded_on)


def _ordered(members: Iterable[CommitteeMember]) -> list[CommitteeMember]:
    return sorted(members, key=lambda m: (ROLE_ORDER.get(m.role, 9), m.sort_order, m.person_name))


def committee_on(programme: EventProgramme, day: dt.date) -> list[CommitteeMember]:
    """Who was on the organising committee on `day`: chair first, then deputies, secretary, members."""
    return _ordered(m for m in programme.committee_members if _on(m, day))


def sync_committee_bodies(programme: EventProgramme, events: Sequence[Event] | None = None) -> None:
    """Copy onto each event the bodies of the committee as composed on the event's first day.

    Reads the members as they stand in this unit of work (a member being added is already in the
    programme's list), so a form's new member counts before it is flushed.
    """
    members = list(programme.committee_members)
    if events is None:
        with db.session.no_autoflush:
            events = (
                list(db.session.scalars(select(Event).where(Event.programme_id == programme.id)))
                if programme.id is not None
                else []
            )
    bodies = {m.body.id: m.body for m in members if m.body is not None}
    for item in events:
        day = item.start_date or local_days(item.starts_at, item.ends_at)[0]
        wanted = {m.body.id for m in members if m.body is not None and day is not None and _on(m, day)}
        current = {b.id for b in item.committee_bodies}
        if wanted != current:
            item.committee_bodies = sorted((bodies[i] for i in wanted), key=lambda b: b.name)


# ---- events -------------------------------------------------------------------------------------


def _previous(item: Any, attr: str) -> Any:
    """The stored value of an attribute before this unit of work changed it (None for a new row)."""
    state = sa_inspect(item)
    if state.transient or state.pending:
        return None
    history = state.attrs[attr].history
    if history.deleted:
        return history.deleted[0]
    return history.unchanged[0] if history.unchanged else None


def _changed(item: Any, attr: str) -> bool:
    state = sa_inspect(item)
    return state.transient or state.pending or state.attrs[attr].history.has_changes()


def prepare_event(item: Event) -> Event:
    """A new event: in its programme's plan, worked by the programme's coordinating body too."""
    if item.programme is None:
        if item.programme_id is None:
            raise ValidationFailed(_l("Укажите программу мероприятий"), field="programme")
        item.programme = db.session.get(EventProgramme, item.programme_id)
    item.status = item.status or EventStatus.PLANNED.value
    return item


def check_event(item: Event) -> Event:
    """Every write of an event (form, REST, import, services): dates, organiser, formats and status agree.

    - the end is not before the start (no end: the event ends when it starts);
    - the organiser is a body of the administration or an outside organisation — one of the two;
    - the actual format and participants are an outcome: only a held event has them, and only once
      it has started; a held event has its actual format;
    - a change of format, a postponement and a cancellation say why;
    - a postponement moves the start; the start it had is kept (`postponed_from`).
    The programme's coordinating body and the committee's bodies are copied onto the event.
    """
    if item.programme is None and item.programme_id is not None:
        item.programme = db.session.get(EventProgramme, item.programme_id)
    if item.programme is None:
        raise ValidationFailed(_l("Укажите программу мероприятий"), field="programme")
    if _blank(item.title):
        raise ValidationFailed(_l("Укажите название мероприятия"), field="title")
    if item.starts_at is None:
        raise ValidationFailed(_l("Укажите дату и время начала"), field="starts_at")
    item.ends_at = item.ends_at or item.starts_at
    if item.ends_at < item.starts_at:
        raise ValidationFailed(_l("Окончание раньше начала мероприятия"), field="ends_at")
    check_date(item, "starts_at", item.starts_at)
    check_date(item, "ends_at", item.ends_at)
    has_body = item.organiser_body is not None or item.organiser_body_id is not None
    if has_body and not _blank(item.organiser_name):
        raise ValidationFailed(
            _l("Укажите организатора один раз: орган администрации или стороннюю организацию"), field="organiser_name"
        )
    if not has_body and _blank(item.organiser_name):
        raise ValidationFailed(
            _l("Укажите организатора: орган администрации или стороннюю организацию"), field="organiser_body"
        )
    if item.planned_format not in FORMATS:
        raise ValidationFailed(_l("Укажите планируемый формат проведения"), field="planned_format")
    if item.actual_format is not None and item.actual_format not in FORMATS:
        raise ValidationFailed(_l("Неизвестный формат проведения"), field="actual_format")
    if item.status not in STATUSES:
        raise ValidationFailed(_l("Неизвестный статус мероприятия"), field="status")
    for field in ("participants_planned", "participants_actual"):
        if (getattr(item, field) or 0) < 0:
            raise ValidationFailed(_l("Число участников не может быть отрицательным"), field=field)
    _check_outcome(item)
    item.coordinator_body = item.programme.coordinator_body
    item.start_date, item.end_date = local_days(item.starts_at, item.ends_at)
    if _changed(item, "starts_at") or _changed(item, "programme_id") or _changed(item, "programme"):
        sync_committee_bodies(item.programme, [item])
    return item


def _check_outcome(item: Event) -> None:
    held = item.status == EventStatus.HELD.value
    if not held and (item.actual_format is not None or item.participants_actual is not None):
        raise ValidationFailed(
            _l("Фактический формат и число участников указываются для проведённого мероприятия"),
            field="actual_format",
        )
    if held:
        if item.actual_format is None:
            raise ValidationFailed(_l("Укажите, в каком формате мероприятие проведено"), field="actual_format")
        if to_local(item.starts_at).date() > local_today():
            raise ValidationFailed(_l("Мероприятие ещё не началось: отметить его проведённым нельзя"), field="status")
    moved = item.status in (EventStatus.POSTPONED.value, EventStatus.CANCELLED.value)
    if (moved or (held and item.format_changed)) and _blank(item.change_reason):
        what = STATUS_LABELS[item.status] if not held else _l("Формат изменён")
        raise ValidationFailed(_l("%(what)s: укажите причину изменения", what=str(what)), field="change_reason")
    if item.status == EventStatus.POSTPONED.value and _changed(item, "status"):
        before = _previous(item, "starts_at")
        if before is None or before == item.starts_at:
            raise ValidationFailed(_l("Мероприятие переносится: укажите новую дату начала"), field="starts_at")
        # The start it was planned for: a second postponement keeps the first one's.
        item.postponed_from = item.postponed_from or before


def add_event(
    programme: EventProgramme,
    *,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime | None = None,
    planned_format: str = EventFormat.IN_PERSON.value,
    organiser_body: Body | None = None,
    organiser_name: str | None = None,
    district: District | None = None,
    **fields: Any,
) -> Event:
    """Put an event into a programme (times are naive UTC, as stored)."""
    item = Event(
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        planned_format=planned_format,
        organiser_body=organiser_body,
        organiser_name=organiser_name,
        district=district,
        **fields,
    )
    with db.session.no_autoflush:
        item.programme = programme
        prepare_event(item)
        check_event(item)
    db.session.add(item)
    db.session.flush()
    return item


def _require_outcome_pending(item: Event, action: Any) -> None:
    if item.annulled_at is not None or item.status not in (*AWAITING_OUTCOME, EventStatus.HELD.value):
        raise ConflictError(
            _l("Действие «%(action)s» недоступно для мероприятия в статусе «%(status)s»"),
            action=str(action),
            status=str(STATUS_LABELS.get(item.status, item.status)) if item.annulled_at is None else "аннулировано",
        )


def mark_held(
    item: Event, *, actual_format: str, participants_actual: int | None = None, reason: str | None = None
) -> Event:
    """The event took place: in which format (another than planned needs a reason) and with how many people."""
    _require_outcome_pending(item, _l("Отметить проведение"))
    item.status = EventStatus.HELD.value
    item.actual_format = actual_format
    item.participants_actual = participants_actual
    if reason is not None:
        item.change_reason = reason.strip() or None
    with db.session.no_autoflush:
        check_event(item)
    db.session.flush()
    return item


def postpone_event(item: Event, *, starts_at: dt.datetime, reason: str, ends_at: dt.datetime | None = None) -> Event:
    """Move the event to a new date (the old start is kept); it still waits for its outcome."""
    if item.annulled_at is not None or item.status not in AWAITING_OUTCOME:
        raise ConflictError(
            _l("Действие «%(action)s» недоступно для мероприятия в статусе «%(status)s»"),
            action=str(_l("Перенести")),
            status=str(STATUS_LABELS.get(item.status, item.status)),
        )
    length = item.ends_at - item.starts_at
    item.starts_at = starts_at
    item.ends_at = ends_at or starts_at + length
    item.status = EventStatus.POSTPONED.value
    item.change_reason = (reason or "").strip() or None
    with db.session.no_autoflush:
        check_event(item)
    db.session.flush()
    return item


def cancel_event(item: Event, reason: str) -> Event:
    """The event will not take place (a reason is required)."""
    if item.annulled_at is not None or item.status not in AWAITING_OUTCOME:
        raise ConflictError(
            _l("Действие «%(action)s» недоступно для мероприятия в статусе «%(status)s»"),
            action=str(_l("Отменить")),
            status=str(STATUS_LABELS.get(item.status, item.status)),
        )
    item.status = EventStatus.CANCELLED.value
    item.change_reason = (reason or "").strip() or None
    with db.session.no_autoflush:
        check_event(item)
    db.session.flush()
    return item


# ---- the title campaign and its petitions -------------------------------------------------------


def check_campaign(campaign: TitleCampaign) -> TitleCampaign:
    """A name, the title sought, a start; the end and the grant come after the start."""
    if _blank(campaign.name):
        raise ValidationFailed(_l("Укажите название кампании"), field="name")
    if _blank(campaign.honorary_title):
        raise ValidationFailed(_l("Укажите почётное звание"), field="honorary_title")
    if campaign.started_on is None:
        raise ValidationFailed(_l("Укажите дату начала кампании"), field="started_on")
    if campaign.coordinator_body is None and campaign.coordinator_body_id is None:
        raise ValidationFailed(_l("Укажите орган, ведущий кампанию"), field="coordinator_body")
    if campaign.status not in {s.value for s in CampaignStatus}:
        raise ValidationFailed(_l("Неизвестный статус кампании"), field="status")
    for field in ("ended_on", "granted_on"):
        day = getattr(campaign, field)
        check_date(campaign, field, day)
        if day is not None and day < campaign.started_on:
            raise ValidationFailed(_l("Дата не может быть раньше начала кампании"), field=field)
    if campaign.granted_on is not None and campaign.status != CampaignStatus.GRANTED.value:
        raise ValidationFailed(_l("Дата присвоения указывается, когда звание присвоено"), field="granted_on")
    return campaign


def prepare_campaign(campaign: TitleCampaign) -> TitleCampaign:
    """A new campaign collects petitions (the column's default comes only at insert, after the check)."""
    campaign.status = campaign.status or CampaignStatus.COLLECTING.value
    return campaign


def create_campaign(
    *, name: str, honorary_title: str, started_on: dt.date, coordinator_body: Body, **fields: Any
) -> TitleCampaign:
    """A campaign for an honorary title."""
    campaign = TitleCampaign(
        name=name, honorary_title=honorary_title, started_on=started_on, coordinator_body=coordinator_body, **fields
    )
    prepare_campaign(campaign)
    with db.session.no_autoflush:
        check_campaign(campaign)
    db.session.add(campaign)
    db.session.flush()
    return campaign


RESIDENT_FIELDS = ("applicant_last_name", "applicant_first_name", "applicant_patronymic", "applicant_address")


def _take_incoming_document(petition: TitlePetition) -> None:
    """An organisation's letter registered in the control registry: a current incoming document, whose
    registration number and date the petition's typed fields then mirror (legacy rows keep what was typed)."""
    document = petition.incoming_document
    if document is None and petition.incoming_document_id is not None:
        document = db.session.get(Document, petition.incoming_document_id)
    if document is None:
        return
    if document.direction != Direction.INCOMING.value:
        raise ValidationFailed(
            _l("Документ %(number)s не входящий: укажите входящий документ"),
            field="incoming_document",
            number=document.reg_number,
        )
    if document.annulled_at is not None:
        raise ValidationFailed(
            _l("Документ %(number)s аннулирован"), field="incoming_document", number=document.reg_number
        )
    petition.incoming_number = document.reg_number
    petition.incoming_date = document.reg_date


def link_incoming_document(petition: TitlePetition, document: Document | None) -> TitlePetition:
    """Link an organisation's petition to its registered incoming document (None: unlink)."""
    petition.incoming_document = document
    check_petition(petition)
    db.session.flush()
    return petition


def check_petition(petition: TitlePetition) -> TitlePetition:
    """A resident names himself (his name is personal data); an organisation names itself; a date and a summary.

    The status follows the petition's registration: a linked appeal (a resident) or an incoming
    letter's number (an organisation) makes it registered.
    """
    if petition.campaign is None and petition.campaign_id is None:
        raise ValidationFailed(_l("Укажите кампанию"), field="campaign")
    if petition.applicant_type == ApplicantType.RESIDENT.value:
        if _blank(petition.applicant_last_name):
            raise ValidationFailed(_l("Укажите фамилию жителя"), field="applicant_last_name")
        if not _blank(petition.organisation_name):
            raise ValidationFailed(_l("Обращение жителя: организацию не указывают"), field="organisation_name")
        if not _blank(petition.incoming_number):
            raise ValidationFailed(
                _l("Обращение жителя регистрируется как обращение гражданина, а не входящим письмом"),
                field="incoming_number",
            )
        if petition.incoming_document is not None or petition.incoming_document_id is not None:
            raise ValidationFailed(
                _l("Обращение жителя регистрируется как обращение гражданина, а не входящим документом"),
                field="incoming_document",
            )
    elif petition.applicant_type == ApplicantType.ORGANISATION.value:
        if _blank(petition.organisation_name):
            raise ValidationFailed(_l("Укажите организацию"), field="organisation_name")
        if any(not _blank(getattr(petition, f)) for f in RESIDENT_FIELDS):
            raise ValidationFailed(
                _l("Обращение организации: фамилию и адрес жителя не указывают"), field="applicant_last_name"
            )
        if petition.appeal is not None or petition.appeal_id is not None:
            raise ValidationFailed(_l("С обращением гражданина связывается только обращение жителя"), field="appeal")
    else:
        raise ValidationFailed(_l("Укажите, от кого обращение: от жителя или от организации"), field="applicant_type")
    if petition.received_on is None:
        raise ValidationFailed(_l("Укажите дату поступления"), field="received_on")
    _take_incoming_document(petition)
    check_date(petition, "received_on", petition.received_on)
    check_date(petition, "incoming_date", petition.incoming_date)
    if _blank(petition.summary):
        raise ValidationFailed(_l("Укажите краткое содержание"), field="summary")
    registered = petition.appeal is not None or petition.appeal_id is not None or not _blank(petition.incoming_number)
    if petition.status in (None, PetitionStatus.RECEIVED.value) and registered:
        petition.status = PetitionStatus.REGISTERED.value
    if petition.status == PetitionStatus.INCLUDED.value and not registered:
        raise ValidationFailed(_l("В заявку включается зарегистрированное обращение"), field="status")
    if petition.status not in {s.value for s in PetitionStatus}:
        raise ValidationFailed(_l("Неизвестный статус обращения"), field="status")
    return petition


def add_petition(
    campaign: TitleCampaign, *, applicant_type: str, received_on: dt.date, summary: str, **fields: Any
) -> TitlePetition:
    """Record a petition of a resident or an organisation."""
    petition = TitlePetition(applicant_type=applicant_type, received_on=received_on, summary=summary, **fields)
    petition.status = petition.status or PetitionStatus.RECEIVED.value
    with db.session.no_autoflush:
        petition.campaign = campaign
        check_petition(petition)
    db.session.add(petition)
    db.session.flush()
    return petition


def register_petition_appeal(petition: TitlePetition, reg_date: dt.date | None = None) -> Appeal:
    """A resident's petition is a citizen's appeal (59-ФЗ): register it as a proposal and link it.

    The appeal is received on the petition's date by the campaign's body, carries the resident and one
    question (a proposal under «Почётные звания»), and from then on is answered by the appeals rules.
    """
    if petition.annulled_at is not None:
        raise ConflictError(_l("Обращение аннулировано"))
    if petition.applicant_type != ApplicantType.RESIDENT.value:
        raise ConflictError(_l("Обращение организации регистрируется входящим письмом, а не обращением гражданина"))
    if petition.appeal_id is not None or petition.appeal is not None:
        raise ConflictError(_l("Обращение гражданина по этому обращению уже зарегистрировано"))
    channel = db.session.scalar(select(Channel).where(Channel.code == PETITION_CHANNEL))
    if channel is None:
        raise ConflictError(_l("Нет канала поступления «Письменное обращение»: загрузите справочники"))
    appeal = register_appeal(
        channel=channel,
        received_date=petition.received_on,
        reg_date=reg_date,
        summary=petition.summary.strip()[:1000],
        receiving_body=petition.campaign.coordinator_body,
        questions=[QuestionInput(PETITION_CLASSIFIER_CODE, QuestionType.PROPOSAL.value, petition.summary)],
        applicant_last_name=petition.applicant_last_name,
        applicant_first_name=petition.applicant_first_name,
        applicant_patronymic=petition.applicant_patronymic,
        applicant_address=petition.applicant_address,
    )
    petition.appeal = appeal
    if petition.status == PetitionStatus.RECEIVED.value:
        petition.status = PetitionStatus.REGISTERED.value
    db.session.flush()
    return appeal


def include_petition(petition: TitlePetition) -> TitlePetition:
    """The petition goes into the city's application for the title (once registered)."""
    if petition.annulled_at is not None:
        raise ConflictError(_l("Обращение аннулировано"))
    if petition.status == PetitionStatus.INCLUDED.value:
        raise ConflictError(_l("Обращение уже включено в заявку"))
    petition.status = PetitionStatus.INCLUDED.value
    with db.session.no_autoflush:
        check_petition(petition)
    db.session.flush()
    return petition


PROGRAMME_HOOKS = DomainHooks(check=lambda programme: recopy_programme(check_programme(programme)))
MEMBER_HOOKS = DomainHooks(check=save_member)
EVENT_HOOKS = DomainHooks(prepare_new=prepare_event, check=check_event)
CAMPAIGN_HOOKS = DomainHooks(prepare_new=prepare_campaign, check=check_campaign)
PETITION_HOOKS = DomainHooks(check=check_petition)
