"""Arbitrary JSON at every field of every JSON endpoint in the OpenAPI document: wrong types,
half surrogate pairs, huge strings, nested lists. Whatever comes in, the answer is never a 5xx
(a clear 4xx, or the change when the value happens to be valid)."""

import os
import re
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from onboarding.api.openapi import openapi_document
from onboarding.buddies.models import BuddyOffer, BuddyRequest
from onboarding.clock import today_in_amsterdam
from onboarding.codes.models import OnboardingCode
from onboarding.extensions import db

from .buddies.test_lifecycle import make_buddy
from .buddies.test_profile import body as profile_body
from .conftest import ApiClient, join_body

# Texts that broke things once, beside random ones (surrogates included).
AWKWARD_TEXT = st.sampled_from(
    ["", " ", "\ud83d", "a\udc00b", "\x00", "x" * 5000, "register_gp", "2026-02-30", "pl", "-1"]
)
TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=30) | AWKWARD_TEXT
SCALAR = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | TEXT
)
JSON = st.recursive(
    SCALAR,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=8,
)
# Values that broke endpoints once: wrong types inside lists, half surrogate pairs, huge ones.
NASTY = st.sampled_from(
    [None, True, 0, -1, 2**63, 1.5, float("nan"), "", "\ud83d", "a\udc00b", "x" * 5000,
     [], [{}], [[1]], [None], ["\ud83d"], {}, {"a": {}}, "2026-02-30", "25:99"]
)  # fmt: skip
STRANGE_IDS = st.integers(-5, 2**40) | st.sampled_from(["x", "0", "%00", "..", "1.5"])
# Calls that end the session being fuzzed are tested on their own elsewhere.
SKIPPED = {("post", "/api/v1/logout"), ("delete", "/api/v1/me"), ("post", "/api/v1/staff/logout")}


def _resolve(document: dict, schema: dict | None) -> dict:
    while schema and "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema or {}


def json_operations(app) -> list[tuple[str, str, list[str]]]:
    """(method, path, body field names) of every operation the document lists."""
    with app.test_request_context():
        document = openapi_document()
    operations = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            if method == "parameters" or (method, path) in SKIPPED:
                continue
            content = operation.get("requestBody", {}).get("content", {})
            schema = _resolve(document, content.get("application/json", {}).get("schema"))
            operations.append((method, path, sorted(schema.get("properties", {}))))
    return operations


def test_no_json_value_at_any_field_gives_a_server_error(
    app, make_api, make_code, make_location, staff_client
):
    home = make_location()
    admin = staff_client("admin")
    buddy, buddy_id = make_buddy(app, make_api, make_code, admin, home, "Marek", capacity=5)
    asker = make_api()
    asker.post("/api/v1/join", json=join_body(make_code(home), nickname="Ola"))
    asker.post("/api/v1/buddy/requests", json={"topics": ["register_gp"], "contact": "signal"})
    with app.app_context():
        offer_id = db.session.scalar(select(BuddyOffer.id))
        request_id = db.session.scalar(select(BuddyRequest.id))
        code_id = db.session.scalar(select(OnboardingCode.id))
    ids = {
        "{key}": "register_gp",
        "{offer_id}": str(offer_id),
        "{request_id}": str(request_id),
        "{user_id}": str(buddy_id),
        "{code_id}": str(code_id),
    }
    # A valid body per operation, so each field is tried on its own with the others right.
    valid = {
        "/api/v1/join": join_body(make_code(home)),
        "/api/v1/buddy/profile": profile_body(home),
        "/api/v1/buddy/requests": {"topics": ["register_gp"], "contact": "signal"},
        "/api/v1/codes": {"location_id": home},
        "/api/v1/staff/login": {"email": "nobody@example.org", "password": "x" * 12},
        "/api/v1/buddy/offers/{offer_id}/help": {
            "date": (today_in_amsterdam() - timedelta(days=1)).isoformat(),
            "topic": "register_gp",
            "minutes": 30,
        },
    }

    def caller(path: str) -> ApiClient:
        if path.startswith(("/api/v1/codes", "/api/v1/buddy/approve", "/api/v1/locations")):
            return admin
        if path.startswith(("/api/v1/join", "/api/v1/recover", "/api/v1/staff/login")):
            return make_api()
        return buddy if "/offers/" in path or path.endswith("/profile") else asker

    operations = json_operations(app)
    assert len(operations) >= 30

    def url_for(path: str, strange) -> str:
        url = re.sub(r"\\{\\w+\\}", str(strange), path, count=1) if strange is not None else path
        for name, value in ids.items():
            url = url.replace(name, value)
        return url

    def check(method: str, path: str, body, strange=None) -> None:
        client, url = caller(path), url_for(path, strange)
        answer = client.get(url) if method == "get" else client.call(method.upper(), url, body)
        assert answer.status_code < 500, (method, url, body, answer.get_data(as_text=True)[:300])

    for method, path, fields in operations:
        for field in fields:
            fuzz(
                lambda value, m=method, p=path, f=field: check(
                    m, p, {**valid.get(p, {}), f: value}
                ),
                NASTY | JSON,
                15,
            )
        fuzz(lambda body, m=method, p=path: check(m, p, body, None), JSON, 4)
        if "{" in path:
            fuzz(
                lambda strange, m=method, p=path: check(m, p, valid.get(p, {}), strange),
                STRANGE_IDS,
                4,
            )


# The same examples on every run, so CI never turns red by chance; AANKOMST_FUZZ_SCALE=10 (and
# a random seed) explores much further by hand.
SCALE = int(os.environ.get("AANKOMST_FUZZ_SCALE", "1"))


def fuzz(call, values, examples: int) -> None:
    """Run `call` on `examples` values drawn by Hypothesis (shrunk to the simplest on failure)."""

    @settings(
        max_examples=examples * SCALE,
        derandomize=SCALE == 1,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(values)
    def run(value):
        call(value)

    run()
