"""Row scope through collections and links to people (app.security.Scope), on a test-only task.

A task (tests/fake_models.py FakeTask) is owned by a responsible body; co-executing bodies work it
(a many-to-many), observing bodies only read it (a read-only many-to-many), its executor (a user) and
its controller (an official) work it. Each user below holds every right on tasks and files, so every
refusal comes from the row scope alone.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app.core.attachments.services import add_attachment
from app.core.documents.registry import TEMPLATES, register_template
from app.extensions import db
from app.org.models import Body, Official
from app.org.services import body_by_code, set_profile
from app.security import (
    Access,
    ScopeLevel,
    collections_as_in,
    row_access,
    scope_clause,
    scope_reaches_through_collections,
    statistics_clause,
    visibility_for,
)
from tests.conftest import login_client
from tests.fake_models import TASK_TABLES, FakeTask

PASSWORD = "Task-Worker-2026"
READ_ONLY = "только для чтения"
SCOPE_MESSAGE = "вне вашей области видимости"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
#: user -> the body of his profile (BODY scope: the body and its children).
USERS = {
    "resp": "kgkh",  # the responsible body (and its child, the housing department uzhil)
    "coexec": "kumi",  # a co-executing body
    "observer": "kon",  # a body the task was sent to for information
    "outsider": "kszn",  # nobody of the task
    "executor": "culture",  # the executor, from a body of his own
    "controller": "sport",  # the controller, an official of another body
}


@pytest.fixture
def tasks(records: Flask) -> dict[str, int]:
    """Three tasks, six users with every right on tasks and files, an inactive body; their ids."""
    with records.app_context():
        for table in TASK_TABLES:
            table.create(db.engine, checkfirst=True)
        sm = records.appbuilder.sm
        role = sm.add_role("TaskWorker")
        for resource in ("FakeTask", "Attachment", "GeneratedDocument"):
            for perm in ("can_read", "can_write", "can_delete"):
                sm.add_permission_role(role, sm.add_permission_view_menu(perm, resource))
        ids: dict[str, int] = {}
        officials = {}
        for username, body in USERS.items():
            user = sm.add_user(username, "Иван", username.title(), f"{username}@example.org", role, PASSWORD)
            officials[username] = set_profile(user, body_by_code(body), "Специалист", ScopeLevel.BODY)
            ids[username] = user.id
        first = FakeTask(
            title="Поручение о ремонте кровли",
            responsible_body=body_by_code("kgkh"),
            co_executors=[body_by_code("kumi")],
            observers=[body_by_code("kon")],
            executor_id=ids["executor"],
            controller=officials["controller"],
        )
        # Co-executed by two bodies the responsible user sees (kgkh and its child uzhil): listed once.
        second = FakeTask(
            title="Поручение о дорогах",
            responsible_body=body_by_code("udkh"),
            co_executors=[body_by_code("kgkh"), body_by_code("uzhil")],
        )
        third = FakeTask(title="Поручение о пособиях", responsible_body=body_by_code("kszn"))
        closed = Body(code="closed", name="Упразднённый комитет", kind="committee", is_active=False)
        db.session.add_all([first, second, third, closed])
        db.session.flush()
        admin = sm.find_user(username="admin")
        ids["file"] = add_attachment(first, io.BytesIO(PDF), "Скан.pdf", user=admin).id
        ids.update(first=first.id, second=second.id, third=third.id, closed=closed.id)
        db.session.commit()
    return ids


def _client(app: Flask, username: str) -> Any:
    return login_client(app, username, PASSWORD)


def _task(app: Flask, pk: int) -> dict[str, Any]:
    with app.app_context():
        task = db.session.get(FakeTask, pk)
        return {
            "title": task.title,
            "version": task.version,
            "co_executors": sorted(b.code for b in task.co_executors),
            "observers": sorted(b.code for b in task.observers),
            "annulled": task.annulled_at is not None,
        }


def _text(response: Any) -> str:
    """A page's text, or a JSON answer's message."""
    return response.json.get("message", "") if response.is_json else response.get_data(as_text=True)


def test_sql_and_one_loaded_row_agree_on_every_link(records, tasks):
    """What scope_clause selects is what row_access says of each row — for reading, writing and statistics."""
    names = {tasks["first"]: "first", tasks["second"]: "second", tasks["third"]: "third"}
    expected = {
        # user: (reads, works, counts in statistics)
        "resp": ({"first", "second"}, {"first", "second"}, {"first"}),
        "coexec": ({"first"}, {"first"}, set()),
        "observer": ({"first"}, set(), set()),
        "outsider": ({"third"}, {"third"}, {"third"}),
        "executor": ({"first"}, {"first"}, set()),
        "controller": ({"first"}, {"first"}, set()),
    }
    with records.app_context():
        rows = db.session.scalars(select(FakeTask)).all()
        for username, (reads, works, counts) in expected.items():
            vis = visibility_for(records.appbuilder.sm.find_user(username=username))

            def selected(clause: Any, vis=vis) -> set[str]:
                return {names[pk] for pk in db.session.scalars(select(FakeTask.id).where(clause))}

            assert selected(scope_clause(FakeTask, vis)) == reads, username
            assert selected(scope_clause(FakeTask, vis, access=Access.WRITE)) == works, username
            with collections_as_in():  # the form a list's count reads: the same rows
                assert selected(scope_clause(FakeTask, vis)) == reads, username
                assert selected(scope_clause(FakeTask, vis, access=Access.WRITE)) == works, username
            assert selected(statistics_clause(FakeTask, vis)) == counts, username
            assert {names[r.id] for r in rows if row_access(r, vis) >= Access.READ} == reads, username
            assert {names[r.id] for r in rows if row_access(r, vis) is Access.WRITE} == works, username


def test_a_collection_is_an_exists_and_never_multiplies_the_list(records, tasks):
    with records.app_context():
        vis = visibility_for(records.appbuilder.sm.find_user(username="resp"))
        sql = str(scope_clause(FakeTask, vis).compile(db.engine))
        assert "EXISTS" in sql and "JOIN" not in sql.upper()
        with collections_as_in():
            counted = str(scope_clause(FakeTask, vis).compile(db.engine))
        assert "EXISTS" not in counted and "IN (SELECT" in counted and "JOIN" not in counted.upper()
        # The list's count asks for that form only where it changes something.
        assert scope_reaches_through_collections(FakeTask, vis)
        assert not scope_reaches_through_collections(Official, vis)
        admin = visibility_for(records.appbuilder.sm.find_user(username="admin"))
        assert admin.everything and not scope_reaches_through_collections(FakeTask, admin)
    client = _client(records, "resp")
    listed = [row["id"] for row in client.get("/api/v1/faketask/?q=(page_size:100)").json["result"]]
    assert sorted(listed) == sorted([tasks["first"], tasks["second"]])
    page = client.get("/faketaskview/list/").text
    assert "Поручение о дорогах" in page and page.count("Поручение о дорогах") == 1
    # The bounded count is exact: two rows, not three (two of the second task's co-executors are his).
    assert "Всего записей:</strong> 2</div>" in page


def test_a_scope_clause_is_built_once_per_sight_access_and_form(records, tasks):
    """A list page asks for its clause three times: the same sight gets the same clause, any other another."""
    with records.app_context():
        resp = visibility_for(records.appbuilder.sm.find_user(username="resp"))
        again = visibility_for(records.appbuilder.sm.find_user(username="resp"))
        other = visibility_for(records.appbuilder.sm.find_user(username="coexec"))
        assert again is not resp and again == resp
        clause = scope_clause(FakeTask, resp)
        assert scope_clause(FakeTask, again) is clause
        assert scope_clause(FakeTask, other) is not clause
        assert scope_clause(FakeTask, resp, access=Access.WRITE) is not clause
        with collections_as_in():
            assert scope_clause(FakeTask, resp) is not clause


def test_an_observer_reads_the_task_and_every_write_is_403_with_a_message(records, tasks):
    pk, before = tasks["first"], _task(records, tasks["first"])
    client = _client(records, "observer")
    assert client.get(f"/faketaskview/show/{pk}").status_code == 200
    assert client.get(f"/api/v1/faketask/{pk}").json["result"]["title"] == "Поручение о ремонте кровли"
    assert "Поручение о ремонте кровли" in client.post("/faketaskview/export/csv").text
    download = client.get(f"/attachments/download/{tasks['file']}")
    assert download.status_code == 200 and download.data == PDF
    download.close()
    version = {"version": before["version"]}
    refused = {
        "edit form": client.get(f"/faketaskview/edit/{pk}"),
        "edit": client.post(f"/faketaskview/edit/{pk}", data={"title": "Изменено", **version}),
        "annul form": client.get(f"/faketaskview/annul/{pk}"),
        "annul": client.post(f"/faketaskview/annul/{pk}", data={"reason": "Ошибочная запись"}),
        "delete": client.post(f"/faketaskview/delete/{pk}"),
        "upload form": client.get(f"/attachments/upload/test_task/{pk}"),
        "upload": client.post(
            f"/attachments/upload/test_task/{pk}",
            data={"file": (io.BytesIO(PDF), "Ответ.pdf"), "kind": "scan"},
            content_type="multipart/form-data",
        ),
        "attachment delete": client.post(f"/attachments/delete/{tasks['file']}"),
        "api put": client.put(f"/api/v1/faketask/{pk}", json={"title": "Изменено", **version}),
        "api collection": client.put(f"/api/v1/faketask/{pk}", json={"observers": [tasks["closed"]], **version}),
        "api annul": client.post(f"/api/v1/faketask/{pk}/annul", json={"reason": "Ошибочная запись"}),
        "api delete": client.delete(f"/api/v1/faketask/{pk}"),
    }
    wrong = {
        door: f"{r.status_code} {_text(r)[:120]}"
        for door, r in refused.items()
        if r.status_code != 403 or READ_ONLY not in _text(r)
    }
    assert wrong == {}
    assert _task(records, pk) == before
    with records.app_context():
        from app.core.attachments.models import Attachment

        assert db.session.get(Attachment, tasks["file"]) is not None


def test_the_show_page_offers_no_write_buttons_on_a_row_seen_read_only(records, tasks):
    observer = _client(records, "observer").get(f"/faketaskview/show/{tasks['first']}").text
    coexec = _client(records, "coexec").get(f"/faketaskview/show/{tasks['first']}").text
    assert "Прикрепить файл" in coexec and "Прикрепить файл" not in observer


def test_document_generation_on_a_row_seen_read_only_is_403(records, tasks):
    spec = register_template(
        code="test_task_card",
        name="Карточка поручения",
        domain="test",
        path="documents/org/official_card.docx",
        context_builder=lambda task: {"full_name": task.title, "body": "", "position": "", "appointed_on": None},
        model=FakeTask,
        sample={"full_name": "Поручение", "body": "", "position": "", "appointed_on": None},
    )
    try:
        url = f"/documents/generate/{spec.code}/{tasks['first']}"
        refused = _client(records, "observer").post(url)
        assert refused.status_code == 403 and READ_ONLY in refused.text
        made = _client(records, "coexec").post(url)
        assert made.status_code == 200 and made.data[:2] == b"PK"  # a .docx
        assert _client(records, "outsider").post(url).status_code == 404
    finally:
        TEMPLATES.pop(spec.code, None)


def test_a_user_outside_every_link_gets_404_on_every_door(records, tasks):
    pk, before = tasks["first"], _task(records, tasks["first"])
    client = _client(records, "outsider")
    version = {"version": before["version"]}
    responses = {
        "show": client.get(f"/faketaskview/show/{pk}"),
        "edit": client.post(f"/faketaskview/edit/{pk}", data={"title": "Изменено", **version}),
        "annul": client.post(f"/faketaskview/annul/{pk}", data={"reason": "Ошибочная запись"}),
        "download": client.get(f"/attachments/download/{tasks['file']}"),
        "upload": client.get(f"/attachments/upload/test_task/{pk}"),
        "api get": client.get(f"/api/v1/faketask/{pk}"),
        "api put": client.put(f"/api/v1/faketask/{pk}", json={"title": "Изменено", **version}),
        "api delete": client.delete(f"/api/v1/faketask/{pk}"),
    }
    assert {door: r.status_code for door, r in responses.items()} == dict.fromkeys(responses, 404)
    assert _task(records, pk) == before


def test_co_executors_and_the_linked_people_work_the_task(records, tasks):
    pk = tasks["first"]
    for username, title in (("coexec", "Соисполнитель"), ("executor", "Исполнитель"), ("controller", "Контролёр")):
        version = _task(records, pk)["version"]
        response = _client(records, username).put(f"/api/v1/faketask/{pk}", json={"title": title, "version": version})
        assert response.status_code == 200, (username, response.text)
        assert _task(records, pk)["title"] == title


def test_a_collection_may_name_any_active_body_and_nothing_else(records, tasks):
    client = _client(records, "coexec")
    with records.app_context():
        kumi, kszn, udkh = (body_by_code(c).id for c in ("kumi", "kszn", "udkh"))
    new = {"title": "Новое поручение", "responsible_body": kumi}
    # Another body is a co-executor or an observer by nature: his own sight does not limit the choice.
    created = client.post("/api/v1/faketask/", json={**new, "co_executors": [kszn], "observers": [udkh]})
    assert created.status_code == 201, created.text
    assert _task(records, created.json["id"])["co_executors"] == ["kszn"]
    unknown = client.post("/api/v1/faketask/", json={**new, "co_executors": [999_999]})
    assert unknown.status_code == 422
    inactive = client.post("/api/v1/faketask/", json={**new, "observers": [tasks["closed"]]})
    assert inactive.status_code == 422 and "не действует" in inactive.json["message"]
    # The row's own body still follows the user's scope.
    foreign = client.post("/api/v1/faketask/", json={**new, "responsible_body": kszn})
    assert foreign.status_code == 422 and SCOPE_MESSAGE in foreign.json["message"]


def test_the_collection_drop_down_offers_every_active_body(records, tasks):
    info = _client(records, "coexec").get("/api/v1/faketask/_info?q=(keys:!(add_columns))").json
    fields = {field["name"]: field for field in info["add_columns"]}
    offered = {value["value"] for value in fields["co_executors"]["values"]}
    assert {"КСЗН", "УДКХиБ", "КУМИ"} <= offered and "Упразднённый комитет" not in offered
    # The row's own body: the user's bodies only.
    assert {value["value"] for value in fields["responsible_body"]["values"]} == {"КУМИ"}


def test_a_user_may_not_write_a_row_out_of_his_own_hands(records, tasks):
    pk = tasks["first"]
    client = _client(records, "coexec")
    version = _task(records, pk)["version"]
    # Dropping his own body from the co-executors leaves him nothing but the right to read nothing.
    response = client.put(f"/api/v1/faketask/{pk}", json={"co_executors": [], "version": version})
    assert response.status_code == 422 and SCOPE_MESSAGE in response.json["message"]
    assert _task(records, pk)["co_executors"] == ["kumi"]
