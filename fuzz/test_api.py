"""Every operation of /api/openapi.json, with the cases Schemathesis makes (the document's
examples, boundary values, then random valid and invalid input), each sent by four sessions. A
run fails on any 5xx and on any answer the document does not describe: an undocumented status,
another content type, or a body that does not match its schema."""

import os

import schemathesis
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from .conftest import ROLES, SESSION_OPERATIONS, WORLD

# The same cases on every run, so CI never turns red by chance; AANKOMST_FUZZ_SCALE=10 tries ten
# times as many, new ones each time (as in tests/test_fuzz_api.py).
SCALE = int(os.environ.get("AANKOMST_FUZZ_SCALE", "1"))
EXAMPLES = 50 * SCALE  # per operation and phase; each case is sent by all four sessions
CONFIG = {
    **({"seed": 20260101} if SCALE == 1 else {}),
    "generation": {"max-examples": EXAMPLES, "deterministic": SCALE == 1, "database": "none"},
    "phases": {"stateful": {"enabled": False}},
    "suppress-health-check": ["all"],
}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_wsgi(
    "/api/openapi.json", WORLD.app, config=schemathesis.Config.from_dict(CONFIG)
)


def with_real_values(case):
    """The case with each value the world has a real one for (ids, keys, codes, passwords, a
    push subscription) replaced by one, so it gets past 404, 401 and 400. Drawn late: the world
    is built after the tests are collected."""
    parts = {"path_parameters": case.path_parameters, "query": case.query, "body": case.body}
    known = {
        part: st.fixed_dictionaries(
            {name: st.sampled_from(WORLD.known[name]) for name in values if name in WORLD.known}
        )
        for part, values in parts.items()
        if isinstance(values, dict)
    }

    def replace(real: dict):
        for part, values in real.items():
            setattr(case, part, {**parts[part], **values})
        return case

    return st.fixed_dictionaries(known).map(replace)


@schema.hook
def before_generate_case(context, strategy):
    """Half the cases name things that exist; the other half are what Schemathesis made."""
    return strategy | strategy.flatmap(with_real_values)


@schema.parametrize()
def test_api(case, world):
    """The case as each session: what one may do, the others are refused as documented."""
    operation = case.operation.label
    signs_in_or_out = (case.operation.method.upper(), case.operation.path) in SESSION_OPERATIONS
    for role in ROLES:
        client = world.fresh(role) if signs_in_or_out else world.sessions[role]
        token = client.get("/api/v1/csrf").get_json()["csrf_token"]
        try:
            response = case.call(session=client, headers={"X-CSRFToken": token}, buffered=True)
            world.answers[operation][response.status_code // 100] += 1
            case.validate_response(response, checks=CHECKS)
        except Exception as error:
            error.add_note(f"sent as: {role}")
            raise


def test_the_sessions_lasted(world):
    """The run meant something to the end: each long-lived session is still what it was."""
    expected = {"anonymous": 401, "newcomer": 200, "coordinator": 401, "admin": 401}
    for role, status in expected.items():
        assert world.sessions[role].get("/api/v1/checklist").status_code == status, role
    for role in ("coordinator", "admin"):
        assert world.sessions[role].get("/api/v1/staff/questions").status_code == 200, role
