"""The OpenAPI 3 document for /api/v1: the building blocks every feature uses to describe its
routes beside them (in its api.py), and the merge of those parts into one document."""

from flask import Flask, current_app

from ..content import current_pack
from ..i18n import LANGUAGES, bcp47

LANGUAGE_TAGS = [bcp47(code) for code in LANGUAGES]
DATE = {"type": "string", "format": "date"}
CSRF = [{"name": "X-CSRFToken", "in": "header", "required": True, "schema": {"type": "string"}}]
PARTS = "aankomst_openapi_parts"


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def exact(properties: dict, optional: tuple[str, ...] = ()) -> dict:
    """An object with these properties and no others, each always there unless optional."""
    return {
        "type": "object",
        "required": [name for name in properties if name not in optional],
        "additionalProperties": False,
        "properties": properties,
    }


def json_content(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def error(description: str) -> dict:
    return {"description": description, **json_content(ref("Error"))}


NOT_SIGNED_IN = error("Not signed in")

_BASE_PATHS = {
    "/api/v1/csrf": {
        "get": {
            "summary": "A CSRF token for unsafe requests",
            "responses": {
                "200": {
                    "description": "The token",
                    **json_content(exact({"csrf_token": {"type": "string"}})),
                }
            },
        }
    },
}
_BASE_SCHEMAS = {
    "Error": exact(
        {
            "error": exact(
                {
                    "code": {"type": "string"},
                    "message": {"type": "string", "description": "Translated, for people."},
                    "fields": {
                        "type": "object",
                        "description": "A translated message per invalid field",
                        "additionalProperties": {"type": "string"},
                    },
                },
                optional=("fields",),
            )
        }
    ),
}


def _pack_keys() -> dict:
    """What a step or a help page can be called in the content pack in use (`StepKey`, and
    `TopicKey` for either)."""
    pack = current_pack()
    steps = [step.key for step in pack.steps]
    return {
        "StepKey": {"type": "string", "enum": steps},
        "TopicKey": {"type": "string", "enum": steps + [page.key for page in pack.help_pages]},
    }


# Answers any operation may give, beside the ones its feature lists.
_ANY_OPERATION = {
    "503": {
        "description": "The database is busy or cannot be reached: try again (Retry-After)",
        **json_content(ref("Error")),
    }
}
_UNSAFE_OPERATION = {
    "400": error("Invalid input, a body that is not a JSON object, or no valid X-CSRFToken"),
    "413": error("What was sent is too large"),
}


def _with_common_answers(methods: dict) -> dict:
    """The operations of one path, each with the answers every operation can give."""
    result = {}
    for method, operation in methods.items():
        if method == "parameters":
            result[method] = operation
            continue
        common = {**_ANY_OPERATION, **(_UNSAFE_OPERATION if method != "get" else {})}
        result[method] = {**operation, "responses": {**common, **operation["responses"]}}
    return result


def add_parts(app: Flask, parts: list[dict]) -> None:
    """The features' parts ({"paths", "schemas"}), in the order the document lists them."""
    app.extensions.setdefault(PARTS, []).extend(parts)


def openapi_document() -> dict:
    """The whole document; a test checks it is valid and covers every API route."""
    paths, schemas = dict(_BASE_PATHS), {**_BASE_SCHEMAS, **_pack_keys()}
    for part in current_app.extensions.get(PARTS, []):
        paths.update(part["paths"])
        schemas.update(part.get("schemas", {}))
    paths = {path: _with_common_answers(methods) for path, methods in paths.items()}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Aankomst API",
            "version": "1",
            "description": (
                'Errors are {"error": {"code", "message"}} with a translated message. '
                "Unsafe methods need the X-CSRFToken header (GET /api/v1/csrf). Answers speak "
                "the session's language, else Accept-Language."
            ),
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {"schemas": schemas},
    }
