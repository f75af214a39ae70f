"""The appeals' reference tables in the UI: Admin edits and imports, staff only read."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from sqlalchemy import select

from app.appeals.reference import register, seed
from app.appeals.reference.classifier import SHIPPED_EDITION, active_edition
from app.appeals.reference.models import Channel, ClassifierEntry, PosCategory
from app.appeals.reference.views import ClassifierView
from app.extensions import db
from tests.conftest import login_client, make_test_app

GOOD = (
    "Код;Уровень;Родитель;Наименование\n"
    "0001.0000.0000.0000;1;;Государство\n"
    "0001.0001.0000.0000;2;0001.0000.0000.0000;Конституционный строй\n"
    "0001.0001.0015.0000;3;0001.0001.0000.0000;Местное самоуправление\n"
    "0001.0001.0015.0042;4;0001.0001.0015.0000;Деятельность органов местного самоуправления\n"
)
BAD = (
    "code,level,parent_code,name\n"
    "0001.0000.0000.0000,1,,Государство\n"
    "0001.0001.0000.0000,3,0001.0000.0000.0000,Конституционный строй\n"
    "0001.0001.0015.0042,4,0001.0001.0015.0000,<b>Вопрос</b>\n"
)


@pytest.fixture(scope="session")
def ref_app(app: Flask, database_url: str) -> Flask:
    """The app with the appeals' reference views: create_app's own once it calls register(), else one of ours."""
    if any(isinstance(view, ClassifierView) for view in app.appbuilder.baseviews):
        return app
    application = make_test_app(database_url)
    with application.app_context():
        register(application.appbuilder)
    return application


@pytest.fixture
def seeded(ref_app: Flask) -> Flask:
    with ref_app.app_context():
        seed()
        db.session.commit()
    return ref_app


def _upload(client, content: str, edition: str, filename: str = "classifier.csv"):
    return client.post(
        "/classifierview/import",
        data={"edition": edition, "file": (io.BytesIO(content.encode("utf-8")), filename)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def _editions(app: Flask) -> dict[str, bool]:
    with app.app_context():
        rows = db.session.execute(select(ClassifierEntry.edition, ClassifierEntry.is_active).distinct()).all()
        return dict(rows)


def test_admin_imports_an_edition_and_sees_the_counts(seeded):
    client = login_client(seeded, "admin")
    assert "Название редакции" in client.get("/classifierview/import").text

    page = _upload(client, GOOD, "2027-01").text

    assert "Загружена редакция «2027-01»: разделов — 1, тематик — 1, тем — 1, вопросов — 1, уточнений — 0" in page
    assert "можно присвоить вопросу — 1 кодов" in page
    assert _editions(seeded) == {SHIPPED_EDITION: False, "2027-01": True}


def test_admin_sees_every_bad_row_and_nothing_is_imported(seeded):
    client = login_client(seeded, "admin")

    response = _upload(client, BAD, "2027-01")

    page = response.text
    assert response.status_code == 200
    assert "Редакция не загружена: в файле есть ошибки (2)" in page
    report = page.split('id="import-report"')[1].split("</table>")[0]
    assert "<td>3</td>" in report and "Уровень не соответствует коду: по коду это уровень 2" in report
    assert "<td>4</td>" in report and "Родитель 0001.0001.0015.0000 отсутствует в файле" in report
    assert "<b>Вопрос</b>" not in page  # the file's text is shown escaped
    assert _editions(seeded) == {SHIPPED_EDITION: True}


def test_admin_is_told_an_edition_name_is_taken(seeded):
    client = login_client(seeded, "admin")
    page = _upload(client, GOOD, SHIPPED_EDITION).text
    assert "Редакция «2026-shipped» уже загружена: укажите другое название редакции" in page
    assert _editions(seeded) == {SHIPPED_EDITION: True}


def test_staff_cannot_import_an_edition(seeded):
    client = login_client(seeded, "appeals")
    assert client.get("/classifierview/import").status_code == 403
    response = client.post(
        "/classifierview/import",
        data={"edition": "2027-01", "file": (io.BytesIO(GOOD.encode()), "c.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    with seeded.app_context():
        assert active_edition() == SHIPPED_EDITION


def test_staff_read_the_reference_lists_but_cannot_change_them(seeded):
    client = login_client(seeded, "zavodskoy")
    channels = client.get("/channelview/list/").text
    # The deadline rule by its name: its code is the Admin's (issue #13, internal codes).
    assert "«Кузбасс онлайн»" in channels and "Ответ на сообщение через Платформу обратной связи" in channels
    assert "appeal_pos" not in channels
    assert "Поддержано, в том числе меры приняты" in client.get("/appealresultview/list/").text
    assert "ч. 4.1 ст. 11 № 59-ФЗ" in client.get("/closurereasonview/list/").text
    assert (
        "Обращение с твердыми коммунальными отходами"
        in client.get("/classifierview/list/?_flt_0_code=0005.0005.0056.1160").text
    )
    assert client.get("/channelview/add").status_code == 403
    with seeded.app_context():
        pk = db.session.scalar(select(Channel.id).where(Channel.code == "letter"))
    assert client.post(f"/channelview/edit/{pk}", data={"name": "Взломано"}).status_code == 403


def test_admin_picks_a_channel_term_from_the_rule_table(seeded):
    client = login_client(seeded, "admin")
    with seeded.app_context():
        channel = db.session.scalar(select(Channel).where(Channel.code == "social"))
        pk, version = channel.id, channel.version
    form = client.get(f"/channelview/edit/{pk}").text
    assert 'value="appeal_pos"' in form and 'value="housing_decision"' in form

    data = {
        "name": "Социальные сети (ЦУР)",
        "form": "electronic",
        "legal_regime": "social",
        "deadline_rule_code": "appeal_pos",
        "is_active": "y",
        "sort_order": "50",
        "version": str(version),
    }
    refused = client.post(f"/channelview/edit/{pk}", data={**data, "deadline_rule_code": "no_such_rule"})
    client.post(f"/channelview/edit/{pk}", data=data)

    assert "Неверный вариант" in refused.text
    with seeded.app_context():
        channel = db.session.get(Channel, pk)
        assert (channel.code, channel.name, channel.deadline_rule_code) == (
            "social",
            "Социальные сети (ЦУР)",
            "appeal_pos",
        )


def test_pos_category_takes_only_a_code_a_question_may_carry(seeded):
    client = login_client(seeded, "admin")
    data = {"code": "lighting", "name": "Освещение", "classifier_code": "0003.0009.0097.0000"}

    refused = client.post("/poscategoryview/add", data=data)
    client.post("/poscategoryview/add", data={**data, "classifier_code": "0003.0009.0097.0690"})

    assert "Код 0003.0009.0097.0000 нельзя присвоить вопросу" in refused.text
    with seeded.app_context():
        saved = db.session.execute(select(PosCategory.classifier_code).where(PosCategory.code == "lighting")).all()
        assert saved == [("0003.0009.0097.0690",)]


def _menu(client) -> dict[str, list[str]]:
    data = client.get("/api/v1/menu/").json["result"]
    return {item["name"]: [child["name"] for child in item.get("childs", [])] for item in data}


def test_staff_menu_lists_the_reference_tables_and_only_admin_gets_the_import(ref_app):
    tables = ["AppealChannels", "PosCategories", "AppealResults", "ClosureReasons", "Classifier"]

    def appeal_tables(username: str) -> list[str]:
        return [
            name
            for name in _menu(login_client(ref_app, username))["Reference"]
            if name in {*tables, "ClassifierImport"}
        ]

    assert appeal_tables("supervisor") == tables
    assert appeal_tables("appeals") == tables
    assert appeal_tables("admin") == [*tables, "ClassifierImport"]
    labels = {
        item["name"]: item["label"] for item in login_client(ref_app, "housing").get("/api/v1/menu/").json["result"]
    }
    assert labels["Reference"] == "Справочники"


def test_staff_export_the_classifier_list(seeded):
    client = login_client(seeded, "supervisor")
    response = client.post("/classifierview/export/csv?_flt_0_code=0005.0005.0056")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "0005.0005.0056.1160" in text and "Обращение с твердыми коммунальными отходами" in text
    assert "0001.0001.0015.0042" not in text
