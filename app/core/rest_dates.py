"""Timestamps in the REST API: ISO 8601 with the city's offset, e.g. `2026-12-03T14:05:00+07:00`.

The database keeps naive UTC (as FAB does). Marshmallow would print such a value with no offset at
all (`2026-12-03T07:05:00`: UTC or local? a client cannot tell), and Flask's JSON encoder prints
datetimes as RFC 822 dates in GMT. Every timestamp the API returns therefore goes through here and
carries an explicit offset. The offset is the city's (TIMEZONE, +07:00), not UTC's "Z": the API's
dates (`reg_date`, `due_date`) are the city's calendar days, and a timestamp in the same zone keeps
its date part on the same day a clerk sees on screen. A timestamp sent *to* the API may carry any
offset (or "Z"); without one it is read as the city's local time, as in the forms.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask.json.provider import DefaultJSONProvider
from flask_appbuilder.api.convert import Model2SchemaConverter
from marshmallow import fields

from .dates import local_to_utc, to_local


def iso_local(value: dt.datetime) -> str:
    """A stored (naive UTC) or aware timestamp as ISO 8601 in the city's zone, to the second."""
    local = to_local(value)
    assert local is not None
    return local.isoformat(timespec="seconds")


class OffsetDateTime(fields.DateTime):
    """A timestamp column in the API: out with the city's offset, in with any offset (naive = local)."""

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else iso_local(value)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> dt.datetime:
        return local_to_utc(super()._deserialize(value, attr, data, **kwargs))


class UpravaModel2SchemaConverter(Model2SchemaConverter):
    """FAB's schema builder with OffsetDateTime for every timestamp column (nested ones too)."""

    def _column2field(self, datamodel: Any, column: Any, nested: bool = True, parent_schema_name: Any = None) -> Any:
        field = super()._column2field(datamodel, column, nested=nested, parent_schema_name=parent_schema_name)
        # fields.Date is a DateTime subclass: calendar days stay plain ISO dates.
        if type(field) is not fields.DateTime:
            return field
        replacement = OffsetDateTime(
            required=field.required,
            allow_none=field.allow_none,
            validate=list(field.validators),
            dump_only=field.dump_only,
            load_only=field.load_only,
            metadata=dict(field.metadata),
        )
        replacement.unique = getattr(field, "unique", False)
        return replacement


class UpravaJSONProvider(DefaultJSONProvider):
    """Flask's JSON with ISO 8601 dates (and the offset on timestamps) instead of RFC 822 in GMT."""

    @staticmethod
    def default(o: Any) -> Any:
        if isinstance(o, dt.datetime):
            return iso_local(o)
        if isinstance(o, dt.date):
            return o.isoformat()
        return DefaultJSONProvider.default(o)
