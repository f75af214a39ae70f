"""REST API of control (OpenAPI), scoped like the UI.

CRUD: /api/v1/correspondent, /api/v1/document, /api/v1/resolution, /api/v1/instruction; read-only:
/api/v1/instructionextension, /api/v1/executionreport. The workflow, each under its own right as in
the UI: /api/v1/control/execution/<id>/report|extension (body staff), /api/v1/control/decision/<id>
(the author of the deadline), /api/v1/control/instruction/<id>/remove (the control officer) and the
executive-discipline figures /api/v1/control/instruction/discipline (R-C1 as JSON).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flask import request
from flask_appbuilder.api import BaseApi, expose, protect, safe
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ..core.dates import parse_date
from ..core.errors import DomainError, ValidationFailed
from ..core.filters import UpravaInterface
from ..core.history import check_version
from ..core.inputs import is_digits
from ..core.views import UpravaModelRestApi
from ..extensions import db
from ..security import READ, WRITE, Access, ensure_writable, request_user, row_access, statistics_clause
from .models import Correspondent, Document, ExecutionReport, Extension, Instruction, Resolution
from .reports import ControlFilter, executive_discipline
from .services import (
    CORRESPONDENT_HOOKS,
    DOCUMENT_HOOKS,
    INSTRUCTION_HOOKS,
    RESOLUTION_HOOKS,
    decide_extension,
    pending_extension,
    remove_from_control,
    request_extension,
    submit_report,
)
from .views import CorrespondentView, DocumentView, InstructionView, ResolutionView

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder


class CorrespondentApi(UpravaModelRestApi):
    resource_name = "correspondent"
    hooks = CORRESPONDENT_HOOKS
    class_permission_name = "Correspondent"
    datamodel = UpravaInterface(Correspondent)
    list_columns = show_columns = ["id", *CorrespondentView.show_columns, "version"]
    add_columns = edit_columns = CorrespondentView.add_columns
    order_columns = ["name", "kind"]
    search_columns = ["kind", "name", "inn", "is_active"]


class DocumentApi(UpravaModelRestApi):
    resource_name = "document"
    class_permission_name = "ControlDocument"
    datamodel = UpravaInterface(Document)
    hooks = DOCUMENT_HOOKS
    list_columns = [
        "id",
        "direction",
        "reg_number",
        "reg_date",
        "kind_id",
        "correspondent_id",
        "corr_number",
        "corr_date",
        "registering_body_id",
        "addressee_body_id",
        "summary",
        "annulled_at",
    ]
    show_columns = [
        *list_columns,
        "signed_by",
        "pages",
        "delivery",
        "case_file",
        "reply_to_id",
        "executes_id",
        "version",
    ]
    add_columns = DocumentView.add_columns
    edit_columns = DocumentView.edit_columns
    order_columns = ["reg_date", "reg_number"]
    search_columns = ["reg_number", "reg_date", "direction", "kind", "registering_body", "addressee_body"]
    base_order = ("reg_date", "desc")


class ResolutionApi(UpravaModelRestApi):
    resource_name = "resolution"
    class_permission_name = "ControlDocument"
    datamodel = UpravaInterface(Resolution)
    hooks = RESOLUTION_HOOKS
    list_columns = show_columns = [
        "id",
        "document_id",
        "parent_id",
        "author_id",
        "author_name",
        "text",
        "date",
        "deadline",
        "version",
    ]
    add_columns = ResolutionView.add_columns
    edit_columns = ResolutionView.edit_columns
    order_columns = ["id", "date"]
    search_columns = ["document", "date", "deadline"]


class InstructionApi(UpravaModelRestApi):
    resource_name = "instruction"
    class_permission_name = "Instruction"
    datamodel = UpravaInterface(Instruction)
    hooks = INSTRUCTION_HOOKS
    list_columns = [
        "id",
        "reg_number",
        "reg_date",
        "source_kind",
        "source_id",
        "text",
        "responsible_body_id",
        "executor_id",
        "controller_id",
        "issued_by_id",
        "issued_by_name",
        "urgency",
        "deadline_original",
        "deadline",
        "control_date",
        "status",
        "removed_on",
        "annulled_at",
    ]
    show_columns = [
        *list_columns,
        "source_note",
        "document_id",
        "resolution_id",
        "is_head_instruction",
        "issued_on",
        "co_executors.id",
        "removal_basis",
        "result",
        "version",
    ]
    add_columns = InstructionView.add_columns
    edit_columns = InstructionView.edit_columns
    order_columns = ["reg_date", "reg_number", "deadline", "status"]
    search_columns = [
        "reg_number",
        "reg_date",
        "status",
        "responsible_body",
        "executor",
        "issued_by",
        "controller",
        "deadline",
        "is_head_instruction",
    ]
    base_order = ("reg_date", "desc")
    # Columns the web view has no field for (its source link is one column there).
    label_columns = {"source_id": _l("Запись источника"), "co_executors.id": _l("Соисполнители")}

    def _init_model_schemas(self) -> None:
        super()._init_model_schemas()
        # Filled by the rules when not given, as on the form (the columns themselves are NOT NULL).
        for name in ("deadline", "control_date", "issued_on"):
            self.add_model_schema.fields[name].required = False


class ExtensionApi(UpravaModelRestApi):
    resource_name = "instructionextension"
    class_permission_name = "InstructionExecution"
    datamodel = UpravaInterface(Extension)
    include_route_methods = {"get", "get_list", "info"}
    list_columns = show_columns = [
        "id",
        "instruction_id",
        "old_deadline",
        "requested_deadline",
        "reason",
        "requested_by_id",
        "requested_on",
        "status",
        "decided_by_id",
        "decided_on",
        "approved_deadline",
        "decision_comment",
        "decision_basis",
    ]
    order_columns = ["id", "requested_on"]
    search_columns = ["instruction", "status", "requested_on"]


class ExecutionReportApi(UpravaModelRestApi):
    resource_name = "executionreport"
    class_permission_name = "InstructionExecution"
    datamodel = UpravaInterface(ExecutionReport)
    include_route_methods = {"get", "get_list", "info"}
    list_columns = show_columns = [
        "id",
        "instruction_id",
        "kind",
        "text",
        "submitted_by_id",
        "submitted_on",
        "decision",
        "decided_by_id",
        "decided_on",
        "comment",
    ]
    order_columns = ["id", "submitted_on"]
    search_columns = ["instruction", "kind", "decision"]


# ---- the workflow ------------------------------------------------------------------------------------


def _payload() -> dict[str, Any]:
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise ValidationFailed(_l("Ожидается JSON-объект"))
    return payload


def _date(payload: dict[str, Any], key: str, required: bool = False) -> dt.date | None:
    value = payload.get(key)
    if value in (None, ""):
        if required:
            raise ValidationFailed(_l("Поле «%(field)s» обязательно"), field=key)
        return None
    try:
        return parse_date(str(value))
    except ValueError:
        raise ValidationFailed(_l("Поле «%(field)s»: дата ГГГГ-ММ-ДД или ДД.ММ.ГГГГ"), field=key) from None


def _text(payload: dict[str, Any], key: str) -> str:
    value = payload.get(key)
    return value if isinstance(value, str) else ""


class _WorkflowApi(BaseApi):
    """One instruction's action through the API: the row scope, the version, the service, one commit."""

    allow_browser_login = True
    openapi_spec_tag = "Контроль исполнения"

    def _run(self, pk: int, act: Callable[[Instruction, dict[str, Any]], Any], message: Any) -> Any:
        try:
            instruction = db.session.get(Instruction, pk)
            if instruction is None or instruction.annulled_at is not None or row_access(instruction) is Access.NONE:
                return self.response_404()
            ensure_writable(instruction)
            payload = _payload()
            check_version(instruction, payload.get("version") or request.headers.get("If-Match"), required=True)
            act(instruction, payload)
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            return self.response(exc.status, message=str(exc))
        return self.response(200, message=str(message), id=instruction.id, status=instruction.status)


