"""Domain-free parts shared by every domain: base views, errors, dates, filters."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask

from .dates import format_date, format_datetime

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder


def install_russian_date_fields() -> None:
    """Every FAB-generated form gets ДД.ММ.ГГГГ date fields and optional checkboxes.

    FAB builds form fields from a class-level table (forms.FieldConverter); its
    date entries accept only yyyy-MM-dd. Replacing the two entries here covers add,
    edit and search forms of all domains.
    """
    from flask_appbuilder import forms as fab_forms

    from .forms import CheckboxField, RuDateField, RuDatePickerWidget, RuDateTimeField, RuDateTimePickerWidget

    table = []
    for marker, field, widget in fab_forms.FieldConverter.conversion_table:
        if marker == "is_date":
            field, widget = RuDateField, RuDatePickerWidget
        elif marker == "is_datetime":
            field, widget = RuDateTimeField, RuDateTimePickerWidget
        elif marker == "is_boolean":
            field = CheckboxField
        table.append((marker, field, widget))
    fab_forms.FieldConverter.conversion_table = tuple(table)


def register_core(app: Flask, appbuilder: AppBuilder) -> None:
    """Error pages, list-argument guard and template filters."""
    from .api_guard import register_api_guard
    from .errors import register_error_handlers
    from .views import register_list_argument_guard

    register_error_handlers(app)
    register_list_argument_guard(app)
    register_api_guard(app)
    app.add_template_filter(format_date, "ru_date")
    app.add_template_filter(format_datetime, "ru_datetime")
    from .card_actions import card_links

    # Buttons other domains add to a record's card (app/core/card_actions.py).
    app.add_template_global(card_links, "card_links")
    from .navbar import install_menu_cache

    # The navigation bar's menu, rendered once per set of built-in roles and language (app/core/navbar.py).
    install_menu_cache(app)
