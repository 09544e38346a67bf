"""The admin pages instructors use, in Chromium: axe-core (WCAG 2.1 A and AA) finds nothing, and the
comment moderation list fits a 1280 px screen with the comment shown as text."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from courses.services import instructor_grant
from tests.browser.test_accessibility import assert_no_violations
from tests.factories import CommentFactory, MembershipFactory, PostFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def teaching(course, instructor, discussed_post):
    """An instructor (staff, in the Instructors group) of a course with members, a post and comments."""
    instructor_grant(user=instructor)
    MembershipFactory.create_batch(3, course=course)
    CommentFactory(post=discussed_post, status="pending", body="A **bold** claim about the *Thaw*.")
    return instructor


PAGES = {
    "index": lambda course, post: reverse("admin:index"),
    "course-change": lambda course, post: reverse("admin:courses_course_change", args=[course.pk]),
    "post-add": lambda course, post: reverse("admin:posts_post_add"),
    "comment-list": lambda course, post: reverse("admin:comments_comment_changelist"),
}


@pytest.mark.parametrize("page_id", PAGES)
def test_admin_pages_instructors_use_have_no_axe_violations(
    page_id, page, log_in, teaching, course, rich_post
):
    log_in(teaching)
    response = page.goto(PAGES[page_id](course, rich_post))
    assert response.ok, f"{page_id}: {response.status}"
    assert_no_violations(page)


def test_admin_message_list_has_no_axe_violations(page, log_in, teaching, course, rich_post):
    """An action's message (the admin's own `ul.messagelist`) reads cleanly too."""
    log_in(teaching)
    page.goto(reverse("admin:comments_comment_changelist"))
    page.locator("input[name=_selected_action]").first.check()
    page.locator("select[name=action]").select_option("approve")
    page.locator("button[name=index]").click()  # the actions bar's "Go"
    expect(page.locator("ul.messagelist")).to_contain_text("1 comment approved.")
    assert_no_violations(page)


def test_moderation_list_fits_1280_px_and_shows_comments_as_text(page, log_in, teaching, course, rich_post):
    # Titles and comments as long as real ones: nothing may push the date out of the table's view.
    long_title = PostFactory(
        course=course, title="Who Is He Pointing At? A Civil War Recruitment Poster and Its Answer"
    )
    CommentFactory(post=long_title, body="The missing enemy is a great observation. " * 6)
    log_in(teaching)
    page.goto(reverse("admin:comments_comment_changelist"))
    assert page.viewport_size["width"] == 1280
    headers = page.locator("#result_list thead th")
    texts = [text.strip().lower() for text in headers.all_inner_texts()]  # the admin's CSS capitalises
    for wanted in ("comment", "course", "author", "post", "status", "created at"):
        assert any(wanted in text for text in texts), f"no {wanted!r} column in {texts}"
    for index in range(headers.count()):
        box = headers.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 1280, f"{texts[index]!r} is off screen: {box}"
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
    # The table's own scrolling box hides nothing either (the header boxes alone would not show it).
    hidden = page.evaluate("(el => el.scrollWidth - el.clientWidth)(document.querySelector('.results'))")
    assert hidden <= 0, f"the list hides {hidden}px of its columns to the right"
    # Titles wrap between words, never a letter a line.
    title_cell = page.locator("#result_list td.field-post_title", has_text="Pointing").first
    assert title_cell.bounding_box()["width"] >= 120, title_cell.bounding_box()
    row = page.locator("#result_list tbody tr", has_text="claim about the")
    expect(row).to_contain_text("A bold claim about the Thaw.")
    expect(row).not_to_contain_text("**")
