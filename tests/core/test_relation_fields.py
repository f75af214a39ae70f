"""A form's link drop-down checks a submitted choice with one query by its key (app/core/relation_fields.py).

FAB's field loaded every row the drop-down may offer to read and check the submitted id: each save of an
appeal card loaded every appeal in scope (the previous appeal) and every user (the executor). The keyed
field must read and refuse exactly what FAB's did, for every link of the form, for a user who sees part
of the city.
"""

from __future__ import annotations

import datetime as dt

import pytest
from flask import g
from sqlalchemy import event, func, select

from app.appeals.models import Appeal
from app.appeals.reference.models import Channel
from app.appeals.services import register_appeal
from app.core.errors import StaleVersionError
from app.core.history import check_version
from app.core.relation_fields import KeyedQuerySelectField, canonical_key
from app.core.views import keep_current_links
from app.extensions import db
from app.org.services import body_by_code
from tests.conftest import login_client

#: Submitted texts that name no row as FAB writes keys (str(pk)), beside every real key.
ODD_KEYS = ("", "__None", "0", "-1", "abc", "1.0", " 1", "01", "٣", "99999999999999999999", "2147483648")


@pytest.fixture
def appeals(app) -> list[int]:
    """Appeals of two districts: the Заводской clerk sees part of them."""
    with app.app_context():
        letter = db.session.scalar(select(Channel).where(Channel.code == "letter"))
        rows = [
            register_appeal(
                channel=letter,
                received_date=dt.date(2025, 3, 3),
                reg_date=dt.date(2025, 3, 3),
                summary=f"Обращение {number}",
                receiving_body=body_by_code("district-zavodskoy" if number % 3 else "district-central"),
                applicant_last_name="Орлова",
            )
            for number in range(24)
        ]
        db.session.commit()
        return [row.id for row in rows]


def _view(app, name: str):
    return next(v for v in app.appbuilder.baseviews if v.__class__.__name__ == name)


def _outcome(form, name: str, item, keyed: bool, offered: dict) -> tuple:
    keep_current_links(form, item)
    field = form[name]
    if not keyed:
        # FAB's own path, over the list FAB loads (loaded once per field: the same rows, the same session).
        field.find_func = None
        if name not in offered:
            offered[name] = field._get_object_list()
        field._object_list = offered[name]
    valid = field.validate(form)
    return field.data, valid, list(field.errors)


def test_a_submitted_link_is_read_and_refused_exactly_as_fabs_full_list_did(app, appeals):
    view = _view(app, "AppealView")
    with app.test_request_context():
        g.user = app.appbuilder.sm.find_user(username="zavodskoy")
        # An appeal of the district clerk's whose previous appeal has left his sight: it stays choosable.
        seen = view.datamodel.apply_filters(db.session.query(Appeal), view._base_filters).all()
        assert seen and len(seen) < db.session.scalar(select(func.count(Appeal.id))), "the test needs a partial view"
        foreign = db.session.scalar(select(Appeal).where(Appeal.id.not_in([a.id for a in seen])).limit(1))
        item = seen[0]
        item.previous_appeal = foreign
        db.session.flush()
        with app.test_request_context(method="POST", data={}):
            fields = [n for n, f in view.edit_form.refresh()._fields.items() if isinstance(f, KeyedQuerySelectField)]
        assert {"previous_appeal", "executor", "responsible_body", "district"} <= set(fields)
        offered: dict = {}
        answers: dict[str, set[bool]] = {}
        accepted: dict[tuple[str, str], bool] = {}
        for name in fields:
            related = view.datamodel.get_related_model(name)
            keys = [str(k) for k in db.session.scalars(select(related.__mapper__.primary_key[0]))]
            for key in [*keys, *ODD_KEYS]:
                outcomes = []
                for keyed in (True, False):
                    # The same application context, hence the same session: the same row objects.
                    with app.test_request_context(method="POST", data={name: key}):
                        outcomes.append(_outcome(view.edit_form.refresh(), name, item, keyed, offered))
                assert outcomes[0] == outcomes[1], f"{name}={key!r}: keyed {outcomes[0]}, FAB {outcomes[1]}"
                answers.setdefault(name, set()).add(outcomes[0][1])
                accepted[(name, key)] = outcomes[0][1]
        seen_ids = {a.id for a in seen}
        other_foreign = next(pk for pk in appeals if pk not in seen_ids and pk != foreign.id)
        # The old link out of sight stays choosable; another appeal out of sight is refused; one in sight is not.
        assert accepted[("previous_appeal", str(foreign.id))] is True
        assert accepted[("previous_appeal", str(other_foreign))] is False
        assert accepted[("previous_appeal", str(seen[-1].id))] is True
        db.session.rollback()
    # Both answers occurred for every link: some keys accepted, some refused.
    assert all(found == {True, False} for found in answers.values()), answers


def test_a_key_is_read_only_as_fab_writes_it():
    assert [canonical_key(k) for k in ("7", "2147483647", "07", "0", "", "٣", "7 ", "2147483648")] == [
        7,
        2147483647,
        None,
        None,
        None,
        None,
        None,
        None,
    ]


def test_saving_a_card_with_its_links_loads_the_linked_rows_only(app, appeals):
    """An edit of a card linking a previous appeal: no whole table is loaded, the change is in the history."""
    with app.app_context():
        appeals = db.session.scalars(select(Appeal).order_by(Appeal.id).limit(2)).all()
        pk, previous = appeals[0].id, appeals[1].id
        total = db.session.scalar(select(func.count(Appeal.id)))
        version = appeals[0].version
        data = {
            "received_date": appeals[0].received_date.strftime("%d.%m.%Y"),
            "form": appeals[0].form,
            "kind": appeals[0].kind,
            "summary": "Уточнено при сохранении",
            "receiving_body": appeals[0].receiving_body_id,
            "responsible_body": body_by_code("udkh").id,
            "previous_appeal": previous,
            "version": version,
        }
    assert total > 20
    loaded: list[int] = []

    def count(target, _context):
        loaded.append(target.id)

    event.listen(Appeal, "load", count)
    try:
        response = login_client(app, "appeals").post(f"/appealview/edit/{pk}", data=data)
    finally:
        event.remove(Appeal, "load", count)
    assert response.status_code == 302, response.text[:500]
    assert sorted(set(loaded)) == sorted({pk, previous})
    with app.app_context():
        appeal = db.session.get(Appeal, pk)
        assert (appeal.summary, appeal.previous_appeal_id, appeal.version) == (
            "Уточнено при сохранении",
            previous,
            version + 1,
        )
        # A stale form is still refused (the version moved on).
        with pytest.raises(StaleVersionError):
            check_version(appeal, version)
