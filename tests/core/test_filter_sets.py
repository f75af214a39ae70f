"""Our filter sets and the card's read: what FAB would do, without converting the model's columns again."""

from __future__ import annotations

import datetime as dt
import re

from flask_appbuilder.models.filters import Filters
from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy import event, select

from app.appeals.models import Appeal
from app.appeals.reference.models import Channel
from app.appeals.services import register_appeal
from app.core.filters import UpravaFilters, UpravaInterface
from app.extensions import db
from app.org.services import body_by_code


def _selection(filters: Filters) -> list[tuple[str, type, object]]:
    return [(f.column_name, type(f), value) for f, value in zip(filters.filters, filters.values, strict=True)]


def test_inner_filters_keep_fabs_selection_in_our_filter_set(app_ctx):
    ours = UpravaInterface(Appeal, db.session)
    given = UpravaFilters(ours.filter_converter_class, ours)
    given.add_filter_list(
        [
            ("status", ours.FilterEqual, "registered"),  # a column of its own: kept
            ("district.name", ours.FilterEqual, "Заводской"),  # through a many-to-one: kept
            ("questions.classifier_code", ours.FilterEqual, "0005"),  # through a one-to-many: left out
        ]
    )
    inner = ours.get_inner_filters(given)
    fabs = SQLAInterface.get_inner_filters(ours, given)
    assert isinstance(inner, UpravaFilters)
    assert _selection(inner) == _selection(fabs) == _selection(given)[:2]
    assert _selection(ours.get_inner_filters(None)) == []


def test_a_card_reads_its_record_once_through_the_base_filters(app, login, monkeypatch):
    with app.app_context():
        appeal = register_appeal(
            channel=db.session.scalar(select(Channel).where(Channel.code == "letter")),
            received_date=dt.date(2025, 3, 3),
            reg_date=dt.date(2025, 3, 3),
            summary="Освещение во дворе",
            receiving_body=body_by_code("district-zavodskoy"),
            applicant_last_name="Орлова",
        )
        db.session.commit()
        pk = appeal.id
    reads: list[object] = []
    fab_get = UpravaInterface.get

    def counted(self, *args, **kwargs):
        if self.obj is Appeal:
            reads.append(args[0])
        return fab_get(self, *args, **kwargs)

    monkeypatch.setattr(UpravaInterface, "get", counted)
    card = login("zavodskoy").get(f"/appealview/show/{pk}")
    assert card.status_code == 200 and "Освещение во дворе" in card.text
    assert reads == [str(pk)]  # FAB's show read it; the heading and the history use that record


def test_the_whole_card_reads_the_appeal_table_once(app, login):
    """Its actions, files and links find the record in the session, also after the personal-data journal
    commits mid-page: one SELECT on the appeals table for the whole card."""
    with app.app_context():
        appeal = register_appeal(
            channel=db.session.scalar(select(Channel).where(Channel.code == "letter")),
            received_date=dt.date(2025, 3, 3),
            reg_date=dt.date(2025, 3, 3),
            summary="Освещение во дворе",
            receiving_body=body_by_code("district-zavodskoy"),
            applicant_last_name="Орлова",
        )
        db.session.commit()
        pk = appeal.id
        engine = db.engine
    client = login("zavodskoy")
    client.get(f"/appealview/show/{pk}")
    appeal_reads: list[str] = []
    journalled: list[str] = []

    def _seen(_conn, _cursor, statement, *_args):
        # The appeal's own rows (its questions' and copies' lists reach it in their WHERE, not their FROM).
        head = re.split(r"\sWHERE\s", statement, maxsplit=1)[0]
        if statement.startswith("SELECT") and re.search(r"FROM appeals_appeal\b", head):
            appeal_reads.append(statement)
        if statement.startswith("INSERT INTO core_personal_data_access"):
            journalled.append(statement)

    event.listen(engine, "before_cursor_execute", _seen)
    try:
        card = client.get(f"/appealview/show/{pk}")
    finally:
        event.remove(engine, "before_cursor_execute", _seen)
    assert card.status_code == 200 and "Орлова" in card.text
    assert len(journalled) == 1  # he sees the applicant's name: the look is journalled (and committed)
    assert len(appeal_reads) == 1, appeal_reads
