"""Checklist rules without HTTP: which steps apply, due dates, order, blocking, sync merging."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from onboarding.checklist.inputs import StepChange, parse_ops
from onboarding.checklist.models import StepProgress
from onboarding.checklist.services import apply_sync, build_checklist, update_step
from onboarding.content import current_pack
from onboarding.content.pack import DueRule
from onboarding.errors import AppError
from onboarding.extensions import db

ARRIVAL = date(2026, 11, 23)  # a Monday


def sync(newcomer, pack, ops):
    """Offline changes as the API reads them from a phone."""
    return apply_sync(newcomer, pack, parse_ops({"ops": ops}))


def keys(items):
    return [item.key for item in items]


def by_key(items):
    return {item.key: item for item in items}


def test_due_rules_after_arrival_first_workday_fallback_and_yearly():
    assert DueRule(kind="deadline", after="arrival", days=5).due_on(ARRIVAL, None) == date(
        2026, 11, 28
    )
    before_work = DueRule(
        kind="target",
        after="first_workday",
        days=-1,
        fallback=DueRule(kind="target", after="arrival", days=2),
    )
    assert before_work.due_on(ARRIVAL, date(2026, 12, 1)) == date(2026, 11, 30)
    assert before_work.due_on(ARRIVAL, None) == date(2026, 11, 25)
    assert DueRule(kind="target", after="first_workday").due_on(ARRIVAL, None) is None
    tax = DueRule(kind="deadline", yearly=(4, 30), years_after_arrival=1)
    assert tax.due_on(ARRIVAL, None) == date(2027, 4, 30)
    assert tax.due_on(date(2027, 1, 5), None) == date(2028, 4, 30)


def test_stay_plan_chooses_registration_kind(make_newcomer, ctx):
    pack = current_pack()
    short = keys(build_checklist(make_newcomer(stay_plan="short"), pack))
    assert "register_rni" in short and "register_brp" not in short
    medium = keys(build_checklist(make_newcomer(stay_plan="medium"), pack))
    assert "register_brp" in medium and "register_rni" not in medium
    assert "dutch_lessons" not in medium and "housing_market" not in medium
    settle = keys(build_checklist(make_newcomer(stay_plan="settle"), pack))
    assert {"register_brp", "dutch_lessons", "housing_market"} <= set(settle)


def test_temporary_protection_brings_brp_and_ind_whatever_the_plan(make_newcomer, ctx):
    items = keys(
        build_checklist(make_newcomer(stay_plan="short", temporary_protection=True), current_pack())
    )
    assert "register_brp" in items and "ind_residence" in items
    assert "register_rni" not in items
    without = keys(build_checklist(make_newcomer(stay_plan="short"), current_pack()))
    assert "ind_residence" not in without


def test_core_steps_are_on_every_checklist(make_newcomer, ctx):
    core = {
        "health_insurance",
        "register_gp",
        "bike_route",
        "first_workday",
        "worker_rights",
        "bank_account",
        "healthcare_allowance",
    }
    # DigiD and the tax return differ: through the RNI on a short stay, the BRP on a longer one.
    by_plan = {
        "short": {"digid_rni", "tax_return_non_resident"},
        "medium": {"digid", "tax_return"},
        "settle": {"digid", "tax_return"},
    }
    for plan, own in by_plan.items():
        on_list = set(keys(build_checklist(make_newcomer(stay_plan=plan), current_pack())))
        assert core | own <= on_list, plan


def test_sorted_by_due_date_then_pack_order_undated_last(make_newcomer, ctx):
    items = build_checklist(make_newcomer(stay_plan="medium"), current_pack(), today=ARRIVAL)
    dated = [i for i in items if i.due_date]
    assert [i.due_date for i in dated] == sorted(i.due_date for i in dated)
    for first, second in zip(dated, dated[1:], strict=False):
        if first.due_date == second.due_date:
            assert first.step.order < second.step.order
    undated = [i for i in items if i.due_date is None]
    assert undated and items[-len(undated) :] == undated  # first_workday without a date
    assert by_key(items)["register_brp"].due_date == ARRIVAL + timedelta(days=5)
    assert by_key(items)["tax_return"].due_date == date(2027, 4, 30)


def test_first_workday_moves_work_steps(make_newcomer, ctx):
    newcomer = make_newcomer(first_workday_date=date(2026, 12, 7))
    items = by_key(build_checklist(newcomer, current_pack()))
    assert items["bike_route"].due_date == date(2026, 12, 6)
    assert items["first_workday"].due_date == date(2026, 12, 7)
    assert items["worker_rights"].due_date == date(2026, 12, 14)


def test_overdue_is_judged_by_the_amsterdam_calendar(make_newcomer, ctx):
    newcomer = make_newcomer()  # register_brp due 2026-11-28
    # 23:30 UTC on the 28th is already the 29th in Amsterdam (UTC+1).
    with time_machine.travel(datetime(2026, 11, 28, 22, 30, tzinfo=UTC), tick=False):
        assert by_key(build_checklist(newcomer, current_pack()))["register_brp"].overdue is False
    with time_machine.travel(datetime(2026, 11, 28, 23, 30, tzinfo=UTC), tick=False):
        assert by_key(build_checklist(newcomer, current_pack()))["register_brp"].overdue is True
        update_step(newcomer, current_pack(), "register_brp", StepChange.of(status="done"))
        assert by_key(build_checklist(newcomer, current_pack()))["register_brp"].overdue is False


def test_step_waits_for_its_prerequisite(make_newcomer, ctx):
    newcomer = make_newcomer(stay_plan="short")
    items = by_key(build_checklist(newcomer, current_pack()))
    assert items["digid_rni"].blocked
    assert [s.key for s in items["digid_rni"].blocked_by] == ["register_rni"]
    assert [s.key for s in items["digid_rni"].requires] == ["register_rni"]
    update_step(newcomer, current_pack(), "register_rni", StepChange.of(status="done"))
    assert not by_key(build_checklist(newcomer, current_pack()))["digid_rni"].blocked


def test_the_list_shows_a_change_not_yet_sent_to_the_database(make_newcomer, ctx):
    """Progress is read on the session's connection, past the ORM: what the session holds but
    has not sent yet must be sent first, or the list would show the step as before."""
    newcomer = make_newcomer()
    db.session.add(StepProgress(newcomer_id=newcomer.id, step_key="register_brp", status="done"))
    assert by_key(build_checklist(newcomer, current_pack()))["register_brp"].status == "done"


def test_changing_the_plan_changes_steps_and_dates(make_newcomer, ctx):
    from onboarding.accounts.inputs import Profile
    from onboarding.accounts.services import update_profile

    with time_machine.travel(datetime(2026, 12, 10, 11, tzinfo=UTC), tick=False):
        newcomer = make_newcomer(stay_plan="short")
        update_profile(
            newcomer,
            Profile(language="en", arrival_date=date(2026, 11, 25), stay_plan="settle"),
        )
        items = by_key(build_checklist(newcomer, current_pack()))
    assert "register_rni" not in items and "dutch_lessons" in items
    # Five days from the day the plan changed, not from arrival.
    assert items["register_brp"].due_date == date(2026, 12, 15)


def test_update_of_a_step_not_on_the_checklist_is_refused(make_newcomer, ctx):
    newcomer = make_newcomer(stay_plan="medium")
    with pytest.raises(AppError) as refused:
        update_step(newcomer, current_pack(), "register_rni", StepChange.of(status="done"))
    assert refused.value.status == 404


def op(op_id, at, **fields):
    return {"op_id": op_id, "key": "register_brp", "at": at, **fields}


def test_sync_newest_change_wins_whatever_the_arrival_order(make_newcomer, ctx):
    newcomer = make_newcomer()
    pack = current_pack()
    results = sync(
        newcomer,
        pack,
        [
            op("b", "2026-11-24T10:00:00+01:00", status="done"),
            op("a", "2026-11-24T09:00:00+01:00", status="doing", note="older note"),
        ],
    )
    assert [r["result"] for r in results] == ["applied", "applied"]  # the note is new
    item = by_key(build_checklist(newcomer, pack))["register_brp"]
    assert item.status == "done"
    assert item.note == "older note"


def test_sync_applies_each_op_once(make_newcomer, ctx):
    newcomer = make_newcomer()
    pack = current_pack()
    first = sync(newcomer, pack, [op("x1", "2026-11-24T09:00:00+00:00", status="doing")])
    sync(newcomer, pack, [op("x2", "2026-11-24T10:00:00+00:00", status="done")])
    again = sync(newcomer, pack, [op("x1", "2026-11-24T09:00:00+00:00", status="doing")])
    assert first[0]["result"] == "applied" and again[0]["result"] == "duplicate"
    assert by_key(build_checklist(newcomer, pack))["register_brp"].status == "done"


def test_sync_superseded_when_every_field_is_older(make_newcomer, ctx):
    newcomer = make_newcomer()
    pack = current_pack()
    sync(newcomer, pack, [op("new", "2026-11-24T10:00:00+00:00", status="done")])
    [result] = sync(newcomer, pack, [op("old", "2026-11-24T08:00:00+00:00", status="todo")])
    assert result == {"op_id": "old", "result": "superseded"}


def test_sync_clock_in_the_future_counts_as_now(make_newcomer, ctx):
    newcomer = make_newcomer()
    pack = current_pack()
    with time_machine.travel(datetime(2026, 11, 24, 12, 0, tzinfo=UTC), tick=False):
        sync(newcomer, pack, [op("future", "2030-01-01T00:00:00+00:00", status="done")])
    with time_machine.travel(datetime(2026, 11, 24, 13, 0, tzinfo=UTC), tick=False):
        # Made offline an hour later than "now" at the first sync: it must win.
        [result] = sync(newcomer, pack, [op("later", "2026-11-24T12:30:00+00:00", status="doing")])
    assert result["result"] == "applied"
    assert by_key(build_checklist(newcomer, pack))["register_brp"].status == "doing"


def test_patch_counts_as_made_at_server_time(make_newcomer, ctx):
    newcomer = make_newcomer()
    pack = current_pack()
    with time_machine.travel(datetime(2026, 11, 24, 12, 0, tzinfo=UTC), tick=False):
        update_step(newcomer, pack, "register_brp", StepChange.of(status="done"))
    [older] = sync(newcomer, pack, [op("o", "2026-11-24T11:59:00+00:00", status="todo")])
    [newer] = sync(newcomer, pack, [op("n", "2026-11-24T12:01:00+00:00", status="doing")])
    assert older["result"] == "superseded" and newer["result"] == "applied"


def test_sync_reports_invalid_ops_and_keeps_going(make_newcomer, ctx):
    newcomer = make_newcomer()
    results = sync(
        newcomer,
        current_pack(),
        [
            {
                "op_id": "1",
                "key": "no_such_step",
                "at": "2026-11-24T10:00:00+00:00",
                "status": "done",
            },
            {"op_id": "2", "key": "register_brp", "at": "yesterday", "status": "done"},
            {
                "op_id": "3",
                "key": "register_brp",
                "at": "2026-11-24T10:00:00+00:00",
                "status": "finished",
            },
            {"key": "register_brp", "at": "2026-11-24T10:00:00+00:00", "status": "done"},
            "not an object",
            {
                "op_id": "7",
                "key": ["register_brp"],
                "at": "2026-11-24T10:00:00+00:00",
                "status": "done",
            },
            {"op_id": "8", "key": {"a": 1}, "at": "2026-11-24T10:00:00+00:00", "status": "done"},
            {
                "op_id": "9",
                "key": "register_brp",
                "at": "0001-01-01T00:00:00+01:00",
                "status": "done",
            },
            {
                "op_id": "nul\x00",
                "key": "register_brp",
                "at": "2026-11-24T10:00:00+00:00",
                "status": "done",
            },
            {
                "op_id": "x" * 65,
                "key": "register_brp",
                "at": "2026-11-24T10:00:00+00:00",
                "status": "done",
            },
            {
                "op_id": 6,
                "key": "register_brp",
                "at": "2026-11-24T10:00:00+00:00",
                "status": "done",
            },
            {
                "op_id": "ok",
                "key": "register_brp",
                "at": "2026-11-24T10:00:00+00:00",
                "stuck": True,
            },
        ],
    )
    assert [r["result"] for r in results] == ["invalid"] * 11 + ["applied"]
    assert all(r["error"] for r in results[:11])


def test_unsticking_clears_the_reason(make_newcomer, ctx):
    newcomer = make_newcomer()
    pack = current_pack()
    update_step(
        newcomer, pack, "register_gp", StepChange.of(stuck=True, stuck_reason="No GP takes me")
    )
    item = by_key(build_checklist(newcomer, pack))["register_gp"]
    assert item.stuck and item.stuck_reason == "No GP takes me"
    update_step(newcomer, pack, "register_gp", StepChange.of(stuck=False, stuck_reason=None))
    item = by_key(build_checklist(newcomer, pack))["register_gp"]
    assert not item.stuck and item.stuck_reason is None
