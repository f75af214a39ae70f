"""Reference tables of appeals for the Admin (staff read them) and the classifier import form."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, url_for
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange

from ...core.calendar.models import DeadlineRule
from ...core.calendar.views import ShownField
from ...core.errors import DomainError
from ...core.filters import UpravaInterface
from ...core.list_render import PageFormatter
from ...core.views import UpravaModelView
from ...extensions import db
from ...security import WRITE
from .classifier import EDITION_MAX_LENGTH, SHIPPED_EDITION, check_classifier_code, import_classifier
from .models import AppealForm, AppealResult, Channel, ClassifierEntry, ClosureReason, LegalRegime, PosCategory

FORM_LABELS: dict[str, Any] = {
    AppealForm.WRITTEN.value: _l("Письменное"),
    AppealForm.ELECTRONIC.value: _l("В форме электронного документа"),
    AppealForm.ORAL.value: _l("Устное"),
}
REGIME_LABELS: dict[str, Any] = {
    LegalRegime.FZ59.value: _l("Обращение по 59-ФЗ"),
    LegalRegime.POS_1802.value: _l("Сообщение ПОС (ПП РФ № 1802)"),
    LegalRegime.SOCIAL.value: _l("Публикация в социальной сети"),
}


def _label(labels: dict[str, Any]) -> Any:
    return lambda value: labels.get(value, value)


def _rule_choices() -> list[tuple[str, str]]:
    # Read when the form is built: an Admin may add a rule (e.g. a social-network SLA) at any time.
    rules = db.session.execute(select(DeadlineRule.code, DeadlineRule.name).order_by(DeadlineRule.name))
    return [(code, f"{name} ({code})") for code, name in rules]


def _rule_names(codes: list[str]) -> dict[str, str]:
    rows = db.session.execute(select(DeadlineRule.code, DeadlineRule.name).where(DeadlineRule.code.in_(codes)))
    return {code: name for code, name in rows}


#: The rule by its name: its code is a key for the program (the Admin's form still shows it). Read
#: once per list page.
_rule_name = PageFormatter(_rule_names, lambda code, name: name or code)


def _edition_label(edition: str) -> Any:
    """The shipped edition by what it is, not by its key «2026-shipped»."""
    return _l("Поставляемая с системой (2026)") if edition == SHIPPED_EDITION else edition


class ChannelView(UpravaModelView):
    datamodel = UpravaInterface(Channel)
    class_permission_name = "AppealChannel"
    list_title = _l("Каналы поступления обращений")
    show_title = edit_title = _l("Канал поступления")
    add_title = _l("Новый канал поступления")
    label_columns = {
        "code": _l("Код"),
        "name": _l("Название"),
        "form": _l("Форма обращения"),
        "legal_regime": _l("Правовой режим"),
        "deadline_rule_code": _l("Срок рассмотрения"),
        "is_active": _l("Действует"),
        "sort_order": _l("Порядок"),
    }
    description_columns = {
        "code": _l("Постоянный ключ, по которому программа находит канал; после создания не меняется"),
        "form": _l("Форма, которая предлагается для обращения из этого канала"),
        "deadline_rule_code": _l("Правило из справочника «Сроки исполнения», по которому считается срок ответа"),
    }
    list_columns = ["name", "code", "form", "legal_regime", "deadline_rule_code", "is_active", "sort_order"]
    show_columns = ["code", "name", "form", "legal_regime", "deadline_rule_code", "is_active", "sort_order"]
    add_columns = edit_columns = show_columns
    search_columns = ["name", "code", "form", "legal_regime", "is_active"]
    admin_columns = ["code"]
    base_order = ("sort_order", "asc")
    formatters_columns = {
        "form": _label(FORM_LABELS),
        "legal_regime": _label(REGIME_LABELS),
        "deadline_rule_code": _rule_name,
    }
    add_form_extra_fields = {
        "form": SelectField(_l("Форма обращения"), choices=list(FORM_LABELS.items()), validators=[InputRequired()]),
        "legal_regime": SelectField(
            _l("Правовой режим"), choices=list(REGIME_LABELS.items()), validators=[InputRequired()]
        ),
        "deadline_rule_code": SelectField(_l("Срок рассмотрения"), choices=_rule_choices, validators=[InputRequired()]),
    }
    edit_form_extra_fields = {**add_form_extra_fields, "code": ShownField(_l("Код"))}
    search_form_extra_fields = {
        "form": SelectField(_l("Форма обращения"), choices=list(FORM_LABELS.items())),
        "legal_regime": SelectField(_l("Правовой режим"), choices=list(REGIME_LABELS.items())),
    }


class PosCategoryView(UpravaModelView):
    datamodel = UpravaInterface(PosCategory)
    class_permission_name = "PosCategory"
    list_title = _l("Категории ПОС")
    show_title = edit_title = _l("Категория ПОС")
    add_title = _l("Новая категория ПОС")
    label_columns = {
        "code": _l("Код"),
        "name": _l("Название"),
        "parent": _l("Вышестоящая категория"),
        "deadline_working_days": _l("Срок ответа, рабочих дней"),
        "classifier_code": _l("Код классификатора по умолчанию"),
    }
    description_columns = {
        "code": _l("Постоянный ключ категории (как в выгрузке ПОС); после создания не меняется"),
        "deadline_working_days": _l("Если пусто — срок канала ПОС (10 рабочих дней)"),
        "classifier_code": _l("Код вопроса, который подставляется для сообщений этой категории"),
    }
    list_columns = ["name", "code", "parent", "deadline_working_days", "classifier_code"]
    show_columns = ["code", "name", "parent", "deadline_working_days", "classifier_code"]
    add_columns = edit_columns = show_columns
    search_columns = ["name", "code", "parent", "classifier_code"]
    admin_columns = ["code"]
    base_order = ("name", "asc")
    validators_columns = {"deadline_working_days": [NumberRange(min=1, max=60)]}
    edit_form_extra_fields = {"code": ShownField(_l("Код"))}

    def pre_add(self, item: PosCategory) -> None:
        super().pre_add(item)
        check_classifier_code(item.classifier_code)

    def pre_update(self, item: PosCategory) -> None:
        super().pre_update(item)
        check_classifier_code(item.classifier_code)


class AppealResultView(UpravaModelView):
    datamodel = UpravaInterface(AppealResult)
    class_permission_name = "AppealResult"
    list_title = _l("Результаты рассмотрения")
    show_title = edit_title = _l("Результат рассмотрения")
    add_title = _l("Новый результат рассмотрения")
    label_columns = {"code": _l("Код"), "name": _l("Название"), "sort_order": _l("Порядок")}
    list_columns = ["name", "code", "sort_order"]
    show_columns = add_columns = edit_columns = ["code", "name", "sort_order"]
    search_columns = ["name", "code"]
    admin_columns = ["code"]
    base_order = ("sort_order", "asc")
    edit_form_extra_fields = {"code": ShownField(_l("Код"))}


class ClosureReasonView(UpravaModelView):
    datamodel = UpravaInterface(ClosureReason)
    class_permission_name = "ClosureReason"
    list_title = _l("Основания оставить обращение без ответа по существу")
    show_title = edit_title = _l("Основание (ст. 11 59-ФЗ)")
    add_title = _l("Новое основание")
    label_columns = {
        "code": _l("Код"),
        "name": _l("Основание"),
        "article": _l("Норма закона"),
        "notice_days": _l("Уведомить заявителя, дней"),
    }
    description_columns = {"notice_days": _l("Срок уведомления заявителя, если его устанавливает закон")}
    list_columns = ["name", "article", "notice_days", "code"]
    show_columns = add_columns = edit_columns = ["code", "name", "article", "notice_days"]
    search_columns = ["name", "code", "article"]
    admin_columns = ["code"]
    base_order = ("code", "asc")
    validators_columns = {"notice_days": [NumberRange(min=1, max=60)]}
    edit_form_extra_fields = {"code": ShownField(_l("Код"))}


class ClassifierImportForm(FlaskForm):
    edition = StringField(
        _l("Название редакции"),
        validators=[InputRequired(), Length(max=EDITION_MAX_LENGTH)],
        description=_l("Например, «2027-01»: по нему различаются редакции классификатора"),
    )
    file = FileField(
        _l("Файл классификатора (XLSX или CSV)"),
        validators=[FileRequired(_l("Выберите файл XLSX или CSV"))],
        description=_l(
            "Столбцы: «Код», «Уровень», «Наименование» и, по желанию, «Родитель» "
            "(или code, level, name, parent_code); CSV — в UTF-8, разделитель «,» или «;»"
        ),
    )


class ClassifierView(UpravaModelView):
    datamodel = UpravaInterface(ClassifierEntry)
    class_permission_name = "Classifier"
    # Editions are imported whole, never edited row by row.
    include_route_methods = {"list", "show", "export_xlsx", "export_csv", "import_edition"}
    method_permission_name = {**UpravaModelView.method_permission_name, "import_edition": WRITE}
    record_files = False
    list_title = _l("Тематический классификатор обращений")
    show_title = _l("Код классификатора")
    label_columns = {
        "code": _l("Код"),
        "name": _l("Наименование"),
        "level": _l("Уровень"),
        "level_name": _l("Уровень"),
        "parent_code": _l("Родитель"),
        "edition": _l("Редакция"),
        "is_assignable": _l("Можно присвоить вопросу"),
        "is_active": _l("Действующая редакция"),
    }
    list_columns = ["code", "name", "level_name", "is_assignable", "edition", "is_active"]
    show_columns = ["code", "name", "level_name", "parent_code", "is_assignable", "edition", "is_active"]
    search_columns = ["code", "name", "level", "is_assignable", "edition", "is_active"]
    order_columns = ["code", "edition"]
    base_order = ("code", "asc")
    formatters_columns = {"edition": _edition_label}

    @expose("/import", methods=["GET", "POST"])
    @has_access
    def import_edition(self) -> Any:
        """Upload a new edition: all rows are checked first; any bad row and nothing is imported."""
        form = ClassifierImportForm()
        report = None
        if form.validate_on_submit():
            upload = form.file.data
            try:
                report = import_classifier(upload.read(), upload.filename or "", form.edition.data)
            except DomainError as exc:
                db.session.rollback()
                getattr(form, exc.field or "file").errors.append(str(exc))
            else:
                if report.ok:
                    db.session.commit()
                    flash(self._success_message(report), "success")
                    return redirect(url_for(f"{type(self).__name__}.list"))
                db.session.rollback()
        return self.render_template(
            "appeals/classifier_import.html", title=_l("Загрузка редакции классификатора"), form=form, report=report
        )

    @staticmethod
    def _success_message(report: Any) -> str:
        counts = report.counts
        return gettext(
            "Загружена редакция «%(edition)s»: разделов — %(l1)s, тематик — %(l2)s, тем — %(l3)s, "
            "вопросов — %(l4)s, уточнений — %(l5)s; можно присвоить вопросу — %(assignable)s кодов. "
            "Она стала действующей, прежняя редакция сохранена как недействующая.",
            edition=report.edition,
            l1=counts.get(1, 0),
            l2=counts.get(2, 0),
            l3=counts.get(3, 0),
            l4=counts.get(4, 0),
            l5=counts.get(5, 0),
            assignable=report.assignable,
        )
