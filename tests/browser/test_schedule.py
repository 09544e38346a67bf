"""A student schedules a post in the browser; with the server's clock moved on, it appears at its time.

The live server runs in this process, so time_machine moves its clock (the browser's own is
untouched). The anonymous page cache is on: the reader's warm copy must not outlive the post's time.
"""

import datetime

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import expect

from posts.models import Post
from tests.factories import CourseFactory, MembershipFactory

pytestmark = pytest.mark.browser

NOW = datetime.datetime(2026, 12, 1, 15, 0, tzinfo=datetime.UTC)  # 10:00 in New York
TITLE = "Letters From the Virgin Lands"


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


def test_a_scheduled_post_appears_at_its_time_and_not_before(
    page, live_server, log_in, new_context, clock, settings, browser_errors
):
    settings.ANONYMOUS_PAGE_CACHE = True
    course = CourseFactory(time_zone="America/New_York")
    student = MembershipFactory(course=course, display_name="Kim Writer").user
    front = reverse("posts:front", kwargs={"course_slug": course.slug})

    log_in(student)
    page.goto(reverse("posts:write", kwargs={"course_slug": course.slug}))
    page.get_by_label("Title").fill(TITLE)
    page.locator("textarea.markdownx-editor").fill("The settlers wrote home about the steppe.")
    publish_at = page.get_by_label("Publish at")
    expect(page.get_by_text("In the course's time zone, America/New_York.")).to_be_visible()
    publish_at.fill("2026-12-01T12:00")
    page.get_by_role("button", name="Schedule", exact=True).click()
    when = "Scheduled for 1 December 2026, 12:00 (America/New_York)"
    expect(page.get_by_role("status")).to_contain_text(when)
    post = Post.objects.get(title=TITLE)
    assert post.published_at == datetime.datetime(2026, 12, 1, 17, 0, tzinfo=datetime.UTC)

    page.goto(reverse("posts:drafts", kwargs={"course_slug": course.slug}))
    expect(page.locator(".post-summary").filter(has_text=TITLE)).to_contain_text("Scheduled for")

    reader = new_context().new_page()
    reader.goto(front)
    expect(reader.get_by_role("heading", level=1)).to_be_visible()
    expect(reader.get_by_text(TITLE)).to_have_count(0)
    reader.reload()  # now from the cache
    expect(reader.get_by_text(TITLE)).to_have_count(0)
    assert reader.goto(post.get_absolute_url()).status == 404

    clock.move_to(datetime.datetime(2026, 12, 1, 17, 0, 5, tzinfo=datetime.UTC))  # 12:00:05 in New York
    reader.goto(front)
    expect(reader.get_by_role("link", name=TITLE)).to_be_visible()
    reader.get_by_role("link", name=TITLE).click()
    expect(reader.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(reader.locator(".badge-scheduled")).to_have_count(0)
    assert browser_errors == []
