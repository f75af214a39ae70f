"""Row-scope attacks: a user scoped to one district and one scoped to one body go after another
scope's record through every door — nothing is shown, nothing changes.

The attackers hold every right on the scoped resources (a database role an Admin could compose),
and the personal-data right, so each refusal comes from the row scope alone: a foreign row is
404 wherever it is named, a payload naming a foreign body is 422, and the row stays as it was.

Every model with `__scope__` must have a case in `CASES` (a later domain declares its own);
the generic doors (show, edit, delete, actions, export, files, REST) then cover it.
tests/org/test_scope.py covers officials in depth; tests/appeals/test_actions.py the appeal actions.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from flask_appbuilder import Model
from sqlalchemy import func, inspect, select

from app.appeals.models import Appeal, AppealCopy, AppealQuestion, DocumentRequest
from app.appeals.receptions import Reception, ReceptionVisit
from app.appeals.reference.models import Channel
from app.core.attachments.models import Attachment
from app.core.attachments.services import add_attachment
from app.core.documents.models import GeneratedDocument
from app.core.permissions import sync_view_permissions
from app.extensions import db
from app.org.models import Body, Official
from app.org.services import body_by_code, set_profile
from app.security import ScopeLevel
from tests.conftest import login_client
from tests.security.world import HOUSING, PDF, World, build_world

PASSWORD = "Scope-Attacker-2026"
FOREIGN_BODY = "district-central"
SCOPE_MESSAGE = "вне вашей области видимости"
ATTACKERS = {
    # Everything of the Заводской district administration.
    "district": ("district-zavodskoy", ScopeLevel.DISTRICT),
    # The housing department (uzhil) and its children.
    "body": ("uzhil", ScopeLevel.BODY),
}


@dataclass(frozen=True)
class Case:
    """A scoped model, its doors, and a foreign row of it (a world key)."""

    model: type
    view: str
    foreign: str
    api: str | None = None
    #: REST POST / form add naming a foreign scope (ids resolved against the world and `refs`).
    payload: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    form: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    #: A list filter naming the foreign parent (a related view's door).
    related: str | None = None
    actions: tuple[str, ...] = field(default=())
    #: What the form says: the scope error, or (a drop-down limited to the user's bodies) a missing choice.
    form_refusal: str = SCOPE_MESSAGE


def _appeal_payload(refs: dict[str, Any]) -> dict[str, Any]:
    return {
        "channel": refs["channel"],
        "received_date": "2025-03-05",
        "summary": "Захват чужого района",
        "receiving_body": refs["foreign_body"],
        "responsible_body": refs["foreign_body"],
        "form": "written",
        "kind": "individual",
    }


def _question(refs: dict[str, Any]) -> dict[str, Any]:
    return {"appeal": refs["foreign_appeal"], "classifier_code": HOUSING, "question_type": "statement"}


def _official(refs: dict[str, Any]) -> dict[str, Any]:
    return {"user": refs["newcomer"], "body": refs["foreign_body"], "position": "X", "scope_level": "body"}


CASES = [
    Case(
        Appeal,
        "/appealview",
        "foreign_appeal",
        api="/api/v1/appeal",
        payload=_appeal_payload,
        form=lambda refs: {**_appeal_payload(refs), "received_date": "05.03.2025"},
        actions=("assign", "extend", "answer", "forward", "copies", "close", "withdraw"),
    ),
    # Copies are made by the forward and copies actions only: list and show are their doors.
    Case(AppealCopy, "/appealcopyview", "foreign_copy"),
    Case(
        AppealQuestion,
        "/appealquestionview",
        "foreign_question",
        api="/api/v1/appealquestion",
        payload=lambda refs: {
            "appeal": refs["foreign_appeal"],
            "classifier_code": HOUSING,
            "question_type": "statement",
        },
        form=lambda refs: {"appeal": refs["foreign_appeal"], "classifier_code": HOUSING, "question_type": "statement"},
        # The form's drop-down offers visible appeals only: a foreign one is no choice at all.
        form_refusal="Обязательное поле",
    ),
    Case(
        DocumentRequest,
        "/documentrequestview",
        "foreign_document_request",
        form=lambda refs: {
            "appeal": refs["foreign_appeal"],
            "addressee": "Росреестр",
            "what": "Выписка",
            "sent_on": "05.03.2025",
        },
        form_refusal="Обязательное поле",
    ),
    Case(
        Reception,
        "/receptionview",
        "foreign_reception",
        api="/api/v1/reception",
        payload=lambda refs: {
            "official": refs["user"],
            "body": refs["foreign_body"],
            "date": "2025-03-05",
            "time_from": "10:00",
            "place": "Кабинет 1",
            "format": "office",
        },
    ),
    Case(
        ReceptionVisit,
        "/receptionvisitview",
        "foreign_visit",
        api="/api/v1/receptionvisit",
        payload=lambda refs: {
            "reception": refs["foreign_reception"],
            "visitor_last_name": "Захаров",
            "classifier_code": HOUSING,
            "questions": "Чужой приём",
        },
        related="_flt_0_reception",
        actions=("register_appeal",),
    ),
    Case(
        Official,
        "/officialview",
        "official_central",
        api="/api/v1/official",
        payload=lambda refs: {
            "user": refs["newcomer"],
            "body": refs["foreign_body"],
            "position": "X",
            "scope_level": "body",
        },
        form=lambda refs: {
            "user": refs["newcomer"],
            "body": refs["foreign_body"],
            "position": "X",
            "scope_level": "body",
        },
        form_refusal="Обязательное поле",
        actions=("deactivate",),
    ),
]


def test_every_scoped_model_has_a_case():
    scoped = {m.class_ for m in Model.registry.mappers if getattr(m.class_, "__scope__", None) is not None}
    scoped = {m for m in scoped if not m.__tablename__.startswith("test_")}
    assert scoped == {case.model for case in CASES}


@pytest.fixture
def attack(sec_app: Flask) -> tuple[World, dict[str, Any]]:
    """The world, the attackers (a database role with every right on the scoped resources), and refs."""
    world = build_world(sec_app, officials=("zavodskoy", "central"))
    with sec_app.app_context():
        sm = sec_app.appbuilder.sm
        # `flask app init` leaves only can_read on Appeal (FAB syncs shared resources view by view).
        sync_view_permissions(sec_app.appbuilder)
        role = sm.add_role("ScopeAttacker")
        for resource in ("Appeal", "Official", "Attachment", "GeneratedDocument"):
            for perm in ("can_read", "can_write", "can_delete"):
                pv = sm.find_permission_view_menu(perm, resource)
                if pv is not None:
                    sm.add_permission_role(role, pv)
        sm.add_permission_role(role, sm.find_permission_view_menu("can_access", "PersonalData"))
        for name, (body, level) in ATTACKERS.items():
            user = sm.add_user(f"{name}_attacker", "Иван", "Взломщиков", f"{name}@example.org", role, PASSWORD)
            set_profile(user, body_by_code(body), "Специалист", level)
        newcomer = sm.add_user("newcomer", "Инна", "Новикова", "nc@example.org", sm.find_role("Supervisor"), PASSWORD)
        # A file on every foreign row (the appeal has one from the world).
        for case in CASES:
            row = db.session.get(case.model, world[case.foreign])
            if case.model is not Appeal:
                admin = sm.find_user(username="admin")
                world.ids[f"{case.foreign}_file"] = add_attachment(row, io.BytesIO(PDF), "Скан.pdf", user=admin).id
        world.ids["foreign_appeal_file"] = world["foreign_attachment"]
        refs = {
            "channel": db.session.scalar(select(Channel.id).where(Channel.code == "letter")),
            "foreign_body": body_by_code(FOREIGN_BODY).id,
            "user": sm.find_user(username="deputy").id,
            "newcomer": newcomer.id,
            "foreign_appeal": world["foreign_appeal"],
            "foreign_reception": world["foreign_reception"],
        }
        db.session.commit()
    return world, refs


def _snapshot(app: Flask, model: type, pk: int) -> dict[str, Any] | None:
    """Every column of the row (None when it is gone)."""
    with app.app_context():
        row = db.session.get(model, pk)
        if row is None:
            return None
        return {attr.key: getattr(row, attr.key) for attr in inspect(model).column_attrs}


def _count(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _own_bodies(app: Flask, attacker: str) -> set[int]:
    """The attacker's bodies, worked out here from the org chart (not by app.security)."""
    code, level = ATTACKERS[attacker]
    with app.app_context():
        bodies = db.session.scalars(select(Body)).all()
        root = body_by_code(code)
        own = {b.id for b in bodies if b.district_id == root.district_id} if level is ScopeLevel.DISTRICT else {root.id}
        grown = True
        while grown:
            children = {b.id for b in bodies if b.parent_id in own} - own
            own |= children
            grown = bool(children)
        return own


