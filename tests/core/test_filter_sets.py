"""Our filter sets and the card's read: what FAB would do, without converting the model's columns again."""

from __future__ import annotations

import datetime as dt
import re

from flask_appbuilder.models.filters import Filters
from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy import select

from app.appeals.models import Appeal
from app.appeals.reference.models import Channel
from app.appeals.services import register_appeal
from app.core.filters import UpravaFilters, UpravaInterface
from app.extensions import db
from app.org.services import body_by_code
from tests.sql_log import recorded_sql


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


def _lighting_appeal(app) -> int:
    """An appeal of the Заводской district (its clerk sees it and its applicant's name)."""
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
        return appeal.id


def test_a_card_reads_its_record_once_through_the_base_filters(app, login, monkeypatch):
    pk = _lighting_appeal(app)
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
    pk = _lighting_appeal(app)
    client = login("zavodskoy")
    client.get(f"/appealview/show/{pk}")
    with recorded_sql(app) as statements:
        card = client.get(f"/appealview/show/{pk}")
    # The appeal's own rows (its questions' and copies' lists reach it in their WHERE, not their FROM).
    appeal_reads = [
        s
        for s in statements
        if s.startswith("SELECT") and re.search(r"FROM appeals_appeal\b", re.split(r"\sWHERE\s", s, maxsplit=1)[0])
    ]
    journalled = [s for s in statements if s.startswith("INSERT INTO core_personal_data_access")]
    assert card.status_code == 200 and "Орлова" in card.text
    assert len(journalled) == 1  # he sees the applicant's name: the look is journalled (and committed)
    assert len(appeal_reads) == 1, appeal_reads
