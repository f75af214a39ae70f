"""Legal records are annulled with a reason, not deleted by staff; Admin alone hard-deletes."""

from __future__ import annotations

from sqlalchemy import select

from app.core.audit import ChangeLog
from app.extensions import db
from app.org.services import body_by_code
from tests.conftest import login_client
from tests.fake_models import FakeRecord


def _record(app, title: str = "Обращение о ремонте дороги", body: str = "district-zavodskoy") -> int:
    with app.app_context():
        record = FakeRecord(title=title, applicant_name="Петров П. П.", body=body_by_code(body))
        db.session.add(record)
        db.session.commit()
        return record.id


def test_staff_cannot_delete_a_legal_record(records, clerk):
    pk = _record(records)
    assert clerk.post(f"/fakerecordview/delete/{pk}").status_code == 403
    with records.app_context():
        assert db.session.get(FakeRecord, pk) is not None


def test_staff_annul_with_a_reason_keeps_the_record_and_writes_history(records, clerk):
    pk = _record(records)
    form = clerk.get(f"/fakerecordview/annul/{pk}")
    assert form.status_code == 200 and "Причина аннулирования" in form.text
    response = clerk.post(f"/fakerecordview/annul/{pk}", data={"reason": "Зарегистрировано ошибочно, дубль"})
    assert response.status_code == 302
    with records.app_context():
        record = db.session.get(FakeRecord, pk)
        assert record.is_annulled and record.annul_reason == "Зарегистрировано ошибочно, дубль"
        user = records.appbuilder.sm.find_user(username="rclerk")
        assert record.annulled_by_fk == user.id
        entry = db.session.scalars(
            select(ChangeLog).where(ChangeLog.table_name == "test_record").order_by(ChangeLog.id.desc())
        ).first()
        assert entry.action == "annul" and entry.username == "rclerk"
        assert entry.changes["annul_reason"] == [None, "Зарегистрировано ошибочно, дубль"]


def test_annul_without_a_reason_is_refused_beside_the_field(records, clerk):
    pk = _record(records)
    response = clerk.post(f"/fakerecordview/annul/{pk}", data={"reason": " "})
    assert response.status_code == 200
    assert "Укажите причину аннулирования" in response.text
    with records.app_context():
        assert db.session.get(FakeRecord, pk).annulled_at is None


def test_annul_twice_is_refused(records, clerk):
    pk = _record(records)
    clerk.post(f"/fakerecordview/annul/{pk}", data={"reason": "Дубль обращения"})
    response = clerk.post(f"/fakerecordview/annul/{pk}", data={"reason": "Ещё раз"})
    assert "уже аннулирована" in response.text
    with records.app_context():
        assert db.session.get(FakeRecord, pk).annul_reason == "Дубль обращения"


def test_annul_of_a_foreign_district_record_is_404(records, clerk):
    pk = _record(records, body="district-central")
    assert clerk.get(f"/fakerecordview/annul/{pk}").status_code == 404
    assert clerk.post(f"/fakerecordview/annul/{pk}", data={"reason": "Чужая запись"}).status_code == 404
    with records.app_context():
        assert db.session.get(FakeRecord, pk).annulled_at is None


def test_only_admin_hard_deletes_and_history_keeps_the_whole_row(records):
    pk = _record(records)
    admin = login_client(records, "admin")
    assert admin.post(f"/fakerecordview/delete/{pk}").status_code == 302
    with records.app_context():
        assert db.session.get(FakeRecord, pk) is None
        entry = db.session.scalar(
            select(ChangeLog).where(ChangeLog.table_name == "test_record", ChangeLog.action == "delete")
        )
        assert entry.changes["title"] == "Обращение о ремонте дороги"
        assert entry.changes["applicant_name"] == "Петров П. П."
        assert entry.username == "admin"


def test_lists_show_current_records_and_annulled_ones_with_the_switch(records, clerk):
    _record(records, title="Действующее обращение")
    gone = _record(records, title="Ошибочная регистрация")
    clerk.post(f"/fakerecordview/annul/{gone}", data={"reason": "Зарегистрировано ошибочно"})
    current = clerk.get("/fakerecordview/list/").text
    assert "Действующее обращение" in current and "Ошибочная регистрация" not in current
    annulled = clerk.get("/fakerecordview/list/?annulled=annulled").text
    assert "Ошибочная регистрация" in annulled and "Действующее обращение" not in annulled
    everything = clerk.get("/fakerecordview/list/?annulled=all").text
    assert "Ошибочная регистрация" in everything and "Действующее обращение" in everything
    # The annulled record itself stays reachable.
    assert clerk.get(f"/fakerecordview/show/{gone}").status_code == 200
    assert clerk.get("/fakerecordview/list/?annulled=maybe").status_code == 400


def _edit(clerk, records, pk, **changes):
    with records.app_context():
        record = db.session.get(FakeRecord, pk)
        form = {
            "title": record.title,
            "applicant_name": record.applicant_name or "",
            "body": record.body_id,
            "responsible_body": record.responsible_body_id or "__None",
            "version": record.version,
        }
    form.update(changes)
    return clerk.post(f"/fakerecordview/edit/{pk}", data=form)


def test_a_record_seen_through_one_scope_field_stays_editable(records, clerk):
    # Received by the Заводской district, answered by the city committee: the clerk edits it.
    with records.app_context():
        record = FakeRecord(
            title="Ремонт крыши", body=body_by_code("district-zavodskoy"), responsible_body=body_by_code("kgkh")
        )
        db.session.add(record)
        db.session.commit()
        pk, foreign = record.id, body_by_code("district-central").id
    assert _edit(clerk, records, pk, title="Ремонт кровли").status_code == 302
    # …but cannot point it at yet another body outside the district.
    refused = _edit(clerk, records, pk, responsible_body=foreign)
    assert refused.status_code == 200
    with records.app_context():
        record = db.session.get(FakeRecord, pk)
        assert (record.title, record.responsible_body.code) == ("Ремонт кровли", "kgkh")


def test_rest_annul_and_the_annulled_filter(records, clerk):
    kept = _record(records, title="Действующее")
    gone = _record(records, title="Ошибочное")
    assert clerk.post(f"/api/v1/fakerecord/{gone}/annul", json={"reason": ""}).status_code == 422
    response = clerk.post(f"/api/v1/fakerecord/{gone}/annul", json={"reason": "Дубль обращения"})
    assert response.status_code == 200
    assert clerk.post(f"/api/v1/fakerecord/{gone}/annul", json={"reason": "Ещё раз"}).status_code == 409
    assert {r["id"] for r in clerk.get("/api/v1/fakerecord/").json["result"]} == {kept}
    assert {r["id"] for r in clerk.get("/api/v1/fakerecord/?annulled=annulled").json["result"]} == {gone}
    assert clerk.get(f"/api/v1/fakerecord/{gone}").json["result"]["annul_reason"] == "Дубль обращения"
    assert clerk.delete(f"/api/v1/fakerecord/{kept}").status_code == 403
    foreign = _record(records, body="district-central")
    assert clerk.post(f"/api/v1/fakerecord/{foreign}/annul", json={"reason": "Чужая запись"}).status_code == 404