class ExecutionApi(_WorkflowApi):
    resource_name = "controlexecution"
    route_base = "/api/v1/control/execution"
    class_permission_name = "InstructionExecution"
    method_permission_name = {"report": WRITE, "extension": WRITE}

    @expose("/<int:pk>/report", methods=["POST"])
    @protect()
    @safe
    def report(self, pk: int) -> Any:
        """Report execution (`kind`: interim|final, `text`; `version` of the instruction).
        ---
        post:
          parameters:
          - in: path
            schema:
              type: integer
            name: pk
          responses:
            200:
              description: Reported
            403:
              $ref: '#/components/responses/401'
            404:
              $ref: '#/components/responses/404'
            422:
              $ref: '#/components/responses/422'
        """
        return self._run(
            pk,
            lambda i, p: submit_report(i, _text(p, "text"), request_user(), kind=_text(p, "kind") or "final"),
            gettext("Отчёт об исполнении направлен контролёру"),
        )

    @expose("/<int:pk>/extension", methods=["POST"])
    @protect()
    @safe
    def extension(self, pk: int) -> Any:
        """Ask for an extension (`new_deadline`, `reason`; `version` of the instruction).
        ---
        post:
          parameters:
          - in: path
            schema:
              type: integer
            name: pk
          responses:
            200:
              description: Requested
            404:
              $ref: '#/components/responses/404'
            422:
              $ref: '#/components/responses/422'
        """
        return self._run(
            pk,
            lambda i, p: request_extension(
                i, _date(p, "new_deadline", required=True), _text(p, "reason"), request_user()
            ),
            gettext("Запрос на продление направлен автору срока"),
        )


