"""A report as a Word document through the documents part: the generic layout, or a domain's own template.

The generic layout (`core_report`, app/templates/documents/core/report.docx, built by
scripts/make_document_templates.py) prints the title, the filters and every table with its
header and bold total lines. A domain that needs its own printed form registers a template
and names it on the report:

    register_report_template("plans_quarterly", _l("Квартальный план"), "plans", "documents/plans/quarterly.docx")
    Report(name="quarterly", ..., docx_template="plans_quarterly")

Either is a versioned template of app/core/documents: the Admin may upload a newer version
(letterhead, signatures); it is checked with the sample below before it is accepted. Every
template gets the same context:

    title, filters, basis, note, today, generated_by,
    tables: [{title, caption, headers, rows, totals, lines: [{cells, bold}], key}],
    table: {key: the same, for tables whose layout has a key}
Cells are texts as a Russian paper writes them: 1 234, 60,0, 01.03.2025.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l

from ..dates import format_date, format_datetime
from ..documents.registry import TemplateSpec, register_template
from ..documents.rendering import render_docx
from ..documents.services import active_template, common_context, require_spec, template_file
from ..numbers import format_number
from .tables import Cell, Table, cell_value

#: The generic layout every report can be printed with.
REPORT_TEMPLATE = "core_report"

_SAMPLE_TABLE = {
    "key": "main",
    "title": "Поступление обращений по каналам",
    "caption": "Поступление обращений по каналам",
    "headers": ["Канал поступления", "Обращений", "Доля, %"],
    "rows": [["Письменное обращение", "1 234", "60,0"], ["ПОС «Решаем вместе»", "822", "40,0"]],
    "totals": [["Итого", "2 056", ""]],
}
_SAMPLE_TABLE["lines"] = [{"cells": row, "bold": False} for row in _SAMPLE_TABLE["rows"]] + [
    {"cells": row, "bold": True} for row in _SAMPLE_TABLE["totals"]
]
#: What an uploaded report template must render with (every report fills these keys).
SAMPLE: Mapping[str, Any] = {
    "title": "Поступление обращений",
    "filters": "за период с 01.01.2025 по 31.12.2025; орган: Администрация Заводского района",
    "basis": "по дате регистрации",
    "note": "аннулированные записи не учитываются",
    "tables": [_SAMPLE_TABLE],
    "table": {"main": _SAMPLE_TABLE},
}
#: The fields as the upload page describes them (the sample's values are tables).
FIELDS: Mapping[str, Any] = {
    "title": _l("название отчёта"),
    "filters": _l("отбор: период, орган, район"),
    "basis": _l("как читается период («по дате регистрации»)"),
    "note": _l("примечание отчёта (может быть пустым)"),
    "tables": _l(
        "таблицы отчёта; у каждой: title, caption (с пометкой о неполной таблице), headers, rows и totals "
        "(строки — списки текстов ячеек), lines (все строки: cells и bold — итог или подытог)"
    ),
    "table": _l("таблицы по ключу, например table.main.totals[0][1]"),
}


def register_report_template(code: str, name: Any, domain: str, path: str) -> TemplateSpec:
    """Declare a domain's own DOCX template of a report (shipped under app/templates/)."""
    return register_template(code, name, domain, path, context_builder=None, model=None, sample=SAMPLE, fields=FIELDS)


GENERIC = register_report_template(REPORT_TEMPLATE, _l("Отчёт (общий макет)"), "core", "documents/core/report.docx")


def docx_text(cell: Cell) -> str:
    """A cell as a Russian paper writes it: «1 234», «60,0», «01.03.2025», nothing for None."""
    value = cell_value(cell)
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, dt.datetime):
        return format_datetime(value)
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, Decimal | int | float):
        return format_number(value)
    return str(value)


def table_context(table: Table) -> dict[str, Any]:
    rows = [[docx_text(cell) for cell in row] for row in table.rows]
    totals = [[docx_text(cell) for cell in row] for row in table.totals]
    return {
        "key": table.key,
        "title": table.title,
        "caption": table.caption,
        "explanation": table.explanation,
        "headers": table.headers,
        "rows": rows,
        "totals": totals,
        "lines": [{"cells": [docx_text(c) for c in row], "bold": bold} for row, bold in table.lines()],
    }


def report_context(title: str, filters: str, basis: str, note: str, tables: list[Table]) -> dict[str, Any]:
    """What a report's template is filled with (see the module's docstring)."""
    shown = [table_context(table) for table in tables]
    return {
        "title": title,
        "filters": filters,
        "basis": basis,
        "note": note,
        "tables": shown,
        "table": {t["key"]: t for t in shown if t["key"]},
    }


def render_report_docx(code: str | None, context: dict[str, Any], user: Any) -> bytes:
    """The report filled into the active version of its template (the generic layout when `code` is None)."""
    spec = require_spec(code or REPORT_TEMPLATE)
    template = active_template(spec)
    return render_docx(
        template_file(template).read_bytes(),
        {**common_context(user), **context},
        name=template.name,
        version=template.version,
    )
