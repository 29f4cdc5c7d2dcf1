"""Checklist pages: list with progress, step page, the forms on it, "Show in Dutch"."""

from datetime import timedelta

from onboarding.clock import today_in_amsterdam

from ..conftest import translated


def test_start_page_for_strangers(app, client):
    page = client.get("/", headers={"Accept-Language": "ro"}).get_data(as_text=True)
    assert '<html lang="ro"' in page
    assert translated(app, "ro", "Use my recovery code") in page


def test_checklist_page_shows_progress_due_dates_and_overdue(app, joined):
    arrival = today_in_amsterdam() - timedelta(days=10)
    client, _ = joined(language="pl", arrival_date=arrival.isoformat())
    client.patch("/api/v1/checklist/health_insurance", json={"status": "done"})
    page = client.get("/").get_data(as_text=True)
    pack = app.extensions["aankomst_pack"]
    assert translated(app, "pl", pack.step("register_brp").title) in page
    assert 'value="1"' in page and "<progress" in page  # one finished
    assert translated(app, "pl", "Overdue") in page  # BRP was due 5 days after arrival
    assert "is-overdue" in page
    # Each visible step links to its own page.
    assert "/steps/register_brp" in page and "/steps/digid" in page


def test_step_page_shows_everything_from_the_pack_in_the_persons_language(app, joined):
    from datetime import UTC, datetime

    import time_machine

    from onboarding.content import pack_item

    # A day on which the step's figures are current: they are shown, in Bulgarian.
    with time_machine.travel(datetime(2026, 12, 2, 11, tzinfo=UTC), tick=False):
        client, _ = joined(language="bg")
        page = client.get("/steps/register_brp").get_data(as_text=True)
        step = app.extensions["aankomst_pack"].step("register_brp")
        for text in (step.title, step.summary):
            assert translated(app, "bg", text) in page, text
        with app.test_request_context(headers={"Accept-Language": "bg"}):
            for text in (*step.why, *step.rights, *step.how, *step.bring):
                shown = str(pack_item(text))
                assert shown != str(text) and shown in page, text
    for place in step.places:
        assert place.name in page
    for url in step.sources:
        assert url.replace("&", "&amp;") in page


def test_show_in_dutch_puts_key_sentences_beside_the_own_language(app, joined):
    client, _ = joined(language="pt-BR")
    page = client.get("/steps/register_brp").get_data(as_text=True)
    step = app.extensions["aankomst_pack"].step("register_brp")
    for sentence in step.key_sentences:
        assert translated(app, "nl", sentence) in page
        assert translated(app, "pt_BR", sentence) in page
        assert translated(app, "pl", sentence) in page  # any other language too
    assert '<dt lang="nl">' in page
    assert translated(app, "pt_BR", "Show in %(language)s", language="Nederlands") in page
    # The page itself stays in the person's language.
    assert '<html lang="pt-BR"' in page


def test_prerequisite_is_named_and_linked(app, joined):
    client, _ = joined(language="en", stay_plan="medium")
    page = client.get("/steps/digid").get_data(as_text=True)
    assert "Do this first, because this step needs it:" in page
    assert 'href="/steps/register_brp"' in page


def test_status_note_and_stuck_forms(app, joined):
    client, _ = joined(language="en")
    assert client.form("/steps/register_gp", {"status": "doing"}).status_code == 303
    assert client.form("/steps/register_gp", {"note": "Call Monday"}).status_code == 303
    assert (
        client.form(
            "/steps/register_gp", {"form": "stuck", "stuck": "1", "stuck_reason": "List full"}
        ).status_code
        == 303
    )
    step = next(
        s for s in client.get("/api/v1/checklist").get_json()["steps"] if s["key"] == "register_gp"
    )
    assert (step["status"], step["note"], step["stuck"], step["stuck_reason"]) == (
        "doing",
        "Call Monday",
        True,
        "List full",
    )
    client.form("/steps/register_gp", {"form": "stuck", "stuck_reason": "List full"})
    step = next(
        s for s in client.get("/api/v1/checklist").get_json()["steps"] if s["key"] == "register_gp"
    )
    assert step["stuck"] is False and step["stuck_reason"] is None
    done_from_list = client.form("/steps/bank_account", {"status": "done", "next": "list"})
    assert done_from_list.headers["Location"].endswith("/#step-bank_account")


def test_step_form_errors_are_shown(app, joined):
    client, _ = joined(language="en")
    answer = client.form("/steps/register_gp", {"note": "x" * 2001})
    assert answer.status_code == 400
    assert "This is too long: at most 2000 characters." in answer.get_data(as_text=True)
    assert client.form("/steps/register_gp", {"status": "nonsense"}).status_code == 400
    assert client.get("/steps/no_such_step").status_code == 404


def test_settings_change_plan_and_dates(app, joined):
    client, _ = joined(language="en", stay_plan="short")
    arrival = today_in_amsterdam().isoformat()
    answer = client.form(
        "/settings", {"arrival_date": arrival, "stay_plan": "settle", "first_workday_date": ""}
    )
    assert answer.status_code == 303
    keys = [s["key"] for s in client.get("/api/v1/checklist").get_json()["steps"]]
    assert "dutch_lessons" in keys and "register_rni" not in keys
    bad = client.form("/settings", {"arrival_date": "soon", "stay_plan": "settle"})
    assert bad.status_code == 400


def test_urgent_help_is_on_every_page_without_unverified_entries(app, client, joined):
    me, _ = joined(language="en")
    for page in (client.get("/"), me.get("/"), me.get("/steps/register_gp"), me.get("/settings")):
        html = page.get_data(as_text=True)
        assert 'href="tel:112"' in html
        assert 'href="tel:0900-8844"' in html
        assert 'href="tel:08005151"' in html
        assert "huisartsenpost" not in html.split('id="urgent-help"')[1].split("</details>")[0]
