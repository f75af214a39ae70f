"""The baseline of `make bench`: a plain Flask-AppBuilder 5.3 app over the same appeal table.

Nothing of Uprava's list machinery: FAB's own SQLAInterface, ModelView, filters and
templates, the same list columns and default order as the real appeal list; and FAB's
own ModelRestApi with the columns and order of Uprava's /api/v1/appeal/. Roles are
FAB_ROLES (checked in memory), as in Uprava, so that the comparison is list against list
and not permission SQL against none. Served by gunicorn: `gunicorn scripts.bench.baseline:app`.
"""

from __future__ import annotations

import os

from flask import Flask
from flask_appbuilder import AppBuilder, Model, ModelRestApi, ModelView
from flask_appbuilder.charts.views import GroupByChartView
from flask_appbuilder.models.group import aggregate_count
from flask_appbuilder.models.sqla.base import SQLA
from flask_appbuilder.models.sqla.interface import SQLAInterface

from app.appeals.models import Appeal

APPEAL_COLUMNS = ["reg_number", "reg_date", "channel", "summary", "responsible_body", "executor", "status", "due_date"]
# The card and its edit form with the fields of Uprava's (`make load` compares saving a card). Left out of
# FAB's form: the previous appeal (FAB would offer every appeal of the city in one drop-down) and the three
# NOT NULL flags (FAB makes a NOT NULL boolean a required checkbox, so an unticked one never saves).
_CARD = [
    "received_date",
    "form",
    "kind",
    "signatories",
    "came_from",
    "came_from_number",
    "came_from_date",
    "pos_external_id",
    "pos_category",
    "applicant_last_name",
    "applicant_first_name",
    "applicant_patronymic",
    "applicant_address",
    "applicant_district",
    "applicant_email",
    "applicant_phone",
    "applicant_social_status",
    "applicant_benefit",
    "summary",
    "text",
    "problem_address",
    "district",
    "receiving_body",
    "responsible_body",
    "executor",
    "complained_body",
]


class AppealView(ModelView):
    datamodel = SQLAInterface(Appeal)
    list_columns = APPEAL_COLUMNS
    search_columns = ["reg_date", "status", "responsible_body", "district", "applicant_last_name"]
    base_order = ("reg_date", "desc")
    show_columns = ["reg_number", "reg_date", "channel", *_CARD, "status", "due_date", "closed_on"]
    edit_columns = _CARD


#: The columns of Uprava's /api/v1/appeal/ list (app/appeals/api.py), written out: importing the real
#: API would import Uprava's whole view layer into the baseline.
API_COLUMNS = [
    "id",
    "reg_number",
    "reg_date",
    "received_date",
    "channel_id",
    "form",
    "kind",
    "summary",
    "district_id",
    "receiving_body_id",
    "responsible_body_id",
    "executor_id",
    "status",
    "due_date",
    "closed_on",
    "annulled_at",
    "is_anonymous",
    "applicant_last_name",
    "applicant_first_name",
    "applicant_patronymic",
    "applicant_address",
    "applicant_district_id",
    "applicant_email",
    "applicant_phone",
    "applicant_social_status",
    "applicant_benefit",
]


class AppealApi(ModelRestApi):
    """FAB's own REST list of appeals (a full COUNT and LIMIT/OFFSET per page), at the same URL as Uprava's."""

    resource_name = "appeal"
    datamodel = SQLAInterface(Appeal)
    # The bench signs in through the login form: the session cookie is the credential, as in Uprava.
    allow_browser_login = True
    list_columns = API_COLUMNS
    order_columns = ["reg_date", "reg_number", "due_date", "status"]
    search_columns = ["reg_number", "reg_date", "status", "district", "responsible_body"]
    base_order = ("reg_date", "desc")
    page_size = 25


class AppealChartView(GroupByChartView):
    """FAB's own way to count appeals per channel: rows loaded and grouped in Python."""

    datamodel = SQLAInterface(Appeal)
    search_columns = ["reg_date"]
    definitions = [{"group": "channel_id", "series": [(aggregate_count, "id")]}]


def create_app() -> Flask:
    flask_app = Flask(__name__)
    url = os.environ["DATABASE_URL"]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    flask_app.config.update(
        SQLALCHEMY_DATABASE_URI=url,
        SECRET_KEY=os.environ["SECRET_KEY"],
        FAB_CREATE_DB=False,
        FAB_UPDATE_PERMS=False,
        FAB_ROLES={role: [[".*", ".*"]] for role in ("Supervisor", "DistrictClerk", "AppealsClerk", "BodyClerk")},
        AUTH_ROLE_PUBLIC="Public",
        RATELIMIT_STORAGE_URI="memory://",
    )
    database = SQLA(metadata=Model.metadata)
    database.init_app(flask_app)
    with flask_app.app_context():
        appbuilder = AppBuilder(update_perms=False)
        appbuilder.init_app(flask_app, database.session)
        appbuilder.add_view(AppealView, "Appeals")
        appbuilder.add_view(AppealChartView, "Appeal chart")
        appbuilder.add_api(AppealApi)
    return flask_app


app = create_app()
