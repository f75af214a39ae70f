"""Domain errors with translated messages, and the Russian error pages / JSON errors."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g, jsonify, render_template, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """A business rule refused an operation. `status` is the REST answer; `field` the form field."""

    status: int = 422
    message: Any = _l("Операция отклонена")

    def __init__(self, message: Any = None, *, field: str | None = None, **params: Any) -> None:
        self.field = field
        self.params = params
        if message is not None:
            self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        text = str(self.message)
        return text % self.params if self.params else text


class ValidationFailed(DomainError):
    """Input that no rule can accept (a bad date, an unknown code)."""

    status = 422
    message = _l("Некорректные данные")


class ForeignScopeError(DomainError):
    """A payload names a body or district outside the user's scope."""

    status = 422
    message = _l("Орган или район вне вашей области видимости: такую запись создать нельзя")


class ReadOnlyRecord(DomainError):
    """The user sees the record only for information (a copy sent to his body): he may not change it."""

    status = 403
    message = _l(
        "Запись доступна вам только для чтения (например, копия обращения, направленная в ваш орган): "
        "изменять её, выполнять по ней действия и прикреплять к ней файлы нельзя"
    )


class LinkRefused(ForeignScopeError):
    """A payload links a record the user may not link: outside their scope, or not offered (a LinkRule)."""

    message = _l("Поле «%(label)s»: такой записи нет, или она вне вашей области видимости и её нельзя выбрать")


class ForbiddenField(DomainError):
    """The payload writes personal-data fields without the personal-data right."""

    status = 403
    message = _l("Нет права на персональные данные: поля %(fields)s изменять нельзя")


class PersonalDataRequired(DomainError):
    """The record's files hold personal data and the user lacks the personal-data right."""

    status = 403
    message = _l("Файлы этой записи содержат персональные данные: нужен доступ к персональным данным")


class ProfileChangeRefused(DomainError):
    """A change that would widen somebody's row scope, made by a non-Admin."""

    status = 403
    message = _l("Изменение области видимости доступно только администратору")


class ConflictError(DomainError):
    """The record changed since it was read, or a unique value is taken."""

    status = 409
    message = _l("Запись уже изменена другим пользователем")


class StaleVersionError(ConflictError):
    """The record was saved by somebody else after this user opened it."""

    message = _l(
        "Запись уже изменена другим пользователем. Ваши изменения не сохранены: проверьте их и сохраните снова."
    )

    def __init__(self, current_version: int, details: list[str] | None = None) -> None:
        super().__init__()
        self.current_version = current_version
        self.details = details or []


class BadListArgument(DomainError):
    """A list URL argument (sort, page, page size, filter) is not acceptable."""

    status = 400
    message = _l("Некорректный параметр списка")


ERROR_TITLES = {
    400: _l("Некорректный запрос"),
    401: _l("Требуется вход в систему"),
    403: _l("Доступ запрещён"),
    404: _l("Страница или запись не найдена"),
    405: _l("Метод не поддерживается"),
    409: _l("Конфликт изменений"),
    413: _l("Файл слишком большой"),
    422: _l("Данные не приняты"),
    429: _l("Слишком много попыток. Повторите позже"),
    500: _l("Внутренняя ошибка сервера"),
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or (request.accept_mimetypes.best == "application/json")


def error_response(status: int, message: str | None = None) -> Any:
    title = str(ERROR_TITLES.get(status, ERROR_TITLES[500]))
    if wants_json():
        return jsonify(message=message or title), status
    appbuilder = getattr(current_app, "appbuilder", None)
    if "user" not in g:
        # Errors raised before FAB's before_request (CSRF, list-argument guard) still
        # render the normal layout, whose navbar reads g.user.
        g.user = current_user
    page = render_template(
        "errors/error.html",
        status=status,
        title=title,
        message=message,
        appbuilder=appbuilder,
        base_template=appbuilder.base_template if appbuilder else None,
    )
    return page, status


def register_error_handlers(app: Flask) -> None:
    """Russian pages for the web, JSON with a message for /api/."""

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Any:
        code = exc.code or 500
        # werkzeug's default descriptions are English: the Russian title stands alone.
        description = None
        if code == 413:
            limit = current_app.config["UPRAVA_ATTACHMENT_MAX_BYTES"] // (1024 * 1024)
            description = gettext("Файл больше допустимого размера: не более %(mb)s МБ.", mb=limit)
        return error_response(code, description)

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError) -> Any:
        return error_response(
            400, gettext("Форма устарела или отправлена не из приложения. Обновите страницу и повторите.")
        )

    @app.errorhandler(DomainError)
    def _domain(exc: DomainError) -> Any:
        return error_response(exc.status, str(exc))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Any:
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return error_response(500, gettext("Ошибка записана в журнал. Обратитесь к администратору."))
