"""Figures tied to a period are never shown as current after it ends, and `content check` finds
them first. Every date here is fixed: the real date never decides a result."""

import shutil
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
import yaml

from onboarding.content import pack_item
from onboarding.content.check import check_pack
from onboarding.content.pack import PACKS_DIR, PackError, load_pack

from ..conftest import STAFF_PASSWORD, ApiClient

# A day on which the shipped pack shows only current figures (it was checked then).
CHECKED_DAY = date(2026, 12, 2)


def at(day: date):
    """The clock moved to noon (Amsterdam) on this day, before anything is created."""
    return time_machine.travel(datetime(day.year, day.month, day.day, 11, tzinfo=UTC), tick=False)


@pytest.fixture(scope="module")
def pack():
    return load_pack("noordwijk")


@pytest.fixture
def pack_copy(tmp_path):
    """A copy of the shipped pack to change; returns (folder, write figures.yaml)."""
    folder = tmp_path / "pack"
    shutil.copytree(PACKS_DIR / "noordwijk", folder)
    return folder


def add_figure_text(folder, figure: dict, item: dict) -> None:
    figures = yaml.safe_load((folder / "figures.yaml").read_text())
    figures["test_amount"] = figure
    (folder / "figures.yaml").write_text(yaml.safe_dump(figures))
    step_file = next((folder / "steps").glob("*health_insurance.yaml"))
    step = yaml.safe_load(step_file.read_text())
    step["how"] = [*step["how"], item]
    step_file.write_text(yaml.safe_dump(step, allow_unicode=True))


AMOUNT = {
    "value": 385,
    "kind": "money",
    "valid_from": date(2026, 1, 1),
    "valid_until": date(2026, 12, 31),
    "checked_on": date(2026, 11, 27),
    "source": "https://www.example.org/current-amount",
}
ITEM = {
    "text": "In 2026 the deductible is %(test_amount)s a year.",
    "without": "Each year there is a deductible.",
}


def test_a_figure_is_shown_in_its_period_and_never_after(app, pack_copy):
    add_figure_text(pack_copy, AMOUNT, ITEM)
    text = next(
        t for t in load_pack(str(pack_copy)).step("health_insurance").how if str(t) == ITEM["text"]
    )
    with app.test_request_context(headers={"Accept-Language": "en"}):
        with at(date(2026, 12, 31)):
            assert str(pack_item(text)) == "In 2026 the deductible is €385 a year."
        with at(date(2027, 1, 1)):
            shown = str(pack_item(text))
    assert "385" not in shown
    assert shown.startswith("Each year there is a deductible. ")
    assert 'href="https://www.example.org/current-amount"' in shown
    assert "Check the current amount here." in shown


def test_amounts_are_written_the_way_each_language_writes_money(app, pack_copy):
    add_figure_text(pack_copy, {**AMOUNT, "value": 14.71}, ITEM)
    text = next(
        t for t in load_pack(str(pack_copy)).step("health_insurance").how if str(t) == ITEM["text"]
    )
    with app.test_request_context(headers={"Accept-Language": "nl"}), at(date(2026, 6, 1)):
        # The English msgid is shown (the test text has no translation); the amount is Dutch.
        assert "€\xa014,71" in str(pack_item(text))


@pytest.mark.parametrize(
    "item, problem",
    [
        ({"text": "Costs %(nowhere)s.", "without": "Costs money."}, "not in figures.yaml"),
        ({"text": "Costs %(test_amount)s.", "without": "Costs %(test_amount)s."}, "may not use"),
        ({"text": "Costs money.", "without": "Costs money."}, "has no %(figure)s"),
        ("Costs %(test_amount)s.", "give it as {text, without}"),
    ],
)
def test_the_loader_refuses_a_figure_text_it_could_not_show_safely(pack_copy, item, problem):
    add_figure_text(pack_copy, AMOUNT, item)
    with pytest.raises(PackError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        load_pack(str(pack_copy))


def test_a_figure_needs_its_period_and_an_official_source(pack_copy):
    for broken in ({"valid_until": None}, {"source": "www.example.org"}, {"kind": "amount"}):
        add_figure_text(pack_copy, {**AMOUNT, **broken}, ITEM)
        with pytest.raises(PackError):
            load_pack(str(pack_copy))


def test_every_figure_of_the_pack_has_a_period_a_check_date_and_a_source(pack):
    assert pack.figures, "the pack shows no figure with a period"
    for figure in pack.figures.values():
        assert figure.valid_from <= figure.valid_until, figure.key
        assert figure.source.startswith("https://"), figure.key
        assert figure.checked_on <= CHECKED_DAY + timedelta(days=1), figure.key


def first_expiry(pack) -> date:
    shown = pack.shown_figures()
    return min(f.valid_until for f in pack.figures.values() if f.key in shown)


def test_content_check_passes_on_the_day_the_pack_was_checked(runner):
    with at(CHECKED_DAY):
        result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
    assert "0 shown figure(s) expired" in result.output


def test_content_check_fails_the_day_after_a_shown_figure_expires(runner, pack):
    day = first_expiry(pack) + timedelta(days=1)
    with at(day):
        result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 1
    expired = [f.key for f in pack.figures.values() if f.valid_until < day]
    for key in expired:
        assert f"EXPIRED: {key}" in result.output
    with at(day - timedelta(days=1)):
        assert runner.invoke(args=["content", "check"]).exit_code == 0


def test_content_check_warns_30_days_ahead_and_about_old_sources(pack):
    end = first_expiry(pack)
    soon = check_pack(pack, end - timedelta(days=30))
    assert any(f.kind == "expires_soon" and f.day == end for f in soon)
    assert not any(f.kind == "expires_soon" for f in check_pack(pack, end - timedelta(days=31)))
    oldest = min(step.checked_on for step in pack.steps)
    assert not any(f.kind == "source_unchecked" for f in check_pack(pack, oldest))
    late = check_pack(pack, oldest + timedelta(days=181))
    assert any(f.kind == "source_unchecked" and f.subject.startswith("step ") for f in late)


def test_admins_see_the_same_list_and_coordinators_do_not(app, make_staff, pack):
    day = first_expiry(pack) + timedelta(days=1)
    client = ApiClient(app.test_client())
    with at(day):
        email = make_staff("admin")
        client.post("/api/v1/staff/login", json={"email": email, "password": STAFF_PASSWORD})
        page = client.get("/staff/admin/content").get_data(as_text=True)
    for finding in check_pack(pack, day):
        assert finding.subject in page
    assert 'role="alert"' in page
    coordinator = ApiClient(app.test_client())
    email = make_staff("coordinator")
    coordinator.post("/api/v1/staff/login", json={"email": email, "password": STAFF_PASSWORD})
    assert coordinator.get("/staff/admin/content").status_code == 403
