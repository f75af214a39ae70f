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
from app.org.models import Official
from app.org.services import body_by_code
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
        # Housing cases, decisions and flats of the Заводской and the Центральный districts.
        build_housing(world.ids, admin)
        world.ids["group"] = app.appbuilder.sm.add_group("clerks", "Специалисты", "Группа для проверки прав").id
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
