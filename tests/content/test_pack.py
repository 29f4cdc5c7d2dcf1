"""The content pack: complete, translated, sourced, and nothing unverified shown."""

import shutil

import pytest
import yaml

from onboarding import create_app
from onboarding.content.pack import PACKS_DIR, PackError, load_pack
from onboarding.i18n import LANGUAGES

from ..conftest import translated

PACK_DIR = PACKS_DIR / "noordwijk"
REQUIRED_STEPS = {
    "register_brp",
    "register_rni",
    "ind_residence",
    "health_insurance",
    "register_gp",
    "bike_route",
    "first_workday",
    "worker_rights",
    "bank_account",
    "digid",
    "healthcare_allowance",
    "tax_return",
    "dutch_lessons",
    "housing_market",
}


@pytest.fixture(scope="module")
def pack():
    return load_pack("noordwijk")


def raw_files():
    return {path: yaml.safe_load(path.read_text()) for path in PACK_DIR.rglob("*.yaml")}


def test_pack_has_every_required_step_with_every_field(pack):
    assert {step.key for step in pack.steps} >= REQUIRED_STEPS
    for step in pack.steps:
        assert step.title and step.summary and step.why and step.how, step.key
        assert step.sources and all(url.startswith("http") for url in step.sources), step.key
        assert step.checked_on, step.key
        assert step.plans or step.temporary_protection == "only", step.key
    assert [s.order for s in pack.steps] == sorted(s.order for s in pack.steps)


def test_registration_step_states_the_right_to_register(pack):
    rights = " ".join(pack.step("register_brp").rights)
    assert "right to register at the address where you really live" in rights


def test_every_visible_text_is_translated_in_every_language(app, pack):
    texts = pack.texts()
    assert len(texts) > 200
    for code in LANGUAGES:
        if code == "en":
            continue
        for text in texts:
            translated(app, code, text)


def test_nothing_unverified_reaches_the_pack(pack):
    hidden_places = {
        pid
        for pid, raw in yaml.safe_load((PACK_DIR / "places.yaml").read_text()).items()
        if raw.get("unverified") is True
    }
    assert "huisartsenpost" in hidden_places
    assert not hidden_places & set(pack.places)
    assert all(item.key != "gp_out_of_hours" for item in pack.urgent_help)
    for text in pack.texts():
        assert "UNVERIFIED" not in text.upper().replace("NOT VERIFIED", "")
    # A field marked unverified is dropped, the rest of the place stays.
    vluchtelingenwerk = pack.places["vluchtelingenwerk_noordwijk"]
    assert vluchtelingenwerk.address is None and vluchtelingenwerk.description


def test_unverified_parts_never_show_on_pages(app, joined, make_api):
    notes = [
        note
        for data in raw_files().values()
        for note in (data.get("unverified") or [])
        if isinstance(note, str)
    ]
    assert len(notes) >= 5
    pages = ""
    for plan, protection in (("settle", True), ("short", False)):
        client, _ = joined(
            make_api(), language="en", stay_plan=plan, temporary_protection=protection
        )
        for step in client.get("/api/v1/checklist").get_json()["steps"]:
            pages += client.get(f"/steps/{step['key']}").get_data(as_text=True)
    assert "Voorstraat" not in pages  # the unconfirmed town-hall street
    assert "Nieuwe Zeeweg, Noordwijk" not in pages  # an address without a house number
    for note in notes:
        assert note not in pages
    # 14 071 is Leiden's number: it appears only beside the Leiden desk.
    assert "14 071" in pages
    for chunk in pages.split('<div class="place">')[1:]:
        if "14 071" in chunk:
            assert "Leiden" in chunk.split("</div>")[0]


def test_every_phone_number_and_address_carries_its_source():
    """A number or address shown to people is only in the pack with the page that gives it."""
    meta = yaml.safe_load((PACK_DIR / "pack.yaml").read_text())
    places = yaml.safe_load((PACK_DIR / "places.yaml").read_text())
    entries = [("urgent_help " + e["key"], e) for e in meta["urgent_help"]]
    entries += [(f"place {key}", raw) for key, raw in places.items()]
    shown = 0
    for name, raw in entries:
        if not any(raw.get(field) for field in ("phone", "phone_abroad", "address")):
            continue
        shown += 1
        sources = raw.get("sources") or []
        assert sources and all(url.startswith("http") for url in sources), name
    assert shown >= 5


def test_a_bad_pack_is_refused_at_start_up(tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(PACK_DIR, broken)
    step_file = next((broken / "steps").glob("*register_brp.yaml"))
    data = yaml.safe_load(step_file.read_text())
    data["places"] = ["nowhere"]
    step_file.write_text(yaml.safe_dump(data))
    with pytest.raises(PackError, match="unknown places"):
        load_pack(str(broken))
    with pytest.raises(PackError, match="not found"):
        load_pack("atlantis")


def test_a_percent_sign_before_a_word_is_refused(tmp_path):
    """ "25% of" looks like a placeholder to gettext tools, which then reject translations."""
    pack = tmp_path / "percent"
    shutil.copytree(PACK_DIR, pack)
    step_file = next((pack / "steps").glob("*register_brp.yaml"))
    data = yaml.safe_load(step_file.read_text())
    data["why"].append("At most 25% of your wage.")
    step_file.write_text(yaml.safe_dump(data))
    with pytest.raises(PackError, match="percent"):
        load_pack(str(pack))


def test_aankomst_content_chooses_the_pack(tmp_path, database_url):
    other = tmp_path / "katwijk"
    shutil.copytree(PACK_DIR, other)
    meta = yaml.safe_load((other / "pack.yaml").read_text())
    meta["name"] = "Katwijk"
    (other / "pack.yaml").write_text(yaml.safe_dump(meta))
    app = create_app(
        {"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database_url, "AANKOMST_CONTENT": str(other)}
    )
    assert app.extensions["aankomst_pack"].name == "Katwijk"
    with pytest.raises(PackError):
        create_app(
            {
                "SECRET_KEY": "x",
                "SQLALCHEMY_DATABASE_URI": database_url,
                "AANKOMST_CONTENT": "atlantis",
            }
        )


def test_every_language_records_its_review_state(pack):
    assert set(pack.reviewed) == set(LANGUAGES)
    assert pack.reviewed["en"] is True
