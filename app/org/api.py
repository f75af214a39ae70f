"""REST API of the org structure (/api/v1/district, /api/v1/body, /api/v1/official)."""

from __future__ import annotations

from marshmallow import ValidationError, validate

from ..core.filters import UpravaInterface
from ..core.views import UpravaModelRestApi
from ..security import ScopeLevel
from .models import Body, BodyKind, District, Official
from .services import BODY_HOOKS, PROFILE_HOOKS


def _one_of(values: list[str]) -> validate.OneOf:
    return validate.OneOf(values, error="Допустимые значения: {choices}")


class DistrictApi(UpravaModelRestApi):
    resource_name = "district"
    class_permission_name = "District"
    datamodel = UpravaInterface(District)
    list_columns = show_columns = ["id", "code", "name"]
    add_columns = edit_columns = ["code", "name"]
    order_columns = ["name", "code"]
    search_columns = ["name", "code"]


class BodyApi(UpravaModelRestApi):
    resource_name = "body"
    class_permission_name = "Body"
    datamodel = UpravaInterface(Body)
    hooks = BODY_HOOKS
    list_columns = show_columns = [
        "id",
        "code",
        "name",
        "short_name",
        "kind",
        "parent_id",
        "district_id",
        "supervisor_id",
        "is_external",
        "email",
        "phone",
        "is_active",
    ]
    add_columns = edit_columns = [
        "code",
        "name",
        "short_name",
        "kind",
        "parent",
        "district",
        "supervisor",
        "is_external",
        "email",
        "phone",
        "is_active",
    ]
    order_columns = ["name", "short_name", "code"]
    search_columns = ["name", "short_name", "kind", "parent", "district", "is_active"]
    validators_columns = {"kind": _one_of([k.value for k in BodyKind])}


class OfficialApi(UpravaModelRestApi):
    resource_name = "official"
    class_permission_name = "Official"
    datamodel = UpravaInterface(Official)
    hooks = PROFILE_HOOKS
    list_columns = show_columns = [
        "id",
        "user_id",
        "body_id",
        "district_id",
        "position",
        "phone",
        "scope_level",
        "is_body_head",
        "is_active",
    ]
    add_columns = edit_columns = [
        "user",
        "body",
        "district",
        "position",
        "phone",
        "scope_level",
        "is_body_head",
        "is_active",
    ]
    order_columns = ["position", "id"]
    search_columns = ["position", "appointed_on", "phone", "body", "district", "scope_level", "is_active"]
    validators_columns = {"scope_level": _one_of([s.value for s in ScopeLevel])}


__all__ = ["BodyApi", "DistrictApi", "OfficialApi", "ValidationError"]
