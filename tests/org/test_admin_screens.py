"""Admin screens without internals: role cards, the user card and form, dialogs, the language menu (issue #13)."""

from __future__ import annotations

import re

from app.extensions import db
from app.security import ROLE_LABELS

CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def _role_id(app, name: str) -> int:
    with app.app_context():
        return app.appbuilder.sm.find_role(name).id


def _rights(page: str) -> dict[str, tuple[bool, bool, bool]]:
    """The role card's rights table: resource -> (read, write, delete)."""
    table = page[page.index("Права роли") :]
    rows = re.findall(r"<tr>\s*<td>([^<]+)</td>(.*?)</tr>", table, re.S)
    return {
        name.strip(): tuple("fa-check" in cell for cell in re.findall(r"<td.*?</td>", cells, re.S))
        for name, cells in rows
    }


# ---- 10: roles -------------------------------------------------------------------------------


def test_the_role_list_names_roles_in_russian(login):
    text = visible_text(login("admin").get("/roles/list/").text)
    for label in ROLE_LABELS.values():
        assert str(label) in text


def test_a_builtin_role_card_shows_its_rights_as_a_table_not_regexes(app, login):
    page = login("admin").get(f"/roles/show/{_role_id(app, 'AppealsClerk')}").text
    rights = _rights(page)
    assert rights["Обращения граждан"] == (True, True, False)
    assert rights["Органы администрации"] == (True, False, False)
    assert rights["Персональные данные граждан"] == (True, False, False)
    assert "Пользователи" not in rights
    assert "^(" not in page and "can_read" not in page and "[(" not in page


def test_a_composed_role_card_shows_the_rights_it_was_given(app, login):
    sm = app.appbuilder.sm
    with app.app_context():
        role = sm.add_role("BodyEditors")
        for perm in ("can_read", "can_write"):
            sm.add_permission_role(role, sm.find_permission_view_menu(perm, "Body"))
        db.session.commit()
        role_id = role.id
    rights = _rights(login("admin").get(f"/roles/show/{role_id}").text)
    assert rights == {"Органы администрации": (True, True, False)}


def test_the_public_role_and_builtin_roles_cannot_be_edited_or_deleted(app, login):
    admin = login("admin")
    public_id = _role_id(app, "Public")
    listing = admin.get("/roles/list/").text
    assert f"/roles/edit/{public_id}" not in listing and f"/roles/delete/{public_id}" not in listing
    for name in ("Public", "Admin", "AppealsClerk"):
        role_id = _role_id(app, name)
        response = admin.post(f"/roles/edit/{role_id}", data={"name": "Renamed"}, follow_redirects=True)
        assert "нельзя изменить или удалить" in response.text
        admin.post(f"/roles/delete/{role_id}", follow_redirects=True)
        with app.app_context():
            assert app.appbuilder.sm.find_role(name) is not None, name
            assert app.appbuilder.sm.find_role("Renamed") is None


def test_a_composed_role_can_still_be_edited(app, login):
    sm = app.appbuilder.sm
    with app.app_context():
        role_id = sm.add_role("Temporary").id
        db.session.commit()
    admin = login("admin")
    assert admin.post(f"/roles/edit/{role_id}", data={"name": "Renamed"}).status_code == 302
    with app.app_context():
        assert sm.find_role("Renamed") is not None


# ---- 11: the user card and form ----------------------------------------------------------------


def test_a_user_who_never_signed_in_shows_zero_sign_ins_and_no_empty_fields(app, login):
    with app.app_context():
        user = app.appbuilder.sm.find_user(username="events")
        assert user.login_count is None and user.created_by is None
        user_id = user.id
    text = visible_text(login("admin").get(f"/users/show/{user_id}").text)
    assert re.search(r"Количество входов 0\b", text)
    assert "None" not in text
    assert "Последний вход" not in text and "Кем создано" not in text


def test_a_section_with_nothing_to_show_is_not_shown(app, login):
    user_id = _user_id(app, "events")
    with app.app_context():
        from flask_appbuilder.security.sqla.models import User

        db.session.execute(
            User.__table__.update()
            .where(User.id == user_id)
            .values(created_on=None, changed_on=None, last_login=None, fail_login_count=None)
        )
        db.session.commit()
    text = visible_text(login("admin").get(f"/users/show/{user_id}").text)
    # «Данные аудита» still holds the failed sign-ins (0); empty dates and authors are left out.
    assert "Дата создания" not in text and "Дата изменения" not in text
    assert re.search(r"Неудачных попыток входа 0\b", text)


def _user_id(app, username: str) -> int:
    with app.app_context():
        return app.appbuilder.sm.find_user(username=username).id


def test_the_user_form_help_mentions_no_sign_in_method_that_is_off(login):
    text = visible_text(login("admin").get("/users/add").text)
    assert "OpenID" not in text and "LDAP" not in text
    assert "Имя, которое пользователь вводит при входе в систему" in text


# ---- 12: dialogs and the language menu --------------------------------------------------------------


def test_the_confirmation_dialog_is_russian(login):
    page = login("admin").get("/roles/list/").text
    dialog = page[page.index('id="modal-confirm"') :]
    dialog = dialog[: dialog.index("</div>\n</div>")]
    assert "Отмена" in dialog and ">OK<" in dialog
    assert "Cancel" not in dialog and "User confirmation" not in dialog


def test_the_language_menu_names_the_language_without_a_hyphen(login):
    page = login("admin").get("/").text
    item = re.search(r'href="/lang/en"[^>]*>(.*?)</a>', page, re.S).group(1)
    assert visible_text(item) == "English"
