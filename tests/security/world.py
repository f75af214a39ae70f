"""A small world for the security tests: one row of every kind, in several scopes.

Built through the services on the restored demo database, so every record is what
the real workflow writes. Its appeals and receptions sit in the Заводской district
administration (and, for the appeal, with the housing department responsible) and
in the Центральный district; files hang off the appeals and a reception (models that
declare `__attachments__`), generated documents off the officials' profiles.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from sqlalchemy import select

from app.appeals.models import Appeal
from app.appeals.receptions import Reception, ReceptionFormat, ReceptionVisit, add_visit
from app.appeals.reference.models import Channel
from app.appeals.services import QuestionInput, register_appeal, request_documents, send_copies
from app.core.attachments.models import AttachmentKind
from app.core.attachments.services import add_attachment
from app.core.documents.services import generate_document
from app.core.models import ExportLog
from app.core.pii_log import record_personal_access
from app.extensions import db
from app.org.models import BodyFormerName, Official
from app.org.services import body_by_code
from tests.events.world import build_events_world
from tests.security.world_housing import build_housing

HOUSING = "0005.0005.0055.1122"  # a level-4 question of the shipped classifier
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class World:
    """Ids of the rows built, by name."""

    ids: dict[str, int] = field(default_factory=dict)

    def __getitem__(self, name: str) -> int:
        return self.ids[name]


def _appeal(receiving: str, responsible: str | None, last_name: str) -> Appeal:
    return register_appeal(
        channel=db.session.scalar(select(Channel).where(Channel.code == "letter")),
        received_date=dt.date(2025, 3, 3),
        reg_date=dt.date(2025, 3, 3),
        summary="Переселение из аварийного дома",
        receiving_body=body_by_code(receiving),
        responsible_body=body_by_code(responsible) if responsible else None,
        questions=[QuestionInput(HOUSING, text="Когда расселят дом?")],
        applicant_last_name=last_name,
        applicant_first_name="Пётр",
        applicant_address="г. Новокузнецк, ул. Кирова, 1",
        applicant_phone="+7 905 000-11-22",
    )


def appeal_in(body: str, last_name: str = "Петров") -> Appeal:
    """An appeal received and answered by one body (by its code), with personal data."""
    return _appeal(body, None, last_name)


def _reception(app: Flask, body: str) -> Reception:
    reception = Reception(
        official=app.appbuilder.sm.find_user(username="deputy"),
        body=body_by_code(body),
        date=dt.date(2025, 3, 3),
        time_from="10:00",
        place="ул. Франкфурта, 9, каб. 5",
        format=ReceptionFormat.OFFICE.value,
    )
    db.session.add(reception)
    db.session.flush()
    return reception


def build_world(app: Flask, officials: tuple[str, ...] | None = None) -> World:
    """Create the rows (the caller's app has UPRAVA_FILES_DIR pointing at a temporary folder).

    `officials`: whose profiles get a generated document and a file (default: every demo user's).
    """
    world = World()
    with app.app_context():
        admin = app.appbuilder.sm.find_user(username="admin")
        # Received by the Заводской district, answered by the housing department (uzhil).
        own = _appeal("district-zavodskoy", "uzhil", "Петров")
        # Received and answered by the Центральный district: nobody of Заводской or uzhil sees it.
        foreign = _appeal("district-central", None, "Сидоров")
        for name, appeal in (("appeal", own), ("foreign_appeal", foreign)):
            world.ids[name] = appeal.id
            world.ids[name.replace("appeal", "question")] = appeal.questions[0].id
            request = request_documents(appeal, "Управление Росреестра", "Выписка ЕГРН", dt.date(2025, 3, 4))
            world.ids[name.replace("appeal", "document_request")] = request.id
            world.ids[name.replace("appeal", "copy")] = send_copies(
                appeal, [body_by_code("kumi")], dt.date(2025, 3, 4)
            )[0].id
            attachment = add_attachment(appeal, io.BytesIO(PDF), "Скан.pdf", user=admin, kind=AttachmentKind.SCAN)
            world.ids[name.replace("appeal", "attachment")] = attachment.id
        # Received by the appeals department and answered by УДКХиБ: its body staff (BodyClerk) work it.
        udkh = _appeal("appeals", "udkh", "Кузьмин")
        world.ids["udkh_appeal"] = udkh.id
        world.ids["udkh_attachment"] = add_attachment(
            udkh, io.BytesIO(PDF), "Скан.pdf", user=admin, kind=AttachmentKind.SCAN
        ).id
        request_documents(udkh, "Управление Росреестра", "Выписка ЕГРН", dt.date(2025, 3, 4))
        send_copies(udkh, [body_by_code("kumi")], dt.date(2025, 3, 4))
        receptions = (
            ("reception", "district-zavodskoy"),
            ("uzhil_reception", "uzhil"),
            ("udkh_reception", "udkh"),
            ("foreign_reception", "district-central"),
        )
        for name, body in receptions:
            reception = _reception(app, body)
            world.ids[name] = reception.id
            visit = add_visit(
                reception,
                visitor_last_name="Орлова",
                visitor_first_name="Анна",
                visitor_phone="+7 905 333-44-55",
                classifier_code=HOUSING,
                questions="Ремонт крыши",
            )
            world.ids[name.replace("reception", "visit")] = visit.id
        # A body renamed once: its former name (the body card's «Прежние названия»).
        former = BodyFormerName(body=body_by_code("udkh"), name="Управление дорожного хозяйства")
        db.session.add(former)
        db.session.flush()
        world.ids["former_name"] = former.id
        # Every demo user sees their own profile: a document and a file of their own to open.
        for official in db.session.scalars(select(Official).order_by(Official.id)):
            username = official.user.username
            if officials is not None and username not in officials:
                continue
            world.ids[f"official_{username}"] = official.id
            world.ids[f"document_{username}"] = generate_document("org_official_card", official, admin).id
        # A file of a record without personal data (a reception's schedule): the Supervisor's register shows it.
        reception = db.session.get(Reception, world["reception"])
        world.ids["reception_attachment"] = add_attachment(reception, io.BytesIO(PDF), "График.pdf", user=admin).id
        visit = db.session.get(ReceptionVisit, world["visit"])
        world.ids["visit_attachment"] = add_attachment(visit, io.BytesIO(PDF), "Письмо посетителя.pdf", user=admin).id
        build_control(app, world, admin)
        _plans(world, admin)
        # Housing cases, decisions and flats of the Заводской and the Центральный districts.
        build_housing(world.ids, admin)
        world.ids["group"] = app.appbuilder.sm.add_group("clerks", "Специалисты", "Группа для проверки прав").id
        # Programmes, their committee, events, a campaign and petitions (tests/events/world.py).
        build_events_world(world.ids, admin, PDF)
        _link_holders(world)
        record_personal_access(db.session, admin, "show", Appeal, own.id)
        export = ExportLog(
            user_id=admin.id,
            view_name="AppealView",
            list_title="Обращения граждан",
            filter_description="",
            query_string="",
            file_format="csv",
            row_count=2,
            personal_data=False,
        )
        db.session.add(export)
        db.session.commit()
        world.ids["export_log"] = export.id
    return world


def build_control(app: Flask, world: World, admin: Any) -> None:
    """Control's rows: a letter and its instruction for the Заводской district (co-executed by the housing
    department, issued by the deputy head), the same for the Центральный district, and УДКХиБ's own; each
    instruction with an extension request and an execution report (a file on the Заводской one)."""
    from app.control.models import Correspondent, CorrespondentKind, Urgency
    from app.control.reference import kind_by_code
    from app.control.services import add_resolution, put_on_control, register_document, request_extension, submit_report

    sm = app.appbuilder.sm
    sender = Correspondent(kind=CorrespondentKind.HIGHER_BODY.value, name="Правительство Кузбасса")
    db.session.add(sender)
    for name, addressee, co_executor, issued_by in (
        ("", "district-zavodskoy", "uzhil", "deputy"),
        ("foreign_", "district-central", "kumi", None),
        ("udkh_", "udkh", None, "deputy"),
    ):
        document = register_document(
            direction="incoming",
            kind=kind_by_code("letter"),
            registering_body=body_by_code("docs"),
            addressee_body=body_by_code(addressee),
            correspondent=sender,
            summary="О подготовке к отопительному сезону",
            reg_date=dt.date(2025, 3, 3),
        )
        resolution = add_resolution(
            document, "Подготовить предложения", dt.date(2025, 3, 4), author_name="Глава города"
        )
        instruction = put_on_control(
            text="Подготовить предложения к отопительному сезону",
            responsible_body=body_by_code(addressee),
            co_executors=[body_by_code(co_executor)] if co_executor else [],
            controller=sm.find_user(username="control"),
            issued_by=sm.find_user(username=issued_by) if issued_by else None,
            issued_by_name=None if issued_by else "Глава города",
            # The Заводской instruction is the Head's order: its co-executor and executor (who do not see the
            # letters) attack the REST and form doors through it with a body of rows they see.
            document=document if name else None,
            resolution=resolution if name else None,
            issued_on=dt.date(2025, 3, 4),
            reg_date=dt.date(2025, 3, 4),
            urgency=Urgency.NONE,
            deadline=dt.date(2025, 4, 15),
        )
        extension = request_extension(
            instruction,
            dt.date(2025, 4, 30),
            "Нужны сведения управляющих компаний",
            admin,
            requested_on=dt.date(2025, 4, 1),
        )
        report = submit_report(
            instruction, "Предложения подготовлены", admin, kind="interim", submitted_on=dt.date(2025, 4, 2)
        )
        world.ids[f"{name}document"] = document.id
        world.ids[f"{name}resolution"] = resolution.id
        world.ids[f"{name}instruction"] = instruction.id
        world.ids[f"{name}extension"] = extension.id
        world.ids[f"{name}report"] = report.id
    world.ids["correspondent"] = sender.id
    # Letters addressed to the housing department and to the culture department (no instruction): the
    # registers those bodies work themselves.
    for body in ("uzhil", "culture"):
        letter = register_document(
            direction="incoming",
            kind=kind_by_code("letter"),
            registering_body=body_by_code("docs"),
            addressee_body=body_by_code(body),
            correspondent=sender,
            summary="О плане работы на год",
            reg_date=dt.date(2025, 3, 5),
        )
        world.ids[f"{body}_document"] = letter.id
        world.ids[f"{body}_resolution"] = add_resolution(
            letter, "Подготовить план", dt.date(2025, 3, 5), author_name="Глава города"
        ).id
    citizen = Correspondent(
        kind=CorrespondentKind.CITIZEN.value, citizen_name="Петров Иван Сергеевич", citizen_address="ул. Кирова, 1"
    )
    db.session.add(citizen)
    db.session.flush()
    world.ids["citizen_correspondent"] = citizen.id
    world.ids["document_attachment"] = add_attachment(
        db.session.get(type(document), world["document"]), io.BytesIO(PDF), "Письмо.pdf", user=admin
    ).id
    from app.control.models import ExecutionReport

    world.ids["report_attachment"] = add_attachment(
        db.session.get(ExecutionReport, world["report"]), io.BytesIO(PDF), "Отчёт.pdf", user=admin
    ).id


def _link_holders(world: World) -> None:
    """Rows the scope attackers' bodies own of the models holding declared links (a plan item's event, a
    petition's incoming document): each attacker attacks those links through a row of his own."""
    from app.events.models import ApplicantType
    from app.events.services import add_petition, create_campaign
    from app.plans.models import Plan
    from app.plans.reference import section_by_code
    from app.plans.services import add_item

    plan = db.session.get(Plan, world["plan"])
    for body in ("uzhil", "culture"):
        world.ids[f"{body}_plan_item"] = add_item(
            plan, section_by_code("city_events"), f"Мероприятие органа {body}", body_by_code(body), planned_month=6
        ).id
    for body in ("uzhil", "district-zavodskoy"):
        campaign = create_campaign(
            name=f"Кампания ({body})",
            honorary_title="Город трудовой доблести",
            started_on=dt.date(2020, 1, 10),
            coordinator_body=body_by_code(body),
        )
        world.ids[f"{body}_petition"] = add_petition(
            campaign,
            applicant_type=ApplicantType.ORGANISATION.value,
            received_on=dt.date(2020, 3, 3),
            summary="Поддерживаем присвоение звания",
            organisation_name=f"Организация ({body})",
        ).id


def _plans(world: World, admin: Any) -> None:
    """An approved plan: an item of УДКХиБ (co-executed by the culture department), one of the Заводской and
    one of the Центральный district; next year's plan collecting a proposal of each of the three; a scan."""
    from app.plans.models import PlanProposal
    from app.plans.reference import section_by_code
    from app.plans.services import (
        add_item,
        approve_plan,
        create_plan,
        open_proposals,
        prepare_proposal,
        send_for_approval,
    )

    approved = create_plan("annual", 2025)
    council = section_by_code("council")
    for name, body, month in (("plan_item", "udkh", 3), ("zavodskoy_plan_item", "district-zavodskoy", 4)):
        extra = {"co_executors": [body_by_code("culture")]} if body == "udkh" else {}
        world.ids[name] = add_item(
            approved, council, f"Вопрос органа {body}", body_by_code(body), planned_month=month, **extra
        ).id
    foreign = add_item(
        approved, council, "Вопрос Центрального района", body_by_code("district-central"), planned_month=5
    )
    world.ids["foreign_plan_item"] = foreign.id
    send_for_approval(approved)
    approve_plan(approved, "1-р", dt.date(2024, 12, 20))
    world.ids["plan"] = approved.id
    world.ids["plan_attachment"] = add_attachment(approved, io.BytesIO(PDF), "План.pdf", user=admin).id
    collecting = create_plan("annual", 2027)
    open_proposals(collecting)
    world.ids["collecting_plan"] = collecting.id
    for name, body in (
        ("proposal", "udkh"),
        ("zavodskoy_proposal", "district-zavodskoy"),
        ("foreign_proposal", "district-central"),
    ):
        proposal = PlanProposal(
            plan=collecting,
            section=council,
            submitted_by_body=body_by_code(body),
            responsible_body=body_by_code(body),
            title=f"Предложение органа {body}",
            planned_month=2,
        )
        prepare_proposal(proposal)
        db.session.add(proposal)
        db.session.flush()
        world.ids[name] = proposal.id


def _owner(row: Any) -> Any:
    """The record a file or a generated document belongs to (row scope follows it)."""
    from app.core.models import model_for_table

    model = model_for_table(getattr(row, "entity_type", "") or "")
    return row if model is None else db.session.get(model, row.entity_id)


def _is_own(row: Any, user: Any) -> bool:
    # The user's own account or profile: deactivating or deleting it would end the user's session or scope.
    return row is user or getattr(row, "user_id", None) == user.id


def row_for(model: type, user: Any) -> Any:
    """A row of `model` the user may work (else one he may see), not his own account or profile if another exists."""
    from app.security import Access, is_row_visible, row_access, visibility_for

    pk = model.__mapper__.primary_key[0]
    rows = list(db.session.scalars(select(model).order_by(pk).limit(100)))
    if user is None:
        return rows[0] if rows else None
    vis = visibility_for(user)
    visible = [row for row in rows if (owner := _owner(row)) is not None and is_row_visible(owner, vis)]
    # Rows the user works first (a write door on a row seen read-only is a 403 of its own), then
    # files of records without personal data: every reader of the register may open those.
    visible.sort(
        key=lambda row: (
            row_access(_owner(row), vis) is not Access.WRITE,
            bool(getattr(type(_owner(row)), "__personal__", None)),
        )
    )
    others = [row for row in visible if not _is_own(row, user)]
    return (others or visible or rows or [None])[0]
