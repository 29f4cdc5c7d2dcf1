"""A joined newcomer on a small phone (320 and 360 px wide): the status line covers nothing,
"waiting to sync" shows where the person tapped, numbers, codes and dates break only between
their groups, the key-sentence toggles have room, nothing scrolls sideways, and staff pages
load none of the newcomers' scripts."""

import pytest

from onboarding.i18n import LANGUAGES

from ..conftest import translated
from .conftest import wait_for_worker, wait_until
from .test_pwa import join_in_browser

LANGUAGE = "uk"  # long words, and dates that end in a full stop of their own
NEWCOMER_SCRIPTS = ("outbox.js", "app.js", "changes.js", "push.js", "install.js")

# The text of each line an element's text is laid out on, from the boxes of its characters.
LINES = """(element) => {
  const lines = [];
  const range = document.createRange();
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  let top = null;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.length; i++) {
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const box = [...range.getClientRects()].find((rect) => rect.width > 0);
      if (box && (top === null || box.top >= top + box.height / 2)) {
        lines.push("");
        top = box.top;
      }
      if (lines.length) lines[lines.length - 1] += node.data[i];
    }
  }
  return lines;
}"""

BOX = "(e) => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }"

# How far below an element each "waiting to sync" mark starts (negative: above it).
MARKS_BELOW = """(element) => {
  const bottom = element.getBoundingClientRect().bottom;
  return [...document.querySelectorAll(".pending-mark")]
    .map((mark) => mark.getBoundingClientRect().top - bottom);
}"""

UNCOVERED = """(element) => {
  const r = element.getBoundingClientRect();
  return element.contains(document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2));
}"""


@pytest.fixture(params=[320, 360], ids=lambda width: f"{width}px")
def small_phone(browser, request):
    context = browser.new_context(
        viewport={"width": request.param, "height": 640}, locale=LANGUAGE, service_workers="allow"
    )
    context.width = request.param
    yield context
    context.close()


def lines_of(locator) -> list[str]:
    return locator.evaluate(LINES)


def broken_inside(lines: list[str], may_break_after: str = "") -> list[str]:
    """Where one line ends and the next begins in the middle of a group of characters."""
    return [
        f"{before!r} | {after!r}"
        for before, after in zip(lines, lines[1:], strict=False)
        if before[-1:].strip() and after[:1].strip() and before[-1] not in may_break_after
    ]


def one_line_each(locator) -> list[list[str]]:
    """The lines of every element found, with at least two found (so the check means something)."""
    found = [lines_of(element) for element in locator.all()]
    assert len(found) >= 2, "fewer phone numbers than expected on the page"
    return [lines for lines in found if len(lines) != 1]


def box(locator) -> tuple[float, float, float, float]:
    return tuple(locator.evaluate(BOX))


def overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def become_ready(app, page) -> None:
    wait_for_worker(page)
    ready = translated(app, LANGUAGE, "Ready to use offline.")
    page.wait_for_selector(f"#app-status:has-text('{ready}')")


def a_step_with_everything(app, page) -> str:
    """A step on this person's list with key sentences, sources and a foreign phone number."""
    pack = app.extensions["aankomst_pack"]
    shown = page.eval_on_selector_all(
        "ol.checklist > li[id]", "(items) => items.map((item) => item.id.slice(5))"
    )
    for key in shown:
        step = pack.step(key)
        if step.key_sentences and step.sources and any(p.phone_abroad for p in step.places):
            return key
    raise AssertionError("no step with key sentences, sources and a foreign phone number")


def test_the_status_line_is_inside_the_screen_and_covers_no_button(
    app, server, small_phone, make_code
):
    page = small_phone.new_page()
    join_in_browser(page, server, make_code, LANGUAGE)
    become_ready(app, page)
    width = small_phone.width
    status = page.locator("#app-status")
    left, _top, right, _bottom = box(status)
    assert left >= 0 and right <= width, f"the status line runs from {left} to {right} px"
    assert abs(left - (width - right)) <= 1, f"the status line is off-centre: {left}, {right}"
    button = page.locator("ol.checklist form.step-actions button").first
    for block in ("start", "center", "end"):  # wherever the person has scrolled to
        button.evaluate(f"(b) => b.scrollIntoView({{block: '{block}'}})")
        assert not overlap(box(status), box(button)), f"the status line covers the button ({block})"
        assert button.evaluate(UNCOVERED), f"something covers the first card's button ({block})"


