import pytest
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_newcomer_signs_up_with_the_join_code_and_lands_on_the_course(page, live_server, course):
    page.goto(reverse("courses:sign-up"))
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label("Email").fill("newcomer@example.edu")
    page.locator("#id_password1").fill("a long and unusual phrase")
    page.locator("#id_password2").fill("a long and unusual phrase")
    page.get_by_label("Display name").fill("New Comer")
    page.get_by_label("Join code").fill(course.join_code.lower())  # typed from the board, any case
    page.get_by_role("button", name="Create my account").click()

    expect(page).to_have_url(live_server.url + course.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(course.title)
    expect(page.get_by_role("status")).to_contain_text(f"Welcome to {course.title}.")
    course_nav = page.get_by_role("navigation", name="Course")
    expect(course_nav.get_by_role("link", name="Write a post")).to_be_visible()
    expect(page.get_by_role("button", name="Log out newcomer")).to_be_visible()
