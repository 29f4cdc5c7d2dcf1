"""The JSON API under /api/v1, used by the PWA's own JavaScript and by integrations."""

from flask import Blueprint, jsonify
from flask_wtf.csrf import generate_csrf

from .openapi import openapi_document

bp = Blueprint("api", __name__, url_prefix="/api/v1")
docs_bp = Blueprint("api_docs", __name__, url_prefix="/api")


@bp.get("/csrf")
def csrf_token():
    """A token for the X-CSRFToken header of unsafe requests."""
    response = jsonify({"csrf_token": generate_csrf()})
    response.headers["Cache-Control"] = "no-store"
    return response


@docs_bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3 description of this API."""
    return jsonify(openapi_document())


def init_app(app) -> None:
    # Importing the modules registers their routes on `bp`.
    from ..accounts import api as _accounts_api  # noqa: F401
    from ..buddies import api as _buddies_api  # noqa: F401
    from ..checklist import api as _checklist_api  # noqa: F401
    from ..codes import api as _codes_api  # noqa: F401
    from ..privacy import api as _privacy_api  # noqa: F401
    from ..push import api as _push_api  # noqa: F401
    from ..staff import api as _staff_api  # noqa: F401

    app.register_blueprint(bp)
    app.register_blueprint(docs_bp)
