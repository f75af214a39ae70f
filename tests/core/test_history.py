"""Change history: who, when, from where, what (old -> new), in the same transaction."""

from __future__ import annotations

from sqlalchemy import func, select

from app.core.audit import ChangeLog, audit_suspended
from app.extensions import db
from app.org.models import Body, District, Official
from app.org.services import body_by_code


def _entries(table: str, record_id) -> list[ChangeLog]:
    return list(
        db.session.scalars(
            select(ChangeLog)
            .where(ChangeLog.table_name == table, ChangeLog.record_id == str(record_id))
            .order_by(ChangeLog.id)
        )
    )


def test_form_edit_is_recorded_with_user_ip_and_old_new_values(app, login):
    admin = login("admin")
    with app.app_context():
        body = body_by_code("kumi")
        pk, version = body.id, body.version
    form = {
        "code": "kumi",
        "name": "Комитет по управлению имуществом",
        "short_name": "КУМИ",
        "kind": "committee",
        "version": version,
        "is_active": "y",
    }
    assert admin.post(f"/bodyview/edit/{pk}", data=form).status_code == 302
    with app.app_context():
        entry = _entries("org_body", pk)[-1]
        assert entry.action == "update"
        assert entry.username == "admin"
        assert entry.ip == "127.0.0.1"
        assert entry.changes["name"] == [
            "Комитет по управлению муниципальным имуществом",
            "Комитет по управлению имуществом",
        ]
        assert entry.changes["version"] == [1, 2]


def test_insert_and_delete_keep_the_whole_row(app, login):
    admin = login("admin")
    created = admin.post("/api/v1/district/", json={"code": "north", "name": "Северный"})
    assert created.status_code == 201
    pk = created.json["id"]
    assert admin.delete(f"/api/v1/district/{pk}").status_code == 200
    with app.app_context():
        insert, delete = _entries("org_district", pk)
        row = {"id": pk, "code": "north", "name": "Северный", "version": 1}
        assert insert.action == "insert" and insert.changes == row
        assert delete.action == "delete" and delete.changes == row
        assert delete.username == "admin"


def test_history_is_written_in_the_same_transaction(app_ctx):
    body = body_by_code("kumi")
    seeded = _entries("org_body", body.id)
    assert [e.action for e in seeded] == ["insert"]  # `flask app init` created it (as "system")
    body.phone = "8 (3843) 32-16-00"
    db.session.flush()
    assert len(_entries("org_body", body.id)) == 2
    db.session.rollback()
    assert len(_entries("org_body", body.id)) == 1  # rolled back together with the change


def test_changes_without_a_request_are_by_the_system_user(app_ctx):
    body = body_by_code("kumi")
    body.phone = "8 (3843) 32-16-00"
    db.session.commit()
    entry = _entries("org_body", body.id)[-1]
    assert entry.username == "system" and entry.user_id is None and entry.ip is None


def test_password_hashes_never_reach_history(app_ctx):
    sm = app_ctx.appbuilder.sm
    user = sm.add_user("newuser", "Нина", "Новая", "nn@example.org", sm.find_role("Supervisor"), "Secret-Pass-2026")
    sm.reset_password(user.id, "Other-Pass-2027")
    texts = [str(e.changes) for e in _entries("ab_user", user.id)]
    assert texts and all(user.password not in t and "scrypt" not in t and "pbkdf2" not in t for t in texts)
    entries = _entries("ab_user", user.id)
    assert entries[0].action == "insert" and entries[0].changes["password"] == "***"
    assert entries[1].changes["password"] == ["***", "***"]


def test_logins_failed_logins_and_role_changes_are_recorded(app, login):
    app.test_client().post("/login/", data={"username": "control", "password": "wrong"})
    login("control")
    with app.app_context():
        sm = app.appbuilder.sm
        user = sm.find_user(username="control")
        user.roles.append(sm.find_role("Supervisor"))
        db.session.commit()
        actions = [e.action for e in _entries("ab_user", user.id)]
        assert actions[-3:] == ["login_failed", "login", "update"]
        role_change = _entries("ab_user", user.id)[-1]
        assert role_change.changes["roles"] == [["ControlOfficer"], ["ControlOfficer", "Supervisor"]]
        unknown = db.session.scalar(select(ChangeLog).where(ChangeLog.action == "login_failed"))
        assert unknown.username == "control" and unknown.ip == "127.0.0.1"


def test_show_page_has_the_history_section(app, login):
    admin = login("admin")
    with app.app_context():
        body = body_by_code("kumi")
        body.phone = "8 (3843) 32-16-00"
        db.session.commit()
        pk = body.id
    page = admin.get(f"/bodyview/show/{pk}").text
    assert "История изменений" in page
    assert "Телефон" in page and "8 (3843) 32-16-00" in page


def test_a_creation_entry_lists_only_the_fields_that_were_filled(app, login):
    admin = login("admin")
    response = admin.post(
        "/bodyview/add", data={"code": "archive", "name": "Архивный отдел", "kind": "department", "is_active": "y"}
    )
    assert response.status_code == 302
    with app.app_context():
        pk = body_by_code("archive").id
    history = admin.get(f"/bodyview/show/{pk}").text.split("uprava-history", 1)[1]
    assert "Архивный отдел" in history
    # The empty phone and e-mail are not listed as «—» lines of the creation.
    assert "Телефон" not in history and "Эл. почта" not in history


