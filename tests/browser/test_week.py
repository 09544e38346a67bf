"""A student votes for the Students' Choice from the front page; the close crowns the post."""

import pytest
from playwright.sync_api import expect

from coursework.choice import STUDENTS_CHOICE_BANNER
from tests.factories import MembershipFactory, PostFactory, PromptFactory

pytestmark = pytest.mark.browser


def test_a_student_votes_and_the_closed_week_crowns_the_post(
    page, log_in, new_context, course, student, instructor
):
    PromptFactory(course=course, title="De-Stalinization and the Thaw")
    classmate = MembershipFactory(course=course, display_name="Caitlin M.").user
    chosen = PostFactory(course=course, author=classmate, title="The Thaw in Print")
    PostFactory(course=course, author=student, title="My own post")

    log_in(student)
    page.goto(course.get_absolute_url())
    this_week = page.get_by_role("region", name="This week")
    expect(this_week.get_by_role("link", name="De-Stalinization and the Thaw")).to_be_visible()
    this_week.get_by_role("link", name="Vote for this week's Students' Choice").click()
    # One's own post has no button; the classmate's has one.
    mine = page.locator(".choice-post").filter(has_text="My own post")
    expect(mine.get_by_role("button")).to_have_count(0)
    thaw = page.locator(".choice-post").filter(has_text="The Thaw in Print")
    expect(thaw.get_by_role("button")).to_contain_text("Vote for this")
    thaw.get_by_role("button").click()
    expect(page.get_by_role("status")).to_contain_text("Your vote for “The Thaw in Print” is in.")
    expect(page.locator(".choice-post").filter(has_text="The Thaw in Print")).to_contain_text("Your vote")

    teacher_context = new_context()
    log_in(instructor, into=teacher_context)
    teacher = teacher_context.new_page()
    teacher.goto(page.url)
    teacher.get_by_role("button", name="Close the vote now").click()
    expect(teacher.get_by_role("status")).to_contain_text("The Students' Choice: “The Thaw in Print”")

    page.goto(chosen.get_absolute_url())
    expect(page.get_by_text(STUDENTS_CHOICE_BANNER)).to_be_visible()