class DecisionApi(_WorkflowApi):
    resource_name = "controldecision"
    route_base = "/api/v1/control/decision"
    class_permission_name = "ExtensionDecision"
    method_permission_name = {"decide": WRITE}

    @expose("/<int:pk>", methods=["POST"])
    @protect()
    @safe
    def decide(self, pk: int) -> Any:
        """Decide the pending extension (`approve`: true|false, `new_deadline`, `comment`, `basis`, `version`).
        ---
        post:
          parameters:
          - in: path
            schema:
              type: integer
            name: pk
          responses:
            200:
              description: Decided
            403:
              $ref: '#/components/responses/401'
            404:
              $ref: '#/components/responses/404'
            422:
              $ref: '#/components/responses/422'
        """

        def act(instruction: Instruction, payload: dict[str, Any]) -> Any:
            extension = pending_extension(instruction)
            if extension is None:
                raise ValidationFailed(_l("Нет запроса на продление, ждущего решения"))
            return decide_extension(
                extension,
                payload.get("approve") is True,
                request_user(),
                decided_on=_date(payload, "decided_on"),
                new_deadline=_date(payload, "new_deadline"),
                comment=_text(payload, "comment"),
                basis=_text(payload, "basis"),
            )

        return self._run(pk, act, gettext("Решение по продлению срока внесено"))


class InstructionWorkflowApi(_WorkflowApi):
    resource_name = "controlinstruction"
    route_base = "/api/v1/control/instruction"
    class_permission_name = "Instruction"
    method_permission_name = {"remove": WRITE, "discipline": READ}

    @expose("/<int:pk>/remove", methods=["POST"])
    @protect()
    @safe
    def remove(self, pk: int) -> Any:
        """Remove from control (`removed_on`, `basis` — required, `result`; `version`).
        ---
        post:
          parameters:
          - in: path
            schema:
              type: integer
            name: pk
          responses:
            200:
              description: Removed
            404:
              $ref: '#/components/responses/404'
            422:
              $ref: '#/components/responses/422'
        """
        return self._run(
            pk,
            lambda i, p: remove_from_control(
                i, _date(p, "removed_on", required=True), _text(p, "basis"), request_user(), _text(p, "result")
            ),
            gettext("Поручение снято с контроля"),
        )

    @expose("/discipline", methods=["GET"])
    @protect()
    @safe
    def discipline(self) -> Any:
        """R-C1 executive discipline per body (`date_from`, `date_to` as ГГГГ-ММ-ДД, optional `body_id`).
        ---
        get:
          parameters:
          - in: query
            name: date_from
            schema:
              type: string
          - in: query
            name: date_to
            schema:
              type: string
          - in: query
            name: body_id
            schema:
              type: integer
          responses:
            200:
              description: The figures per body and in total
            400:
              $ref: '#/components/responses/400'
        """
        try:
            date_from = _date(dict(request.args), "date_from", required=True)
            date_to = _date(dict(request.args), "date_to", required=True)
            body = request.args.get("body_id")
            if body is not None and not is_digits(body):
                raise ValidationFailed(_l("body_id — номер органа"), field="body_id")
            assert date_from is not None and date_to is not None
            if date_from > date_to:
                raise ValidationFailed(_l("Конец периода раньше начала"), field="date_to")
        except DomainError as exc:
            return self.response_400(message=str(exc))
        report = executive_discipline(
            ControlFilter(date_from, date_to, int(body) if body else None, scope=statistics_clause(Instruction))
        )
        return self.response(
            200,
            date_from=date_from.isoformat(),
            date_to=date_to.isoformat(),
            rows=[_discipline_json(row) for row in report.rows],
            total=_discipline_json(report.total),
        )


def _discipline_json(row: Any) -> dict[str, Any]:
    from .reports import MEASURES

    data: dict[str, Any] = {"body_id": row.body_id, "body": row.body}
    data.update({name: getattr(row, name) for name in MEASURES})
    for name in ("execution_percent", "on_time_percent", "on_time_original_percent"):
        value = getattr(row, name)
        data[name] = float(value) if value is not None else None
    return data


def register(appbuilder: AppBuilder) -> None:
    for api in (
        CorrespondentApi,
        DocumentApi,
        ResolutionApi,
        InstructionApi,
        ExtensionApi,
        ExecutionReportApi,
        ExecutionApi,
        DecisionApi,
        InstructionWorkflowApi,
    ):
        appbuilder.add_api(api)
