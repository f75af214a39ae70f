"""Internal codes (`letter`, `zavodskoy`, `zhkh`, `2026-shipped`, `org_official_card`) are not shown to clerks.

Code columns of reference views are the Admin's (`admin_columns`): everybody else reads the names, in lists,
cards, filters, sorting and exports alike.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.appeals.reference.models import Channel
from app.extensions import db

LISTS = {
    "/channelview/list/": ["letter", "kuzbass_online"],
    "/poscategoryview/list/": ["zhkh"],
    "/districtview/list/": ["zavodskoy"],
    "/deadlineruleview/list/": ["appeal_answer"],
    "/documenttemplates/list/": ["org_official_card"],
}


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


@pytest.mark.parametrize("url", sorted(LISTS))
def test_a_clerk_reads_reference_lists_by_name_without_codes(login, url):
    clerk, admin = login("appeals"), login("admin")
    clerk_text, admin_text = visible_text(clerk.get(url).text), visible_text(admin.get(url).text)
    for code in LISTS[url]:
        assert not re.search(rf"\b{code}\b", clerk_text), (url, code)
        assert re.search(rf"\b{code}\b", admin_text), (url, code)  # the Admin keeps the keys
    assert not re.search(r"\bКод\b(?! классификатора)", clerk_text)  # no «Код» column (a classifier code is public)


def test_a_clerk_reads_a_card_without_its_code(app, login):
    with app.app_context():
        channel_id = db.session.scalar(select(Channel.id).where(Channel.code == "kuzbass_online"))
    text = visible_text(login("zavodskoy").get(f"/channelview/show/{channel_id}").text)
    assert "kuzbass_online" not in text and "Кузбасс" in text


def test_a_channel_names_its_deadline_rule_without_the_rules_code(login):
    text = visible_text(login("appeals").get("/channelview/list/").text)
    assert not re.search(r"\(appeal_[a-z_]+\)", text)


def test_the_shipped_classifier_edition_is_named_not_keyed(login):
    text = visible_text(login("appeals").get("/classifierview/list/").text)
    assert "2026-shipped" not in text
    assert "Поставляемая с системой (2026)" in text


def test_a_clerk_can_neither_filter_nor_sort_nor_export_by_a_code(login):
    clerk = login("appeals")
    assert clerk.get("/channelview/list/?_flt_0_code=letter").status_code == 400
    assert clerk.get("/channelview/list/?_oc_ChannelView=code&_od_ChannelView=asc").status_code == 400
    exported = clerk.post("/channelview/export/csv").get_data(as_text=True)
    assert "letter" not in exported and "Код" not in exported.splitlines()[1]
    assert "letter" in login("admin").post("/channelview/export/csv").get_data(as_text=True)
