"""A request context signed in as a user, for code that reads the current user outside a view."""

from __future__ import annotations

from flask import Flask, g
from flask.ctx import RequestContext
from flask_login import login_user


def signed_in(app: Flask, username: str, path: str = "/") -> RequestContext:
    """A pushed request context for `path` with `username` signed in; the caller pops it."""
    context = app.test_request_context(path)
    context.push()
    user = app.appbuilder.sm.find_user(username=username)
    assert user is not None, username
    login_user(user)
    g.user = user
    return context
