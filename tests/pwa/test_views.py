"""The PWA's server side: worker at the root, manifest, offline page, script catalog."""

from ..conftest import translated


def test_worker_is_served_from_the_root_never_cached_with_its_version_and_shell(app, client):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    body = response.get_data(as_text=True)
    version = app.config["ASSET_VERSION"]
    assert f'const VERSION = "{version}";' in body
    for path in (
        f"/assets/{version}/css/app.css",
        f"/assets/{version}/js/app.js",
        f"/assets/{version}/js/changes.js",
        f"/assets/{version}/icons/icon-maskable-512.png",
        "/offline",
        "/i18n/pt-BR.json?v=",
    ):
        assert path in body
    assert "__SHELL__" not in body and "__VERSION__" not in body


def test_version_changes_with_the_static_files(app):
    from onboarding.pwa.views import asset_version

    assert asset_version() == app.config["ASSET_VERSION"] and len(asset_version()) == 12


def test_manifest_speaks_the_persons_language(app, client):
    data = client.get("/manifest.webmanifest", headers={"Accept-Language": "uk"}).get_json(
        force=True
    )
    assert data["lang"] == "uk"
    assert data["name"] == translated(
        app, "uk", "Aankomst: your first weeks in %(place)s", place="Noordwijk"
    )
    assert data["start_url"].startswith("/") and data["scope"] == "/"


def test_offline_page_is_translated(app, client):
    page = client.get("/offline", headers={"Accept-Language": "ro"}).get_data(as_text=True)
    assert translated(app, "ro", "You are offline") in page


def test_script_catalog_has_every_script_text_in_the_language(app, client):
    from onboarding.pwa.views import js_messages

    assert "Ready to use offline." in js_messages() and "Reload" in js_messages()
    data = client.get("/i18n/bg.json").get_json()
    assert data["language"] == "bg"
    assert client.get("/i18n/de.json").status_code == 404
    assert set(data["messages"]) == set(js_messages())
    assert data["messages"]["Ready to use offline."] == translated(
        app, "bg", "Ready to use offline."
    )


def test_checklist_lists_every_page_to_save_for_offline(app, newcomer_client):
    import html
    import json
    import re

    page = newcomer_client.get("/").get_data(as_text=True)
    urls = json.loads(html.unescape(re.search(r'data-offline-urls="([^"]+)"', page).group(1)))
    steps = newcomer_client.get("/api/v1/checklist").get_json()["steps"]
    help_pages = [f"/help/{page.key}" for page in app.extensions["aankomst_pack"].help_pages]
    steps = [f"/steps/{step['key']}" for step in steps]
    assert urls == ["/", *steps, "/help", *help_pages, "/offline"]


def test_icons_are_drawn_from_one_source(tmp_path):
    from PIL import Image

    from onboarding.pwa.icons import write_icons

    written = {}
    for path in write_icons(tmp_path):
        with Image.open(path) as image:
            written[path.name] = image.convert("RGBA")
    assert {name: image.size for name, image in written.items()} == {
        "icon-192.png": (192, 192),
        "icon-maskable-192.png": (192, 192),
        "icon-512.png": (512, 512),
        "icon-maskable-512.png": (512, 512),
        "badge-96.png": (96, 96),
    }
    # The notification badge is a shape only: white where drawn, clear elsewhere, the check
    # mark cut out.
    badge = written["badge-96.png"]
    assert {
        badge.getpixel((x, y))[:3]
        for x in range(96)
        for y in range(96)
        if badge.getpixel((x, y))[3] == 255
    } == {(255, 255, 255)}
    assert badge.getpixel((0, 0))[3] == 0 and badge.getpixel((48, 40))[3] == 255
    # A maskable icon fills its whole square (no transparent corners to be cut wrongly).
    assert written["icon-maskable-512.png"].getpixel((0, 0))[3] == 255
    assert written["icon-512.png"].getpixel((0, 0))[3] == 0


def test_assets_live_under_their_version(app, client):
    version = app.config["ASSET_VERSION"]
    current = client.get(f"/assets/{version}/js/app.js")
    current.close()
    assert current.status_code == 200
    assert current.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    old = client.get("/assets/0ld-version/js/app.js")
    old.close()
    assert old.status_code == 200 and old.headers["Cache-Control"] == "no-cache"
    assert client.get(f"/assets/{version}/../onboarding/config.py").status_code == 404
    page = client.get("/").get_data(as_text=True)
    assert f'src="/assets/{version}/js/app.js"' in page
