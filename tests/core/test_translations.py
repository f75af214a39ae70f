"""Flask-Babel's context lookup, replaced by a cheaper one (app/core/translations.py), answers as its own."""

from __future__ import annotations

import flask_babel
from flask_babel import force_locale, get_locale, gettext, lazy_gettext, refresh

from app.core.translations import babel_context, current_babel_context


def test_outside_an_application_context_both_have_no_context():
    assert babel_context() is None
    assert current_babel_context() is None


def test_in_a_request_both_give_the_same_namespace_once_made(app):
    with app.test_request_context("/"):
        ours = current_babel_context()
        assert ours is babel_context()
        assert ours is current_babel_context()  # kept for the request, not made again


def test_in_an_application_context_without_a_request_both_give_the_same_namespace(app):
    with app.app_context():
        theirs = babel_context()
        assert current_babel_context() is theirs
    with app.app_context():
        # A new application context starts afresh, as with Flask-Babel's own function.
        assert current_babel_context() is not theirs


def test_pages_are_translated_and_the_locale_switches_as_before(app):
    # The app runs on the cheaper lookup: what follows goes through it.
    assert flask_babel._get_current_context is current_babel_context
    label = lazy_gettext("Список")
    with app.test_request_context("/"):
        assert str(get_locale()) == "ru"
        assert gettext("Список") == "Список"
        # FAB's own English strings come out in Russian: the catalogue is found through the context.
        assert gettext("Search") == "Поиск"
        with force_locale("en"):
            assert str(get_locale()) == "en"
            assert gettext("Список") == "List"
            assert str(label) == "List"
        assert str(get_locale()) == "ru" and str(label) == "Список"
        refresh()
        assert gettext("Search") == "Поиск"
