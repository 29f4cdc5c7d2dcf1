"""VAPID keys, subscriptions (five devices at most, endpoints only on public https hosts) and
preferences."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from onboarding.config import ConfigError
from onboarding.extensions import db
from onboarding.push.keys import load_vapid, public_key_of
from onboarding.push.models import PushPreference, PushSubscription

from ..conftest import VAPID_PUBLIC_KEY, make_app, translated


def subscribe(client, data):
    return client.post("/api/v1/push/subscriptions", json=data)


def count(app, model=PushSubscription) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_vapid_generate_prints_a_key_pair_that_belongs_together(runner):
    output = runner.invoke(args=["vapid", "generate"]).output
    lines = dict(line.split("=", 1) for line in output.strip().splitlines())
    assert set(lines) == {"VAPID_PRIVATE_KEY", "VAPID_PUBLIC_KEY"}
    assert (
        public_key_of(load_vapid(lines["VAPID_PRIVATE_KEY"]).private_key)
        == (lines["VAPID_PUBLIC_KEY"])
    )
    second = runner.invoke(args=["vapid", "generate"]).output
    assert second != output  # new keys each time: never silently at start-up


def test_the_public_key_is_served_and_a_missing_key_is_a_clear_503(api, other_app):
    assert api.get("/api/v1/push/key").get_json() == {"public_key": VAPID_PUBLIC_KEY}
    unconfigured = other_app(VAPID_PRIVATE_KEY=None).test_client()
    answer = unconfigured.get("/api/v1/push/key", headers={"Accept-Language": "pl"})
    assert answer.status_code == 503
    assert answer.get_json()["error"]["code"] == "push_not_configured"
    assert answer.get_json()["error"]["message"] == translated(
        other_app(), "pl", "Notifications are not set up on this server yet."
    )


def test_a_key_from_a_pem_file_works_and_an_unreadable_key_stops_start_up(tmp_path, database_url):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    pem = tmp_path / "vapid.pem"
    pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    app = make_app(database_url, VAPID_PRIVATE_KEY=str(pem))
    answer = app.test_client().get("/api/v1/push/key").get_json()
    assert answer == {"public_key": public_key_of(key)}
    try:
        make_app(database_url, VAPID_PRIVATE_KEY="not-a-key")
    except ConfigError as error:
        assert "vapid generate" in str(error)
    else:
        raise AssertionError("an unreadable key must stop start-up")


def test_a_newcomer_subscribes_resubscribes_and_unsubscribes(app, newcomer_client, device):
    phone = device()
    assert subscribe(newcomer_client, phone.subscription()).status_code == 201
    again = phone.subscription()
    again["keys"]["auth"] = "bmV3LWF1dGgtc2VjcmV0IQ"
    assert subscribe(newcomer_client, again).status_code == 201
    with app.app_context():
        [stored] = db.session.scalars(select(PushSubscription)).all()
        assert stored.auth == "bmV3LWF1dGgtc2VjcmV0IQ" and stored.newcomer_id is not None
    gone = newcomer_client.delete("/api/v1/push/subscriptions", json={"endpoint": phone.endpoint})
    assert gone.status_code == 204 and count(app) == 0
    missing = newcomer_client.delete(
        "/api/v1/push/subscriptions", json={"endpoint": phone.endpoint}
    )
    assert missing.status_code == 404


def test_a_sixth_device_replaces_the_oldest(app, newcomer_client, device):
    """One device a day, counted from when the person joined (a session is never used before
    it was made)."""
    phones = [device() for _ in range(6)]
    joined_at = datetime.now(UTC)
    for day, phone in enumerate(phones, start=1):
        with time_machine.travel(joined_at + timedelta(days=day), tick=False):
            assert subscribe(newcomer_client, phone.subscription()).status_code == 201
    with app.app_context():
        kept = set(db.session.scalars(select(PushSubscription.endpoint)))
    assert kept == {phone.endpoint for phone in phones[1:]}


def test_a_shared_phone_moves_to_the_person_signed_in_now(app, joined, make_api, device):
    phone = device()
    (first, _code), (second, _code2) = joined(), joined(make_api())
    subscribe(first, phone.subscription())
    subscribe(second, phone.subscription())
    with app.app_context():
        [stored] = db.session.scalars(select(PushSubscription)).all()
    assert (
        first.delete("/api/v1/push/subscriptions", json={"endpoint": phone.endpoint}).status_code
        == 404
    )
    assert (
        second.delete("/api/v1/push/subscriptions", json={"endpoint": phone.endpoint}).status_code
        == 204
    )
    assert stored.id


def test_knowing_a_push_address_is_not_enough_to_take_the_device(app, joined, make_api, device):
    """Someone who learned another person's push address cannot move it to themselves: only the
    browser holding the subscription (its auth secret) can."""
    phone, thief_keys = device(), device().subscription()["keys"]
    (owner_client, _code), (thief, _code2) = joined(), joined(make_api())
    assert subscribe(owner_client, phone.subscription()).status_code == 201
    taken = subscribe(thief, {"endpoint": phone.endpoint, "keys": thief_keys})
    assert taken.status_code == 409 and taken.get_json()["error"]["code"] == "device_taken"
    assert taken.get_json()["error"]["message"] == translated(
        app,
        "pl",
        "This phone gets notifications for another account. Switch notifications off and on "
        "again on this phone, then try again.",
    )
    with app.app_context():
        [stored] = db.session.scalars(select(PushSubscription)).all()
        owner_id = stored.newcomer_id
        assert stored.p256dh == phone.subscription()["keys"]["p256dh"]
    assert (
        owner_client.delete(
            "/api/v1/push/subscriptions", json={"endpoint": phone.endpoint}
        ).status_code
        == 204
    )
    assert owner_id is not None


def test_staff_can_subscribe_and_strangers_cannot(app, staff_client, api, device):
    coordinator = staff_client("coordinator")
    assert subscribe(coordinator, device().subscription()).status_code == 201
    with app.app_context():
        assert db.session.scalar(select(PushSubscription.staff_id)) is not None
    for answer in (
        subscribe(api, device().subscription()),
        api.get("/api/v1/push/preferences"),
        api.client.open(
            "/api/v1/push/preferences", method="PUT", json={}, headers={"X-CSRFToken": api.token()}
        ),
    ):
        assert answer.status_code == 401


def test_endpoints_must_be_public_https_hosts(other_app, make_code, newcomer_client, device):
    strict = other_app(AANKOMST_PUSH_ALLOW_INSECURE=False)
    from ..conftest import ApiClient, join_body

    client = ApiClient(strict.test_client())
    assert client.post("/api/v1/join", json=join_body(make_code())).status_code == 201
    keys = device().subscription()["keys"]
    refused = [
        "http://93.184.216.34/push/1",  # not https
        "https://127.0.0.1/push",  # loopback
        "https://localhost:8443/push",
        "https://[::1]/push",
        "https://10.1.2.3/push",  # private
        "https://192.168.0.10/push",
        "https://169.254.169.254/latest/meta-data",  # link-local (cloud metadata)
        "https://[fe80::1]/push",
        "https://0.0.0.0/push",
        "https://no-such-host.invalid/push",  # does not resolve
        "https://user:pass@93.184.216.34/push",
        "ftp://93.184.216.34/push",
        "not a url",
        "",
        "https://" + "a" * 3000 + ".example/push",
        "https://[::ffff:127.0.0.1]/push",  # IPv4 inside IPv6
        "https://[::127.0.0.1]/push",
        "https://[64:ff9b::a01:203]/push",  # NAT64 of 10.1.2.3
        "https://[2002:a01:203::1]/push",  # 6to4 of 10.1.2.3
    ]
    for endpoint in refused:
        answer = subscribe(client, {"endpoint": endpoint, "keys": keys})
        assert answer.status_code == 400, endpoint
        assert "endpoint" in answer.get_json()["error"]["fields"], endpoint
    assert (
        subscribe(client, {"endpoint": "https://93.184.216.34/push/1", "keys": keys}).status_code
        == 201
    )
    # The local testing switch lets plain http through on loopback only.
    assert (
        subscribe(
            newcomer_client, {"endpoint": "http://127.0.0.1:9/push", "keys": keys}
        ).status_code
        == 201
    )
    private = subscribe(newcomer_client, {"endpoint": "http://10.1.2.3/push", "keys": keys})
    assert private.status_code == 400


def test_a_subscription_needs_both_keys_and_keys_that_can_work(newcomer_client, device):
    data = device().subscription()
    good = data["keys"]
    for broken in (
        {},
        {"p256dh": good["p256dh"]},
        {"auth": 5, "p256dh": ""},
        {"p256dh": "BBBB", "auth": good["auth"]},
        {"p256dh": "!!!!", "auth": good["auth"]},
        {"p256dh": "B" + "A" * 86, "auth": good["auth"]},  # 65 bytes, not on the curve
        {"p256dh": good["p256dh"], "auth": "é"},
        {"p256dh": good["p256dh"], "auth": good["auth"] + "AAAA"},
    ):
        answer = subscribe(newcomer_client, {"endpoint": data["endpoint"], "keys": broken})
        assert answer.status_code == 400, broken
    assert subscribe(newcomer_client, ["not", "an", "object"]).status_code == 400
    for endpoint in ({"a": 1}, ["x"], None, 5):
        answer = newcomer_client.delete("/api/v1/push/subscriptions", json={"endpoint": endpoint})
        assert answer.status_code == 400, endpoint


def put_preferences(client, data):
    return client.client.open(
        "/api/v1/push/preferences", method="PUT", json=data, headers={"X-CSRFToken": client.token()}
    )


def test_preferences_have_defaults_change_partially_and_refuse_bad_times(app, newcomer_client):
    assert newcomer_client.get("/api/v1/push/preferences").get_json() == {
        "reminders": True,
        "quiet_start": "21:00",
        "quiet_end": "08:00",
    }
    assert put_preferences(newcomer_client, {"quiet_start": "22:30"}).get_json() == {
        "reminders": True,
        "quiet_start": "22:30",
        "quiet_end": "08:00",
    }
    assert (
        put_preferences(newcomer_client, {"reminders": False}).get_json()["quiet_start"] == "22:30"
    )
    for bad in (
        {"quiet_end": "25:00"},
        {"quiet_end": "9:00"},
        {"quiet_start": 900},
        {"quiet_start": "aa:bb"},
        {"quiet_start": "21:00:00"},
        {"reminders": "yes"},
    ):
        answer = put_preferences(newcomer_client, bad)
        assert answer.status_code == 400, bad
        assert set(answer.get_json()["error"]["fields"]) == set(bad), bad
    assert count(app, PushPreference) == 1
    assert newcomer_client.get("/api/v1/push/preferences").get_json()["reminders"] is False


def test_the_settings_page_sets_reminders_and_quiet_hours(app, newcomer_client):
    page = newcomer_client.get("/settings").get_data(as_text=True)
    assert "data-push-enable" in page and 'value="21:00"' in page
    saved = newcomer_client.form(
        "/settings/reminders", {"quiet_start": "22:00", "quiet_end": "07:30"}
    )
    assert saved.status_code == 303
    assert newcomer_client.get("/api/v1/push/preferences").get_json() == {
        "reminders": False,
        "quiet_start": "22:00",
        "quiet_end": "07:30",
    }
    wrong = newcomer_client.form(
        "/settings/reminders", {"reminders": "1", "quiet_start": "late", "quiet_end": "07:30"}
    )
    assert wrong.status_code == 400
    assert translated(app, "pl", "Please give a time as HH:MM, for example 21:00.") in (
        wrong.get_data(as_text=True)
    )


def test_erasing_the_account_removes_its_devices_and_preferences(app, newcomer_client, device):
    subscribe(newcomer_client, device().subscription())
    put_preferences(newcomer_client, {"reminders": False})
    assert newcomer_client.delete("/api/v1/me").status_code == 204
    assert count(app) == 0 and count(app, PushPreference) == 0


def test_the_worker_command_needs_redis(runner):
    result = runner.invoke(args=["worker"])
    assert result.exit_code == 1 and "REDIS_URL" in result.output


def test_the_data_export_lists_notification_settings_and_devices(newcomer_client, device):
    subscribe(newcomer_client, device().subscription())
    put_preferences(newcomer_client, {"quiet_end": "07:00"})
    exported = newcomer_client.get("/api/v1/me/export").get_json()["notifications"]
    assert exported["quiet_end"] == "07:00" and exported["reminders"] is True
    assert len(exported["devices"]) == 1
    assert "http" not in str(exported)  # the push address (a secret of the device) stays out


def test_the_push_connection_itself_refuses_an_address_inside_the_network(receiver):
    """A name checked at subscription time may resolve elsewhere later (DNS rebinding): the
    address a connection really reaches is checked when it is made."""
    import requests

    from onboarding.push.transport import PushSession

    with pytest.raises(requests.ConnectionError):
        PushSession(loopback_too=False).post(receiver.url + "/push/inside", data=b"x")
    assert receiver.received == []
    assert PushSession(loopback_too=True).post(receiver.url + "/push/ok").status_code == 201