def test_waiting_to_sync_shows_right_below_the_buttons_that_made_the_change(
    app, server, small_phone, make_code
):
    page = small_phone.new_page()
    join_in_browser(page, server, make_code, LANGUAGE)
    become_ready(app, page)
    key = page.get_attribute("ol.checklist form.step-actions", "data-step")
    server.stop()
    try:
        page.click(f"form[data-step={key}] button")  # "Mark as done" on the list, offline
        page.locator(f"#step-{key} .pending-mark").wait_for()
        page.goto(f"{server.url}/steps/{key}")  # the saved page, with the change on top
        page.locator(".pending-mark").wait_for()
        gaps = page.locator(".status-form .button-row").evaluate(MARKS_BELOW)
        assert any(0 <= gap <= 200 for gap in gaps), f"marks {gaps} px below the status buttons"

        page.fill("#note", "Зателефонувати в понеділок")
        save = page.locator(".note-form button[type=submit]")
        save.click()
        wait_until(page, "self.AankomstOutbox.all().then((ops) => ops.length === 2)")
        gaps = save.evaluate(MARKS_BELOW)
        assert any(0 <= gap <= 200 for gap in gaps), f"marks {gaps} px below the Save button"
    finally:
        server.start()


def test_numbers_codes_and_dates_break_only_between_their_groups(
    app, server, small_phone, make_code
):
    page = small_phone.new_page()
    width = small_phone.width
    join_in_browser(page, server, make_code, LANGUAGE)

    page.click("#urgent-help summary")
    assert one_line_each(page.locator("#urgent-help a[href^='tel:']")) == []

    page.goto(f"{server.url}/steps/{a_step_with_everything(app, page)}")
    for language in LANGUAGES:  # the sources line is longer in some languages
        page.click(".language-switcher summary")
        with page.expect_navigation():
            page.click(f".language-list button[value={language}]")
        assert one_line_each(page.locator(".place a[href^='tel:']")) == [], language
        assert broken_inside(lines_of(page.locator(".sources summary"))) == [], language
        # A long web address may break anywhere, but nothing makes the page scroll sideways.
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, f"the step page is {scroll_width} px wide ({language})"

    page.goto(server.url + "/settings")
    page.click("form[action$='/settings/recovery-code'] button")
    code = lines_of(page.locator(".recovery-code"))
    assert broken_inside(code, may_break_after="-") == [], code


def test_the_key_sentence_toggles_have_room_around_their_text(app, server, small_phone, make_code):
    page = small_phone.new_page()
    join_in_browser(page, server, make_code, LANGUAGE)
    page.goto(f"{server.url}/steps/{a_step_with_everything(app, page)}")
    room = page.eval_on_selector_all(
        ".phrase-language summary",
        """(summaries) => summaries.map((summary) => {
          const style = getComputedStyle(summary);
          const range = document.createRange();
          range.selectNodeContents(summary);
          const text = range.getBoundingClientRect();
          const outer = summary.getBoundingClientRect();
          return [summary.textContent.trim(),
                  parseFloat(style.paddingTop), parseFloat(style.paddingBottom),
                  text.top - outer.top, outer.bottom - text.bottom];
        })""",
    )
    cramped = [each for each in room if min(each[1:]) < 6]
    assert len(room) >= 2 and cramped == [], cramped  # two-line ones touched their border


def test_staff_pages_load_none_of_the_newcomers_scripts(server, small_phone):
    page = small_phone.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(server.url + "/staff/login")
    page.wait_for_load_state("networkidle")
    tags = page.eval_on_selector_all("script[src]", "(scripts) => scripts.map((s) => s.src)")
    assert [url for url in requested + tags if url.endswith(NEWCOMER_SCRIPTS)] == []


def test_no_language_ends_the_footer_with_two_full_stops(server, browser):
    for language in LANGUAGES:
        context = browser.new_context(locale=language.replace("_", "-"))
        page = context.new_page()
        page.goto(server.url + "/staff/login")
        footer = page.locator(".site-footer p").last.inner_text()
        context.close()
        assert ".." not in footer, (language, footer)
