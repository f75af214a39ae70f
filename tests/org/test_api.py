"""The org structure's REST API and its OpenAPI description."""

from __future__ import annotations


def test_openapi_lists_the_org_resources(login):
    spec = login("admin").get("/api/v1/_openapi").json
    for path in ("/api/v1/district/", "/api/v1/body/", "/api/v1/official/", "/api/v1/official/{pk}"):
        assert path in spec["paths"], path


def test_body_api_lists_the_bodies_with_their_district(login):
    result = login("supervisor").get("/api/v1/body/?q=(page_size:100)").json
    assert result["count"] == 22
    by_code = {row["code"]: row for row in result["result"]}
    assert by_code["district-zavodskoy"]["kind"] == "district_administration"
    assert by_code["district-zavodskoy"]["district_id"] is not None
    assert by_code["kgkh"]["district_id"] is None


def test_admin_creates_a_body_through_the_api(login):
    client = login("admin")
    response = client.post(
        "/api/v1/body/", json={"code": "archive", "name": "Архивный отдел", "kind": "department", "parent": 1}
    )
    assert response.status_code == 201, response.json
    body = client.get(f"/api/v1/body/{response.json['id']}").json["result"]
    assert body["name"] == "Архивный отдел" and body["parent_id"] == 1
