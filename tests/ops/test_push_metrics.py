"""Push deliveries sent and failed reach /metrics, counted where the push service's answers
are stored."""

from onboarding.ops import metrics

from ..push.conftest import device, receiver  # noqa: F401 (fixtures)
from ..push.test_reminders import at, newcomer_with_phone, run


def value(outcome: str) -> float:
    sample = metrics.REGISTRY.get_sample_value(
        "aankomst_push_deliveries_total", {"outcome": outcome}
    )
    return sample or 0


def test_sent_and_failed_pushes_are_counted(app, runner, receiver, make_api, make_code, device):  # noqa: F811
    fine = newcomer_with_phone(make_api, make_code, device)[1]
    broken = newcomer_with_phone(make_api, make_code, device)[1]
    receiver.answers[broken.path] = [400]
    before = {outcome: value(outcome) for outcome in ("sent", "failed")}
    with at("2026-12-05"):
        assert "sent 1, failed 1" in run(runner)
    assert value("sent") - before["sent"] == 1
    assert value("failed") - before["failed"] == 1
    assert len(receiver.for_path(fine.path)) == 1
    text = app.test_client().get("/metrics").get_data(as_text=True)
    assert 'aankomst_push_deliveries_total{outcome="sent"}' in text
