"""`staff create --languages`: the languages a staff member speaks, checked."""

from sqlalchemy import select

from onboarding.extensions import db
from onboarding.staff.models import StaffUser

from ..conftest import STAFF_PASSWORD


def create(runner, *args):
    return runner.invoke(
        args=["staff", "create", "--role", "coordinator", *args], input=STAFF_PASSWORD + "\n"
    )


def languages_of(app, email):
    with app.app_context():
        staff = db.session.scalar(select(StaffUser).where(StaffUser.email == email))
        return None if staff is None else staff.languages


def test_languages_are_stored_in_the_switchers_order_and_bcp47_tags_work(app, runner):
    result = create(runner, "--email", "marta@example.org", "--languages", "en, pt-BR,pl,pl")
    assert result.exit_code == 0, result.output
    assert languages_of(app, "marta@example.org") == "pl,pt_BR,en"
    assert create(runner, "--email", "none@example.org").exit_code == 0
    assert languages_of(app, "none@example.org") == ""


def test_an_unknown_language_code_is_refused_and_nothing_is_created(app, runner):
    result = create(runner, "--email", "x@example.org", "--languages", "pl,xx,polish")
    assert result.exit_code == 1
    assert "Unknown language code: xx, polish" in result.output
    assert "pl, uk, bg, ro, pt_BR, nl, en" in result.output
    assert languages_of(app, "x@example.org") is None
