"""Housing rows of the security world: a case of the Заводской district and one of the Центральный.

Each case is on the general list with a family member, its registration decision, a queue
certificate and a file (a scan); each district has a vacant flat with a file. Built through the
housing services, as the clerk's and the officer's forms build them.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from app.core.attachments.models import AttachmentKind
from app.core.attachments.services import add_attachment
from app.core.dates import local_to_utc
from app.extensions import db
from app.housing.models import FundCategory, GroundKind, Premises
from app.housing.services import (
    add_member,
    decision_type_by_code,
    ground_by_code,
    issue_certificate,
    list_type_by_code,
    register_application,
    take_decision,
)
from app.org.services import district_by_code

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FILED = dt.date(2025, 3, 3)


def build_housing(ids: dict[str, int], admin: Any) -> None:
    """Add the rows to `ids`: household, member, queue_entry, housing_decision, certificate, premises
    (the Заводской ones, with their files) and the same names prefixed with `foreign_` (the Центральный ones)."""
    fund = db.session.scalar(select(FundCategory).where(FundCategory.code == "social_use"))
    for prefix, district, last_name, street in (
        ("", "zavodskoy", "Ёлкина", "ул. Кирова"),
        ("foreign_", "central", "Сидорова", "ул. Ленина"),
    ):
        household = register_application(
            district=district_by_code(district),
            applicant_last_name=last_name,
            applicant_first_name="Анна",
            address=f"г. Новокузнецк, {street}, д. 3, кв. 7",
            application_time=local_to_utc(dt.datetime.combine(FILED, dt.time(10))),
            documents_complete_on=FILED,
            grounds=[ground_by_code(GroundKind.NEED, "not_provided")],
            applicant_snils="112-233-445 95",
        )
        member = add_member(household, last_name=last_name, first_name="Мария", relation="child")
        decision = take_decision(
            household, decision_type_by_code("register"), dt.date(2025, 3, 10), list_type=list_type_by_code("general")
        )
        certificate = issue_certificate(household, dt.date(2025, 4, 1), issued_on=dt.date(2025, 4, 1))
        flat = Premises(
            street=street,
            house="5",
            apartment="12",
            district=district_by_code(district),
            fund_category=fund,
            rooms=2,
            total_area=Decimal("44.50"),
            living_area=Decimal("28.00"),
        )
        db.session.add(flat)
        db.session.flush()
        for name, row in (
            ("household", household),
            ("household_member", member),
            ("queue_entry", household.entries[0]),
            ("housing_decision", decision),
            ("certificate", certificate),
            ("premises", flat),
        ):
            ids[f"{prefix}{name}"] = row.id
        if prefix:
            continue  # the scope attacks put their own file on each foreign row
        for name, row, file_name in (
            ("household", household, "Заявление о принятии на учёт.pdf"),
            ("housing_decision", decision, "Решение.pdf"),
            ("premises", flat, "Техпаспорт.pdf"),
        ):
            ids[f"{prefix}{name}_attachment"] = add_attachment(
                row, io.BytesIO(PDF), file_name, user=admin, kind=AttachmentKind.SCAN
            ).id


def case_registered_by(body_code: str, last_name: str) -> Any:
    """A Заводской case registered (and put on the list) by another body: that body's staff see it by body."""
    from app.org.services import body_by_code

    household = register_application(
        district=district_by_code("zavodskoy"),
        registering_body=body_by_code(body_code),
        applicant_last_name=last_name,
        applicant_first_name="Олег",
        address="г. Новокузнецк, ул. Кирова, д. 9, кв. 1",
        application_time=local_to_utc(dt.datetime.combine(FILED, dt.time(11))),
        documents_complete_on=FILED,
        grounds=[ground_by_code(GroundKind.NEED, "not_provided")],
    )
    add_member(household, last_name=last_name, first_name="Ольга", relation="spouse")
    take_decision(
        household, decision_type_by_code("register"), dt.date(2025, 3, 10), list_type=list_type_by_code("general")
    )
    return household
