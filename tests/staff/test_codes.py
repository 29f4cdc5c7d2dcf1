"""Issuing, listing, printing and revoking codes; QR images that scan; guessing slowed down."""

from datetime import UTC, date, datetime, timedelta
from io import BytesIO

import time_machine
import zxingcpp
from PIL import Image
from sqlalchemy import select

from onboarding.clock import today_in_amsterdam
from onboarding.extensions import db
from onboarding.staff.models import AuditEntry

from ..conftest import join_body, translated


def issue(client, location_id, **body):
    return client.post("/api/v1/codes", json={"location_id": location_id, **body})


def test_issue_codes_with_every_option(app, staff_client, make_location, make_api):
    location_id = make_location()
    coordinator = staff_client("coordinator", [location_id])
    answer = issue(
        coordinator,
        location_id,
        count=3,
        single_use=False,
        max_uses=4,
        expires_in_days=7,
        language="pt-BR",
        arrival_date=today_in_amsterdam().isoformat(),
    )
    assert answer.status_code == 201
    codes = answer.get_json()["codes"]
    assert len(codes) == 3
    for code in codes:
        assert set(code) >= {
            "id",
            "token",
            "url",
            "qr_png_url",
            "qr_svg_url",
            "max_uses",
            "expires_at",
        }
        assert (
            code["max_uses"] == 4
            and code["url"] == f"https://aankomst.example/join/{code['token']}"
        )
        assert len(code["token"]) == 22  # 128 random bits, URL-safe
        expires = datetime.fromisoformat(code["expires_at"])
        assert timedelta(days=6, hours=23) < expires - datetime.now(UTC) <= timedelta(days=7)
    form = make_api().get(f"/join/{codes[0]['token']}?language=pt-BR").get_data(as_text=True)
    assert f'value="{today_in_amsterdam().isoformat()}"' in form  # the arrival date is filled in


def test_defaults_are_one_single_use_code_for_14_days(staff_client, make_location):
    location_id = make_location()
    [code] = issue(staff_client("admin"), location_id).get_json()["codes"]
    assert code["max_uses"] == 1
    expires = datetime.fromisoformat(code["expires_at"])
    assert timedelta(days=13, hours=23) < expires - datetime.now(UTC) <= timedelta(days=14)


def test_issue_validation(app, staff_client, make_location):
    location_id = make_location()
    admin = staff_client("admin")
    bad = [
        ({"count": 0}, "count"),
        ({"count": 201}, "count"),
        ({"count": "many"}, "count"),
        ({"count": True}, "count"),
        ({"single_use": False}, "max_uses"),
        ({"single_use": False, "max_uses": 1}, "max_uses"),
        ({"single_use": False, "max_uses": 51}, "max_uses"),
        ({"expires_in_days": 0}, "expires_in_days"),
        ({"language": "de"}, "language"),
        ({"arrival_date": "tomorrow"}, "arrival_date"),
        ({"single_use": "perhaps"}, "single_use"),
    ]
    for body, field in bad:
        answer = issue(admin, location_id, **body)
        assert answer.status_code == 400, body
        assert field in answer.get_json()["error"]["fields"], body
    assert issue(admin, location_id, count=200).status_code == 201


def test_list_shows_uses_and_state(app, staff_client, make_location, make_api):
    location_id = make_location()
    admin = staff_client("admin")
    [single] = issue(admin, location_id).get_json()["codes"]
    [group] = issue(admin, location_id, single_use=False, max_uses=2).get_json()["codes"]
    [revoked] = issue(admin, location_id).get_json()["codes"]
    [short] = issue(admin, location_id, expires_in_days=1).get_json()["codes"]
    assert make_api().post("/api/v1/join", json=join_body(single["token"])).status_code == 201
    assert make_api().post("/api/v1/join", json=join_body(group["token"])).status_code == 201
    assert admin.delete(f"/api/v1/codes/{revoked['id']}").status_code == 204
    with time_machine.travel(datetime.now(UTC) + timedelta(days=2)):
        later = staff_client("admin")  # the first session ended after 30 idle minutes
        listing = {
            c["id"]: c
            for c in later.get(f"/api/v1/codes?location_id={location_id}").get_json()["codes"]
        }
    assert (listing[single["id"]]["uses"], listing[single["id"]]["state"]) == (1, "used_up")
    assert (listing[group["id"]]["uses"], listing[group["id"]]["state"]) == (1, "active")
    assert listing[revoked["id"]]["state"] == "revoked"
    assert listing[short["id"]]["state"] == "expired"
    assert listing[group["id"]]["token"] == group["token"]  # reprintable


def test_revoked_code_stops_working_and_actions_are_audited(
    app, staff_client, make_location, make_api
):
    location_id = make_location()
    coordinator = staff_client("coordinator", [location_id])
    [code] = issue(coordinator, location_id).get_json()["codes"]
    assert coordinator.delete(f"/api/v1/codes/{code['id']}").status_code == 204
    assert coordinator.delete(f"/api/v1/codes/{code['id']}").status_code == 204  # idempotent
    answer = make_api().post("/api/v1/join", json=join_body(code["token"]))
    assert answer.status_code == 410 and answer.get_json()["error"]["code"] == "code_revoked"
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        assert [e.action for e in entries] == ["staff.login", "codes.issue", "codes.revoke"]
        assert {e.location_id for e in entries[1:]} == {location_id}
        assert entries[2].staff_email.startswith("coordinator")


