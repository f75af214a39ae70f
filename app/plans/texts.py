"""What the plans' stored codes read as (lists, cards, filters, reports, files): one place for every label."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from .models import ItemForm, ItemStatus, PlanKind, PlanStatus, ProposalStatus

KIND_LABELS: dict[str, Any] = {PlanKind.ANNUAL.value: _l("Годовой"), PlanKind.QUARTERLY.value: _l("Квартальный")}
PLAN_STATUS_LABELS: dict[str, Any] = {
    PlanStatus.DRAFT.value: _l("Проект"),
    PlanStatus.COLLECTING.value: _l("Сбор предложений"),
    PlanStatus.ON_APPROVAL.value: _l("На утверждении"),
    PlanStatus.APPROVED.value: _l("Утверждён"),
    PlanStatus.CLOSED.value: _l("Закрыт"),
}
PROPOSAL_STATUS_LABELS: dict[str, Any] = {
    ProposalStatus.DRAFT.value: _l("Черновик"),
    ProposalStatus.SUBMITTED.value: _l("На согласовании"),
    ProposalStatus.AGREED.value: _l("Согласовано"),
    ProposalStatus.RETURNED.value: _l("Возвращено на доработку"),
    ProposalStatus.INCLUDED.value: _l("Включено в план"),
    ProposalStatus.REJECTED.value: _l("Отклонено"),
}
ITEM_STATUS_LABELS: dict[str, Any] = {
    ItemStatus.PLANNED.value: _l("Запланировано"),
    ItemStatus.DONE.value: _l("Исполнено"),
    ItemStatus.MOVED.value: _l("Перенесено"),
    ItemStatus.CANCELLED.value: _l("Отменено"),
    ItemStatus.NOT_DONE.value: _l("Не исполнено"),
}
FORM_LABELS: dict[str, Any] = {
    ItemForm.REPORT.value: _l("Доклад"),
    ItemForm.INFORMATION.value: _l("Информация"),
    ItemForm.DRAFT_DECISION.value: _l("Проект решения"),
    ItemForm.EVENT.value: _l("Мероприятие"),
}
MONTH_NAMES = (
    _l("январь"),
    _l("февраль"),
    _l("март"),
    _l("апрель"),
    _l("май"),
    _l("июнь"),
    _l("июль"),
    _l("август"),
    _l("сентябрь"),
    _l("октябрь"),
    _l("ноябрь"),
    _l("декабрь"),
)
QUARTER_NAMES = ("I", "II", "III", "IV")
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def label(labels: dict[str, Any]) -> Any:
    """A list formatter: the label of a stored code (nothing for nothing)."""
    return lambda value: labels.get(value, value or "")


def roman(number: int) -> str:
    """A section's number as printed plans write it."""
    return ROMAN[number - 1] if 1 <= number <= len(ROMAN) else str(number)
