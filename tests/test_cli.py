"""Command-line tools: seed-demo, location, staff, codes."""

import re

from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from onboarding.clock import today_in_amsterdam
from onboarding.codes.models import OnboardingCode
from onboarding.extensions import db
from onboarding.staff.models import Location, StaffUser

from .conftest import join_body


def rows(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_seed_demo_is_idempotent_and_prints_working_links(app, runner, make_api):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    counts = [rows(app, m) for m in (Location, StaffUser, OnboardingCode)]
    second = runner.invoke(args=["seed-demo"])
    assert second.output == first.output
    assert [rows(app, m) for m in (Location, StaffUser, OnboardingCode)] == counts == [2, 2, 7]
    links = re.findall(r"https://aankomst\.example/join/(\S+)\?language=(\S+)", first.output)
    assert {language for _token, language in links} == {"pl", "uk", "bg", "ro", "pt-BR", "nl", "en"}
    for token, language in links:
        answer = make_api().post("/api/v1/join", json=join_body(token, language=language))
        assert answer.status_code == 201, answer.get_json()
    assert "admin@demo.aankomst.test" in first.output
    assert "coordinator@demo.aankomst.test" in first.output


def test_seed_demo_buddies_are_approved_and_the_printed_codes_sign_in_as_them(
    app, runner, make_api
):
    from onboarding.buddies.models import BuddyProfile

    first = runner.invoke(args=["seed-demo"]).output
    assert runner.invoke(args=["seed-demo"]).output == first
    with app.app_context():
        profiles = db.session.scalars(select(BuddyProfile)).all()
        assert len(profiles) == 5 and all(p.approved_at for p in profiles)
    token = re.search(r"https://aankomst\.example/join/(\S+)\?language=pl", first).group(1)
    newcomer = make_api()
    newcomer.post("/api/v1/join", json=join_body(token, language="pl"))
    made = newcomer.post(
        "/api/v1/buddy/requests", json={"topics": ["bike_route"], "contact": "ola"}
    ).get_json()
    assert made["state"] == "pending" and made["buddy"]["name"] == "Marek"
    code = re.search(r"Marek .* recovery code: (\S+)", first).group(1)
    buddy = make_api()
    assert buddy.post("/api/v1/recover", json={"recovery_code": code}).status_code == 200
    assert [o["state"] for o in buddy.get("/api/v1/buddy/requests").get_json()["received"]] == [
        "pending"
    ]


def test_demo_links_depend_on_the_secret_key(other_app):
    from onboarding.codes.services import demo_token

    with other_app().app_context():
        same = demo_token("pl")
    with other_app(SECRET_KEY="another").app_context():
        other = demo_token("pl")
    assert same != other and len(same) == 22


def test_demo_staff_passwords_work(app, runner):
    output = runner.invoke(args=["seed-demo"]).output
    password = re.search(r"admin\s+admin@demo\.aankomst\.test\s+password: (\S+)", output).group(1)
    with app.app_context():
        admin = db.session.scalar(select(StaffUser).where(StaffUser.role == "admin"))
        assert check_password_hash(admin.password_hash, password)


def test_location_create_and_unique_names(app, runner):
    ok = runner.invoke(
        args=[
            "location",
            "create",
            "Duinzicht",
            "--village",
            "Noordwijk",
            "--address",
            "Teststraat 1",
        ]
    )
    assert ok.exit_code == 0, ok.output
    again = runner.invoke(args=["location", "create", "Duinzicht", "--village", "Noordwijk"])
    assert again.exit_code == 1 and "already exists" in again.output
    assert rows(app, Location) == 1


def test_staff_create_reads_the_password_from_stdin(app, runner):
    runner.invoke(args=["location", "create", "Duinzicht", "--village", "Noordwijk"])
    result = runner.invoke(
        args=[
            "staff",
            "create",
            "--role",
            "coordinator",
            "--email",
            "Anna@Example.org",
            "--location",
            "Duinzicht",
        ],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        staff = db.session.scalar(select(StaffUser))
        assert staff.email == "anna@example.org"
        assert [loc.name for loc in staff.locations] == ["Duinzicht"]
        assert staff.password_hash.startswith("scrypt:")
        assert check_password_hash(staff.password_hash, "a long enough password")
    duplicate = runner.invoke(
        args=["staff", "create", "--role", "admin", "--email", "anna@example.org"],
        input="another long password\n",
    )
    assert duplicate.exit_code == 1 and "already exists" in duplicate.output


def test_staff_create_refuses_short_passwords_and_unknown_locations(app, runner):
    short = runner.invoke(
        args=["staff", "create", "--role", "admin", "--email", "a@b.nl"], input="short\n"
    )
    assert short.exit_code == 1 and "12 characters" in short.output
    unknown = runner.invoke(
        args=[
            "staff",
            "create",
            "--role",
            "coordinator",
            "--email",
            "a@b.nl",
            "--location",
            "Nowhere",
        ],
        input="a long enough password\n",
    )
    assert unknown.exit_code == 1
    assert rows(app, StaffUser) == 0


def test_staff_reset_password(app, runner):
    runner.invoke(
        args=["staff", "create", "--role", "admin", "--email", "a@b.nl"],
        input="first password 123\n",
    )
    result = runner.invoke(
        args=["staff", "reset-password", "--email", "A@B.nl"], input="second password 456\n"
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert check_password_hash(
            db.session.scalar(select(StaffUser.password_hash)), "second password 456"
        )
    missing = runner.invoke(
        args=["staff", "reset-password", "--email", "x@y.nl"], input="second password 456\n"
    )
    assert missing.exit_code == 1


def test_codes_issue_prints_one_working_url_per_code(app, runner, make_api):
    runner.invoke(args=["location", "create", "Duinzicht", "--village", "Noordwijk"])
    result = runner.invoke(
        args=[
            "codes",
            "issue",
            "--location",
            "Duinzicht",
            "--count",
            "3",
            "--max-uses",
            "2",
            "--expires-in-days",
            "7",
            "--language",
            "pt-BR",
        ]
    )
    assert result.exit_code == 0, result.output
    urls = result.output.split()
    assert len(urls) == 3
    token = re.match(r"https://aankomst\.example/join/([\w-]+)\?language=pt-BR", urls[0]).group(1)
    with app.app_context():
        codes = db.session.scalars(select(OnboardingCode)).all()
        assert {c.max_uses for c in codes} == {2} and {c.language for c in codes} == {"pt_BR"}
        assert all(token not in (c.token_hash, c.token_encrypted) for c in codes)
    for _ in range(2):
        assert make_api().post("/api/v1/join", json=join_body(token)).status_code == 201
    assert make_api().post("/api/v1/join", json=join_body(token)).status_code == 410


def test_codes_issue_refusals(runner):
    assert runner.invoke(args=["codes", "issue", "--location", "Nowhere"]).exit_code == 1
    runner.invoke(args=["location", "create", "Duinzicht", "--village", "Noordwijk"])
    assert (
        runner.invoke(args=["codes", "issue", "--location", "Duinzicht", "--count", "0"]).exit_code
        == 2
    )
    assert (
        runner.invoke(
            args=["codes", "issue", "--location", "Duinzicht", "--count", "201"]
        ).exit_code
        == 2
    )
    assert (
        runner.invoke(
            args=["codes", "issue", "--location", "Duinzicht", "--language", "de"]
        ).exit_code
        == 1
    )


def test_stored_code_can_be_decrypted_for_reprint_only_with_the_secret(app, runner, other_app):
    from onboarding.codes.services import code_token

    runner.invoke(args=["location", "create", "Duinzicht", "--village", "Noordwijk"])
    url = runner.invoke(args=["codes", "issue", "--location", "Duinzicht"]).output.strip()
    with app.app_context():
        assert url.endswith(code_token(db.session.scalar(select(OnboardingCode))))
    with other_app(SECRET_KEY="a different secret").app_context():
        assert code_token(db.session.scalar(select(OnboardingCode))) is None


def test_printed_polish_demo_link_leads_to_a_complete_polish_checklist(app, runner, make_api):
    """The issue's acceptance path: make run's Polish link -> join form -> checklist in Polish."""

    from .conftest import translated

    output = runner.invoke(args=["seed-demo"]).output
    link = re.search(r"https://aankomst\.example(/join/\S+\?language=pl)\b", output).group(1)
    browser = make_api()
    form = browser.get(link)
    assert form.status_code == 200 and '<html lang="pl"' in form.get_data(as_text=True)
    token = link.split("/")[2].split("?")[0]
    answer = browser.form(
        f"/join/{token}",
        {"language": "pl", "arrival_date": today_in_amsterdam().isoformat(), "stay_plan": "medium"},
    )
    assert answer.status_code == 303
    assert translated(app, "pl", "Your checklist is ready") in browser.get("/welcome").get_data(
        as_text=True
    )
    page = browser.get("/").get_data(as_text=True)
    assert '<html lang="pl"' in page
    steps = browser.get("/api/v1/checklist").get_json()["steps"]
    assert len(steps) >= 10
    pack = app.extensions["aankomst_pack"]
    for step in steps:
        title = translated(app, "pl", pack.step(step["key"]).title)
        assert step["title"] == title and title in page
