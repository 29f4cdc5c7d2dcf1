"""The JSON API under /api/v1, used by the PWA's own JavaScript and by integrations. Each
feature adds its routes to `bp` in its own api.py and describes them there; create_app wires
them in, so this package knows no feature."""

from flask import Blueprint, Flask, jsonify
from flask_wtf.csrf import generate_csrf

from ..transactions import read_only
from .openapi import add_parts, openapi_document

bp = Blueprint("api", __name__, url_prefix="/api/v1")
docs_bp = Blueprint("api_docs", __name__, url_prefix="/api")


@bp.get("/csrf")
@read_only
def csrf_token():
    """A token for the X-CSRFToken header of unsafe requests."""
    response = jsonify({"csrf_token": generate_csrf()})
    response.headers["Cache-Control"] = "no-store"
    return response


@docs_bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3 description of this API."""
    return jsonify(openapi_document())


def init_app(app: Flask, feature_apis: list) -> None:
    """Register the API with the routes and document parts of these features' api modules
    (importing a module added its routes to `bp`)."""
    add_parts(app, [module.OPENAPI for module in feature_apis])
    app.register_blueprint(bp)
    app.register_blueprint(docs_bp)
