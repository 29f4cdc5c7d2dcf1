"""The OpenAPI document is valid and describes every API route."""

import re

from openapi_spec_validator import validate


def test_openapi_document_is_valid(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    validate(response.get_json())


def test_every_api_route_is_documented(app, client):
    spec_paths = client.get("/api/openapi.json").get_json()["paths"]
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        assert path in spec_paths, path
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in spec_paths[path], (method, path)
