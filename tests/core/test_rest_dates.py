"""REST timestamps carry the city's offset (ISO 8601, +07:00); dates stay calendar days (app/core/rest_dates.py)."""

from __future__ import annotations

import datetime as dt
import re

import prison
import pytest
from marshmallow import ValidationError
from sqlalchemy import select

from app.appeals.models import Appeal
from app.core.audit import ChangeLog
from app.core.filters import UpravaInterface
from app.core.rest_dates import OffsetDateTime, UpravaModel2SchemaConverter
from app.extensions import db

OFFSET_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$")


def test_the_change_journal_api_gives_each_timestamp_with_the_city_offset(app, login):
    client = login("admin")
    body = client.get("/api/v1/changelog/?q=" + prison.dumps({"page_size": 20, "columns": ["id", "at"]})).json
    assert len(body["result"]) == 20
    assert all(OFFSET_TIMESTAMP.match(row["at"]) for row in body["result"]), body["result"][:3]
    with app.app_context():
        rows = {row.id: row.at for row in db.session.scalars(select(ChangeLog).order_by(ChangeLog.id.desc()).limit(20))}
    for row in body["result"]:
        shown = dt.datetime.fromisoformat(row["at"])
        # The same instant as stored (naive UTC), to the second, seven hours ahead on the clock.
        assert shown == rows[row["id"]].replace(tzinfo=dt.UTC, microsecond=0)
        assert shown.utcoffset() == dt.timedelta(hours=7)


def test_a_single_record_shows_its_timestamp_with_the_offset_too(app, login):
    with app.app_context():
        entry_id = db.session.scalar(select(ChangeLog.id).order_by(ChangeLog.id).limit(1))
    body = login("admin").get(f"/api/v1/changelog/{entry_id}").json
    assert OFFSET_TIMESTAMP.match(body["result"]["at"])


def test_dates_stay_plain_calendar_days_beside_offset_timestamps(app):
    with app.test_request_context():
        schema = UpravaModel2SchemaConverter(UpravaInterface(Appeal), {}).convert(["reg_date", "annulled_at"])
        appeal = Appeal(reg_date=dt.date(2026, 12, 3), annulled_at=dt.datetime(2026, 12, 3, 20, 30))
        assert schema.dump(appeal) == {"reg_date": "2026-12-03", "annulled_at": "2026-12-04T03:30:00+07:00"}


def test_the_openapi_spec_declares_timestamps_as_date_time(login):
    spec = login("admin").get("/api/v1/_openapi").json
    schema = spec["components"]["schemas"]["ChangeLogApi.get"]["properties"]["at"]
    assert schema["format"] == "date-time"


@pytest.mark.parametrize(
    "sent",
    ["2026-12-03T14:05:00+07:00", "2026-12-03T07:05:00Z", "2026-12-03T16:05:00+09:00", "2026-12-03T14:05:00"],
)
def test_a_timestamp_sent_with_any_offset_or_as_local_time_is_stored_as_the_same_utc(app, sent):
    with app.app_context():
        assert OffsetDateTime().deserialize(sent) == dt.datetime(2026, 12, 3, 7, 5)


def test_a_bad_timestamp_is_refused_with_a_validation_error(app):
    with app.app_context(), pytest.raises(ValidationError):
        OffsetDateTime().deserialize("03.12.2026 вечером")


def test_plain_json_answers_use_iso_dates_not_rfc_822(app):
    with app.test_request_context():
        from flask import jsonify

        text = jsonify(at=dt.datetime(2026, 12, 3, 7, 5), day=dt.date(2026, 12, 3)).get_data(as_text=True)
    assert '"at":"2026-12-03T14:05:00+07:00"' in text
    assert '"day":"2026-12-03"' in text
