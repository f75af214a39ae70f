"""Org structure views: configuration only."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect
from flask_appbuilder.actions import action
from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import InputRequired

from ..core.filters import UpravaInterface
from ..core.views import UpravaModelView
from ..extensions import db
from ..security import SCOPE_LEVEL_LABELS, ScopeLevel
from .models import Body, BodyFormerName, BodyKind, District, Official
from .services import BODY_HOOKS, PROFILE_HOOKS, deactivate_officials

BODY_KIND_LABELS: dict[str, Any] = {
    BodyKind.HEAD_OFFICE.value: _l("Администрация (аппарат Главы)"),
    BodyKind.DEPUTY_HEAD_OFFICE.value: _l("Аппарат заместителя Главы"),
    BodyKind.COMMITTEE.value: _l("Комитет"),
    BodyKind.DEPARTMENT.value: _l("Управление / отдел"),
    BodyKind.DISTRICT_ADMINISTRATION.value: _l("Администрация района"),
    BodyKind.COUNCIL.value: _l("Городской Совет"),
    BodyKind.COLLEGIUM.value: _l("Коллегия"),
    BodyKind.INSTITUTION.value: _l("Муниципальное учреждение"),
    BodyKind.EXTERNAL.value: _l("Внешний орган"),
}


def _choice_label(labels: dict[Any, Any]) -> Any:
    return lambda value: labels.get(value, value)


OFFICIAL_LABELS = {
    "user": _l("Пользователь"),
    "body": _l("Орган"),
    "district": _l("Район"),
    "position": _l("Должность"),
    "appointed_on": _l("Дата назначения"),
    "phone": _l("Телефон"),
    "scope_level": _l("Область видимости"),
    "is_body_head": _l("Руководитель органа"),
    "is_active": _l("Действует"),
}
OFFICIAL_DESCRIPTIONS = {
    "scope_level": _l(
        "Какие записи видит пользователь: свой орган (с подчинёнными), свой район, курируемые органы или весь город"
    ),
    "district": _l("Для области «Свой район»; если пусто — район органа"),
}


def scope_level_field() -> SelectField:
    return SelectField(
        OFFICIAL_LABELS["scope_level"],
        choices=[(level.value, SCOPE_LEVEL_LABELS[level]) for level in ScopeLevel],
        default=ScopeLevel.BODY.value,
        validators=[InputRequired()],
        description=OFFICIAL_DESCRIPTIONS["scope_level"],
    )


class DistrictView(UpravaModelView):
    datamodel = UpravaInterface(District)
    class_permission_name = "District"
    list_title = _l("Районы города")
    show_title = _l("Район")
    add_title = _l("Новый район")
    edit_title = _l("Район")
    label_columns = {"code": _l("Код"), "name": _l("Название")}
    list_columns = ["name", "code"]
    add_columns = edit_columns = show_columns = ["name", "code"]
    search_columns = ["name", "code"]
    admin_columns = ["code"]
    base_order = ("name", "asc")


class OfficialView(UpravaModelView):
    datamodel = UpravaInterface(Official)
    hooks = PROFILE_HOOKS
    class_permission_name = "Official"
    list_title = _l("Должностные лица")
    show_title = _l("Должностное лицо")
    add_title = _l("Новый профиль должностного лица")
    edit_title = _l("Профиль должностного лица")
    label_columns = OFFICIAL_LABELS
    description_columns = OFFICIAL_DESCRIPTIONS
    list_columns = ["user", "position", "body", "scope_level", "is_active"]
    show_columns = [
        "user",
        "position",
        "appointed_on",
        "body",
        "district",
        "phone",
        "scope_level",
        "is_body_head",
        "is_active",
    ]
    add_columns = edit_columns = show_columns
    search_columns = ["user", "position", "appointed_on", "body", "district", "scope_level", "is_active"]
    formatters_columns = {"scope_level": _choice_label({lv.value: lb for lv, lb in SCOPE_LEVEL_LABELS.items()})}
    add_form_extra_fields = edit_form_extra_fields = {"scope_level": scope_level_field()}
    base_order = ("position", "asc")
    method_permission_name = {**UpravaModelView.method_permission_name, "deactivate": "write"}

    @action(
        "deactivate",
        _l("Прекратить полномочия"),
        _l("Прекратить полномочия выбранных должностных лиц? Их записи станут им не видны."),
        "fa-user-slash",
    )
    def deactivate(self, items: Any) -> Any:
        rows = items if isinstance(items, list) else [items]
        count = deactivate_officials(rows)
        db.session.commit()
        flash(str(_l("Полномочия прекращены: %(count)s", count=count)), "success")
        return redirect(self.get_redirect())


class BodyFormerNameView(UpravaModelView):
    """The card's «Прежние названия»: what the body was called before (legacy registers name it so)."""

    datamodel = UpravaInterface(BodyFormerName)
    class_permission_name = "Body"
    list_title = _l("Прежние названия")
    show_title = edit_title = _l("Прежнее название органа")
    add_title = _l("Новое прежнее название органа")
    label_columns = {
        "body": _l("Орган"),
        "name": _l("Прежнее название"),
        "used_from": _l("Использовалось с"),
        "used_until": _l("Использовалось по"),
    }
    description_columns = {
        "name": _l("Так орган назывался до переименования: поиск и загрузка из файлов узнают его по этому названию"),
    }
    list_columns = ["name", "used_from", "used_until"]
    show_columns = add_columns = ["body", "name", "used_from", "used_until"]
    edit_columns = ["name", "used_from", "used_until"]
    search_columns = ["body", "name"]
    base_order = ("used_until", "asc")


class BodyView(UpravaModelView):
    datamodel = UpravaInterface(Body)
    hooks = BODY_HOOKS
    class_permission_name = "Body"
    list_title = _l("Органы администрации")
    show_title = _l("Орган администрации")
    add_title = _l("Новый орган")
    edit_title = _l("Орган администрации")
    label_columns = {
        "code": _l("Код"),
        "name": _l("Полное название"),
        "short_name": _l("Краткое название"),
        "kind": _l("Вид"),
        "parent": _l("Вышестоящий орган"),
        "district": _l("Район"),
        "supervisor": _l("Курирующий заместитель Главы"),
        "is_external": _l("Внешний орган"),
        "email": _l("Эл. почта"),
        "phone": _l("Телефон"),
        "is_active": _l("Действует"),
    }
    list_columns = ["short_name", "name", "kind", "parent", "district", "supervisor"]
    show_columns = [
        "code",
        "name",
        "short_name",
        "kind",
        "parent",
        "district",
        "supervisor",
        "is_external",
        "email",
        "phone",
        "is_active",
    ]
    add_columns = edit_columns = show_columns
    search_columns = [
        "name",
        "short_name",
        "kind",
        "parent",
        "district",
        "supervisor",
        "is_external",
        "is_active",
    ]
    formatters_columns = {"kind": _choice_label(BODY_KIND_LABELS)}
    add_form_extra_fields = edit_form_extra_fields = {
        "kind": SelectField(
            _l("Вид"),
            choices=list(BODY_KIND_LABELS.items()),
            default=BodyKind.DEPARTMENT.value,
            validators=[InputRequired()],
        )
    }
    related_views = [OfficialView, BodyFormerNameView]
    admin_columns = ["code"]
    base_order = ("name", "asc")
