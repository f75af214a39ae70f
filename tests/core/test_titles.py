"""The browser tab names the page: «<page> — Управа» on lists, cards, forms, reports, custom and error pages."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.org.models import Body


def tab_title(page: str) -> str:
    match = re.search(r"<title>(.*?)</title>", page, re.S)
    assert match, "no <title>"
    return html.unescape(" ".join(match.group(1).split()))


@pytest.fixture
def body_id(app_ctx) -> int:
    return db.session.scalar(select(Body.id).order_by(Body.id).limit(1))


@pytest.mark.parametrize(
    ("url", "title"),
    [
        ("/", "Главная — Управа"),
        ("/bodyview/list/", "Органы администрации — Управа"),
        ("/bodyview/show/{body}", "Орган администрации — Управа"),
        ("/bodyview/add", "Новый орган — Управа"),
        ("/bodyview/edit/{body}", "Орган администрации — Управа"),
        ("/appeals/reports/timeliness", "Соблюдение сроков — Управа"),
        ("/appeals/import/", "Загрузка обращений из файла — Управа"),
        ("/users/list/", "Список пользователей — Управа"),
        ("/no/such/page", "Страница или запись не найдена — Управа"),
    ],
)
def test_the_tab_title_names_the_page_then_the_panel(login, body_id, url, title):
    response = login("admin").get(url.format(body=body_id))
    assert tab_title(response.text) == title


def test_the_login_page_is_titled_too(app):
    assert tab_title(app.test_client().get("/login/").text).endswith(" — Управа")
