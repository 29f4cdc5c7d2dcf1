"""Ask a person, in a real browser: from a step page to the question form, the staff member's
answer, and "Did this help?"; both pages pass axe."""

from sqlalchemy import select

from onboarding.extensions import db
from onboarding.questions.models import Question
from onboarding.staff.models import StaffUser

from ..conftest import STAFF_PASSWORD
from .conftest import PHONE
from .test_accessibility import problems
from .test_pwa import join_in_browser


def test_a_question_from_a_step_page_is_answered_and_closed(
    app, server, browser, make_code, make_staff
):
    newcomer = browser.new_context(viewport=PHONE, locale="pl")
    page = newcomer.new_page()
    join_in_browser(page, server, make_code, "pl")
    page.goto(server.url + "/steps/register_gp")
    page.click("a[href='/questions?topic=register_gp']")
    page.fill("#text", "Jak znaleźć lekarza rodzinnego?")
    page.click("main form button[type=submit]")
    page.wait_for_selector("li.question")
    assert problems(page) == []

    email = make_staff("admin")
    with app.app_context():
        db.session.scalar(select(StaffUser).where(StaffUser.email == email)).languages = "pl"
        db.session.commit()
        question_id = db.session.scalar(select(Question.id))
    staff = browser.new_context(viewport=PHONE, locale="pl")
    desk = staff.new_page()
    desk.goto(server.url + "/staff/login?next=/staff/questions")
    desk.fill("#email", email)
    desk.fill("#password", STAFF_PASSWORD)
    desk.click("main button[type=submit]")
    desk.wait_for_selector(f"#question-{question_id}")
    assert "Jak znaleźć lekarza rodzinnego?" in desk.inner_text("main")
    assert problems(desk) == []
    desk.fill(f"#answer-{question_id}", "Proszę zadzwonić do przychodni.")
    desk.click(f"#question-{question_id} button[type=submit]")
    desk.wait_for_selector(".notice-success")

    page.goto(server.url + "/questions")
    assert "Proszę zadzwonić do przychodni." in page.inner_text("main")
    assert problems(page) == []
    page.click(f"#question-{question_id} button[value=yes]")
    page.wait_for_selector(".notice-success")
    with app.app_context():
        question = db.session.get(Question, question_id)
        assert (question.status, question.helped) == ("closed", True)
    newcomer.close()
    staff.close()
