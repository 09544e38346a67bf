"""The privacy pages in a real browser: axe clean (WCAG 2.1 AA), and the archive banner is seen."""

import pytest
from django.urls import reverse

from privacy.services import course_archive
from tests.browser.test_accessibility import assert_no_violations
from tests.factories import MembershipFactory, PostFactory

pytestmark = pytest.mark.browser


def test_the_my_data_page_is_accessible_with_a_refused_deletion(page, log_in, course, student):
    PostFactory(course=course, author=student)
    log_in(student)
    page.goto(reverse("privacy:my-data"))
    assert_no_violations(page)
    page.get_by_label("Your password").fill("wrong")
    page.get_by_role("button", name="Delete my account").click()
    page.get_by_text("That is not your password.").wait_for()
    assert_no_violations(page)


def test_the_term_end_page_and_an_archived_course_are_accessible(page, log_in, course, instructor):
    PostFactory(course=course, author=MembershipFactory(course=course).user)
    log_in(instructor)
    page.goto(reverse("privacy:course-archive", kwargs={"course_slug": course.slug}))
    assert_no_violations(page)
    course_archive(course=course)
    page.goto(course.get_absolute_url())
    page.get_by_text("This course is archived: read only.").wait_for()
    assert_no_violations(page)