def test_qr_png_decodes_back_to_the_join_url(staff_client, make_location):
    location_id = make_location()
    admin = staff_client("admin")
    [code] = issue(admin, location_id).get_json()["codes"]
    png = admin.get(code["qr_png_url"])
    assert png.status_code == 200 and png.mimetype == "image/png"
    [found] = zxingcpp.read_barcodes(Image.open(BytesIO(png.data)))
    assert found.text == code["url"]
    assert found.ec_level == "H"
    svg = admin.get(code["qr_svg_url"])
    assert svg.mimetype == "image/svg+xml" and svg.get_data(as_text=True).startswith("<svg")


def test_print_view_has_eight_cards_per_a4_sheet_with_all_languages(
    app, staff_client, make_location
):
    location_id = make_location("Bloemenhof")
    admin = staff_client("admin")
    codes = issue(admin, location_id, count=10).get_json()["codes"]
    ids = ",".join(str(c["id"]) for c in codes)
    page = admin.get(f"/staff/codes/print?ids={ids}").get_data(as_text=True)
    assert page.count('class="sheet"') == 2 and page.count('class="qr-card"') == 10
    assert page.count("Bloemenhof") >= 10
    instruction = "Scan with your phone camera to start — connect to the house Wi-Fi first"
    assert f'lang="en">{instruction}' in page
    for language in ("nl", "pl", "uk", "bg", "ro", "pt_BR"):
        assert translated(app, language, instruction) in page
    assert instruction in page
    svg = admin.get(f"/staff/codes/sheet.svg?ids={ids}")
    assert svg.mimetype == "image/svg+xml" and svg.get_data(as_text=True).count("<path") == 10
    pdf = admin.get(f"/staff/codes/sheet.pdf?ids={ids}")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert (
        pdf.data.count(b"/Type /Page\n") + pdf.data.count(b"/Type /Page ") >= 2
        or b"/Count 2" in pdf.data
    )


def test_desk_form_issues_codes_and_opens_the_print_view(app, staff_client, make_location):
    location_id = make_location()
    coordinator = staff_client("coordinator", [location_id])
    answer = coordinator.form(
        f"/staff/locations/{location_id}",
        {
            "count": "8",
            "single_use": "1",
            "expires_in_days": "14",
            "language": "",
            "arrival_date": "",
        },
    )
    assert answer.status_code == 303 and "/staff/codes/print?ids=" in answer.headers["Location"]
    page = coordinator.get(answer.headers["Location"]).get_data(as_text=True)
    assert page.count('class="qr-card"') == 8
    bad = coordinator.form(f"/staff/locations/{location_id}", {"count": "500", "single_use": "1"})
    assert bad.status_code == 400 and 'aria-invalid="true"' in bad.get_data(as_text=True)


def test_desk_counts_codes_and_joins(app, staff_client, make_location, make_api):
    location_id = make_location()
    coordinator = staff_client("coordinator", [location_id])
    codes = issue(coordinator, location_id, count=3).get_json()["codes"]
    make_api().post("/api/v1/join", json=join_body(codes[0]["token"], nickname="Ola"))
    page = coordinator.get(f"/staff/locations/{location_id}").get_data(as_text=True)
    assert "Ola" in page
    counts = page.split('<dl class="counts">')[1].split("</dl>")[0]
    assert [int(n) for n in __import__("re").findall(r"<dd>(\d+)</dd>", counts)] == [3, 1, 2, 0]


def test_guessing_codes_is_limited_per_address_but_joining_is_not(app, make_api, make_code):
    for index in range(20):
        assert make_api().get(f"/join/{'x' * 21}{index % 10}").status_code == 404
    blocked = make_api().post("/api/v1/join", json=join_body("y" * 22))
    assert blocked.status_code == 429
    other_address = make_api().post(
        "/api/v1/join", json=join_body("y" * 22), environ_base={"REMOTE_ADDR": "198.51.100.9"}
    )
    assert other_address.status_code == 404
    # A house shares one Wi-Fi address: a real code still works while guessing is blocked.
    assert make_api().get(f"/join/{make_code()}?language=pl").status_code == 200
    assert make_api().post("/api/v1/join", json=join_body(make_code())).status_code == 201
    form = {"language": "pl", "arrival_date": join_body("-")["arrival_date"], "stay_plan": "short"}
    assert make_api().form(f"/join/{make_code()}", form).status_code == 303
    assert make_api().get(f"/join/{'z' * 22}").status_code == 429


def test_successful_joins_from_one_house_are_not_limited(app, make_api, make_code):
    token = make_code(max_uses=30)
    for _ in range(25):
        assert make_api().post("/api/v1/join", json=join_body(token)).status_code == 201


def test_max_uses_alone_asks_for_a_group_code(staff_client, make_location):
    location_id = make_location()
    admin = staff_client("admin")
    [code] = issue(admin, location_id, max_uses=5).get_json()["codes"]
    assert code["max_uses"] == 5
    clash = issue(admin, location_id, single_use=True, max_uses=5)
    assert clash.status_code == 400 and "max_uses" in clash.get_json()["error"]["fields"]


def test_every_language_fits_on_the_printed_card(app):
    """The longest translations still end inside the card, in the SVG and PDF layout."""
    from onboarding.codes.qr import CARD_H, Card, card_text, instructions

    with app.test_request_context():
        lines = instructions()
        placed = card_text(
            Card("https://aankomst.example/join/x", "Demo house Bloemenhof", date(2026, 12, 11)),
            "Valid until",
            lines,
        )
    assert {line.language for line in placed if line.language} == {
        "en",
        "nl",
        "pl",
        "uk",
        "bg",
        "ro",
        "pt-BR",
    }
    assert max(line.y for line in placed) < CARD_H - 1.5
