"""Who sees an instruction: its responsible body, the co-executing bodies (a collection), the people linked
(author, executor, controller), the deputy head over his supervised bodies — and nobody else (404)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from app.control.models import Instruction
from app.control.services import request_extension, submit_report
from app.extensions import db
from app.org.services import body_by_code
from app.security import scope_clause, visibility_for
from tests.control.conftest import D, new_document, new_instruction, user


def _world(app: Flask) -> dict[str, int]:
    """Three instructions: to УДКХиБ (deputy's), to culture with УДКХиБ co-executing, to КУМИ issued by the Head."""
    with app.app_context():
        ids = {
            "udkh": new_instruction(app, text="Ремонт дорог").id,
            "culture_with_udkh": new_instruction(
                app,
                text="Праздник двора",
                responsible_body=body_by_code("culture"),
                co_executors=[body_by_code("udkh")],
                issued_by=None,
                issued_by_name="Глава города",
            ).id,
            "kumi": new_instruction(
                app,
                text="Аренда помещений",
                responsible_body=body_by_code("kumi"),
                issued_by=None,
                issued_by_name="Глава города",
            ).id,
            "kumi_by_deputy": new_instruction(app, text="Инвентаризация", responsible_body=body_by_code("kumi")).id,
        }
        db.session.commit()
        return ids


def _visible(app: Flask, username: str) -> set[int]:
    with app.app_context():
        clause = scope_clause(Instruction, visibility_for(user(app, username)))
        query = select(Instruction.id)
        return set(db.session.scalars(query if clause is None else query.where(clause)))


def test_a_co_executing_body_sees_the_instruction_and_an_uninvolved_body_gets_404(app, login):
    ids = _world(app)
    assert _visible(app, "udkh") == {ids["udkh"], ids["culture_with_udkh"]}
    assert _visible(app, "culture") == {ids["culture_with_udkh"]}
    udkh, culture = login("udkh"), login("culture")
    assert udkh.get(f"/instructionview/show/{ids['culture_with_udkh']}").status_code == 200
    assert udkh.get(f"/api/v1/instruction/{ids['culture_with_udkh']}").status_code == 200
    for client, foreign in ((culture, ids["udkh"]), (culture, ids["kumi"]), (udkh, ids["kumi"])):
        assert client.get(f"/instructionview/show/{foreign}").status_code == 404
        assert client.get(f"/api/v1/instruction/{foreign}").status_code == 404
        assert client.post(f"/control/execution/report/{foreign}", data={"version": 1, "text": "x"}).status_code == 404
    listed = {row["id"] for row in udkh.get("/api/v1/instruction/?q=(page_size:100)").json["result"]}
    assert listed == {ids["udkh"], ids["culture_with_udkh"]}


def test_a_co_executing_body_reports_its_part(app):
    ids = _world(app)
    with app.test_request_context():
        from flask import g

        g.user = user(app, "udkh")
        instruction = db.session.get(Instruction, ids["culture_with_udkh"])
        from app.security import Access, row_access

        assert row_access(instruction) is Access.WRITE
        submit_report(instruction, "Площадки убраны", g.user, kind="interim", submitted_on=D(2025, 3, 20))
        db.session.rollback()


def test_a_deputy_head_sees_only_his_supervised_bodies_and_what_he_issued(app, login):
    ids = _world(app)
    # He supervises the housing committee, УДКХиБ and the housing department: their instructions (the
    # culture one too, as УДКХиБ co-executes it), not КУМИ's — except the one he issued himself (a link
    # to a person).
    assert _visible(app, "deputy") == {ids["udkh"], ids["culture_with_udkh"], ids["kumi_by_deputy"]}
    deputy = login("deputy")
    assert deputy.get(f"/instructionview/show/{ids['kumi']}").status_code == 404
    assert deputy.get(f"/instructionview/show/{ids['kumi_by_deputy']}").status_code == 200
    with app.app_context():
        # Without his own link, another deputy's bodies stay out of sight.
        assert ids["kumi"] not in _visible(app, "deputy")


def test_the_supervisor_and_the_control_officer_see_every_instruction(app):
    ids = _world(app)
    assert _visible(app, "supervisor") == set(ids.values())
    assert _visible(app, "control") == set(ids.values())


def test_statistics_count_the_responsible_body_only_not_the_co_executor(app):
    from app.control.reports import ControlFilter, executive_discipline
    from app.security import statistics_clause

    ids = _world(app)
    with app.app_context():
        vis = visibility_for(user(app, "udkh"))
        report = executive_discipline(
            ControlFilter(D(2025, 1, 1), D(2025, 12, 31), scope=statistics_clause(Instruction, vis))
        )
        assert report.total.put == 1  # its own; the co-executed one counts for culture
        assert ids["udkh"]


def test_the_deputy_asks_nothing_of_a_body_he_does_not_see_through_the_api(app, login):
    ids = _world(app)
    deputy = login("deputy")
    response = deputy.post(f"/api/v1/control/decision/{ids['kumi']}", json={"approve": True, "version": 1})
    assert response.status_code == 404


def test_a_document_is_seen_by_its_registering_and_addressee_bodies(app, login):
    with app.app_context():
        document = new_document(addressee_body=body_by_code("udkh"))
        db.session.commit()
        pk = document.id
    assert login("udkh").get(f"/documentview/show/{pk}").status_code == 200
    assert login("culture").get(f"/documentview/show/{pk}").status_code == 404
    assert login("control").get(f"/documentview/show/{pk}").status_code == 200


def test_an_extension_request_needs_a_writable_row(app, login):
    ids = _world(app)
    with app.app_context():
        instruction = db.session.get(Instruction, ids["udkh"])
        request_extension(instruction, D(2025, 5, 15), "Погода", user(app, "udkh"), requested_on=D(2025, 4, 1))
        db.session.commit()
    # The deputy sees the request on his list of decisions; the culture clerk cannot even open it.
    deputy = login("deputy")
    listed = deputy.get("/instructionview/list/?preset=awaiting").text
    assert "Пор-2025-00001" in listed
    assert login("culture").get(f"/control/extension/decide/{ids['udkh']}").status_code == 403