def test_personal_fields_are_masked_in_history_without_the_right(app, login):
    with app.app_context():
        official = db.session.scalar(select(Official).where(Official.user.has(username="housing")))
        official.phone = "+7 905 111-22-33"
        db.session.commit()
        pk = official.id
    assert "+7 905 111-22-33" in login("housing").get(f"/officialview/show/{pk}").text
    supervisor_page = login("supervisor").get(f"/officialview/show/{pk}").text
    assert "История изменений" in supervisor_page
    history = supervisor_page.split("<h4>История изменений</h4>", 1)[1]
    assert "+7 905 111-22-33" not in history
    assert "***" in history


def test_history_cannot_be_edited_or_deleted(app, login):
    admin = login("admin")
    with app.app_context():
        body = body_by_code("kumi")
        body.phone = "1"
        db.session.commit()
        entry_id = db.session.scalar(select(func.max(ChangeLog.id)))
    assert admin.get("/changelogview/list/").status_code == 200
    for url in (f"/changelogview/edit/{entry_id}", f"/changelogview/delete/{entry_id}", "/changelogview/add"):
        assert admin.get(url).status_code in (403, 404, 405)
    assert admin.post(f"/changelogview/delete/{entry_id}").status_code in (403, 404, 405)
    assert admin.delete(f"/api/v1/changelog/{entry_id}").status_code in (404, 405)
    assert admin.put(f"/api/v1/changelog/{entry_id}", json={"username": "x"}).status_code in (404, 405)
    assert admin.get(f"/api/v1/changelog/{entry_id}").json["result"]["table_name"] == "org_body"
    with app.app_context():
        assert db.session.get(ChangeLog, entry_id) is not None


def test_changelog_list_filters_by_table_and_user(app, login):
    with app.app_context():
        body_by_code("kumi").phone = "1"
        db.session.commit()
    page = login("supervisor").get("/changelogview/list/?_flt_0_table_name=org_body").text
    assert "Орган администрации" in page


def test_bulk_loads_may_bypass_history_explicitly(app_ctx):
    before = db.session.scalar(select(func.count()).select_from(ChangeLog))
    with audit_suspended(db.session):
        db.session.add(District(code="bench", name="Тестовый"))
        db.session.flush()
    assert db.session.scalar(select(func.count()).select_from(ChangeLog)) == before
    db.session.add(Body(code="b2", name="Ещё орган", kind="department"))
    db.session.flush()
    assert db.session.scalar(select(func.count()).select_from(ChangeLog)) == before + 1


def test_change_journal_masks_personal_data_without_the_right(app, login):
    with app.app_context():
        official = db.session.scalar(select(Official).where(Official.user.has(username="housing")))
        official.phone = "+7 905 111-22-33"
        db.session.commit()
        entry_id = db.session.scalar(select(func.max(ChangeLog.id)).where(ChangeLog.table_name == "org_official"))
    supervisor = login("supervisor")
    assert "+7 905 111-22-33" not in supervisor.get(f"/changelogview/show/{entry_id}").text
    # The API tells who changed what record when; values stay in the UI, masked per user.
    api = supervisor.get(f"/api/v1/changelog/{entry_id}?q=(columns:!(changes,table_name))")
    assert api.status_code == 400 or "changes" not in api.json.get("result", {})
    assert "+7 905" not in supervisor.get("/api/v1/changelog/?q=(page_size:100)").text
    assert "+7 905 111-22-33" in login("admin").get(f"/changelogview/show/{entry_id}").text


def test_a_history_leaves_out_a_numbers_parts_and_the_normalised_search_columns(app):
    """The number is in the history; the sequence and year it is drawn from and the lower-cased search
    column are internal (a clerk read «Number Seq» and «Заявитель: ФИО или адрес» on a decision's card)."""
    import datetime as dt

    from app.core.history import present_change
    from app.housing.models import HousingDecision

    entry = ChangeLog(
        table_name="housing_decision",
        record_id="1",
        action="insert",
        username="housing",
        at=dt.datetime(2026, 3, 2, 3, 0, tzinfo=dt.UTC),
        changes={
            "number": "РЖ-2026-00012",
            "number_seq": 12,
            "number_year": 2026,
            "applicant_search": "ёлкина мария",
            "decision_date": "2026-03-02",
        },
    )
    with app.test_request_context():
        keys = [line.field for line in present_change(entry, HousingDecision, {"number": "Номер"}).lines]
    assert "Номер" in keys
    assert not {"number_seq", "number_year", "applicant_search"} & set(keys)
    assert len(keys) == 2  # the number and the decision's date


def test_an_inserted_rows_history_holds_each_value_in_its_json_form_and_its_key(app_ctx):
    """Dates as ISO text, codes (str enums) as their text, flags as booleans, empty as null; the record's key."""
    import datetime as dt

    from app.appeals.models import Appeal
    from app.appeals.reference.models import Channel
    from app.appeals.services import register_appeal

    udkh = body_by_code("udkh")
    channel = db.session.scalars(select(Channel).order_by(Channel.id)).first()
    appeal = register_appeal(
        channel=channel,
        received_date=dt.date(2025, 3, 3),
        summary="Вода",
        receiving_body=udkh,
        reg_date=dt.date(2025, 3, 4),
    )
    entry = db.session.scalars(
        select(ChangeLog).where(ChangeLog.table_name == Appeal.__tablename__, ChangeLog.record_id == str(appeal.id))
    ).one()
    changes = entry.changes
    assert changes["reg_date"] == "2025-03-04" and changes["received_date"] == "2025-03-03"
    assert changes["status"] == "registered" and changes["registered_late"] is False
    assert changes["receiving_body_id"] == udkh.id and changes["executor_id"] is None
    assert changes["summary"] == "Вода"