def _visible_ids(app: Flask, model: type, attacker: str) -> set[int]:
    own = _own_bodies(app, attacker)
    columns = [prop.local_columns for prop in (getattr(model, n).property for n in model.__scope__.bodies)]
    keys = [next(iter(cols)).key for cols in columns]
    with app.app_context():
        return {row.id for row in db.session.scalars(select(model)) if any(getattr(row, k) in own for k in keys)}


@pytest.mark.parametrize("attacker", sorted(ATTACKERS))
@pytest.mark.parametrize("case", CASES, ids=[case.model.__name__ for case in CASES])
def test_a_foreign_row_is_refused_through_every_door_and_stays_unchanged(sec_app, attack, case, attacker):
    world, refs = attack
    client = login_client(sec_app, f"{attacker}_attacker", PASSWORD)
    pk = world[case.foreign]
    before, rows_before = _snapshot(sec_app, case.model, pk), _count(sec_app, case.model)
    assert before is not None
    refused: list[str] = []

    def expect(status: int, method: str, url: str, **kwargs: Any) -> None:
        response = client.open(url, method=method, **kwargs)
        response.get_data()
        response.close()
        if response.status_code != status:
            refused.append(f"{method} {url}: {response.status_code}, expected {status}")

    # The record's own pages.
    expect(404, "GET", f"{case.view}/show/{pk}")
    expect(404, "GET", f"{case.view}/edit/{pk}")
    expect(404, "POST", f"{case.view}/edit/{pk}", data={"version": before.get("version", 1)})
    expect(404, "POST", f"{case.view}/delete/{pk}")
    for name in case.actions:
        if case.model is Appeal:
            expect(404, "POST", f"/appeals/actions/{name}/{pk}", data={"version": before["version"]})
        else:
            expect(404, "POST", f"{case.view}/action/{name}/{pk}")
            if name != "register_appeal":
                expect(404, "POST", f"{case.view}/action_post", data={"action": name, "rowid": [pk]})
    # Its files and documents.
    file_id = world[f"{case.foreign}_file"]
    table = case.model.__tablename__
    expect(404, "GET", f"/attachments/download/{file_id}")
    expect(404, "POST", f"/attachments/delete/{file_id}")
    expect(404, "GET", f"/attachments/upload/{table}/{pk}")
    if case.model is Official:
        expect(404, "POST", f"/documents/generate/org_official_card/{pk}")
        expect(404, "GET", f"/documents/file/{world['document_central']}")
    # The REST API.
    if case.api:
        expect(404, "GET", f"{case.api}/{pk}")
        expect(404, "PUT", f"{case.api}/{pk}", json={"version": before.get("version", 1)})
        expect(404, "DELETE", f"{case.api}/{pk}")
    # A payload naming another district's body (or a record of it): 422 on the API, the form again.
    if case.api and case.payload:
        response = client.post(f"{case.api}/", json=case.payload(refs))
        if response.status_code != 422 or SCOPE_MESSAGE not in str(response.json["message"]):
            refused.append(f"POST {case.api}/ naming a foreign scope: {response.status_code} {response.text[:200]}")
    if case.form:
        response = client.post(f"{case.view}/add", data=case.form(refs))
        if response.status_code != 200 or case.form_refusal not in response.text:
            refused.append(f"POST {case.view}/add naming a foreign scope: {response.status_code}")
    assert not refused, f"{attacker} attacker on {case.model.__name__}:\n" + "\n".join(refused)

    # Lists, exports and related lists show exactly the attacker's own rows.
    visible = _visible_ids(sec_app, case.model, attacker)
    exported = list(
        csv.reader(io.StringIO(client.post(f"{case.view}/export/csv").text.lstrip("\ufeff")), delimiter=";")
    )
    assert len(exported) - 1 == len(visible)
    if case.api:
        listed = {row["id"] for row in client.get(f"{case.api}/?q=(page_size:100)").json["result"]}
        assert listed == visible and pk not in listed
    if case.related:
        related = client.post(f"{case.view}/export/csv?{case.related}={refs['foreign_reception']}").text
        assert len(related.strip().splitlines()) == 1  # the header only

    assert _snapshot(sec_app, case.model, pk) == before
    assert _count(sec_app, case.model) == rows_before
    with sec_app.app_context():
        assert db.session.get(Attachment, file_id) is not None
        assert db.session.scalar(select(func.count()).select_from(GeneratedDocument)) == 2


def test_the_attackers_own_rows_open(sec_app, attack):
    """The refusals above are the scope's: the same attacker opens a row of their own."""
    world, _ = attack
    district = login_client(sec_app, "district_attacker", PASSWORD)
    body = login_client(sec_app, "body_attacker", PASSWORD)
    # The appeal was received by the Заводской district and is answered by the housing department.
    for client in (district, body):
        assert client.get(f"/appealview/show/{world['appeal']}").status_code == 200
        assert client.get(f"/api/v1/appeal/{world['appeal']}").status_code == 200
    assert district.get(f"/receptionvisitview/show/{world['visit']}").status_code == 200
    assert body.get(f"/receptionvisitview/show/{world['uzhil_visit']}").status_code == 200
    download = district.get(f"/attachments/download/{world['attachment']}")
    assert download.data == PDF
    download.close()
