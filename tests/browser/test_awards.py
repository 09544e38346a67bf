"""The editorial team gives a red star: the banner on the post, the symbol in the front page's list."""

import pytest
from playwright.sync_api import expect

from tests.factories import AwardTypeFactory, EditorialTermFactory, MembershipFactory

pytestmark = pytest.mark.browser

BANNER = "This post was awarded a “Red star” from the editorial team."


def test_editor_in_term_gives_a_red_star(page, live_server, log_in, new_context, course, post):
    AwardTypeFactory(course=course, name="Red star", slug="red-star")
    editor = EditorialTermFactory(member=MembershipFactory(course=course)).member.user
    log_in(editor)

    page.goto(post.get_absolute_url())
    expect(page.get_by_text(BANNER)).to_have_count(0)
    team = page.get_by_role("region", name="Editorial team")
    team.get_by_label("Award").select_option(label="Red star")
    team.get_by_label("Why this post?").fill("The sources speak for themselves here.")
    team.get_by_role("button", name="Award", exact=True).click()

    expect(page).to_have_url(live_server.url + post.get_absolute_url())
    expect(page.get_by_role("status")).to_contain_text("You awarded this post a “Red star”.")
    expect(page.get_by_role("link", name=BANNER)).to_be_visible()

    # Every reader sees the symbol beside the title on the front page.
    reader = new_context().new_page()
    reader.goto(post.course.get_absolute_url())
    summary = reader.locator(".post-summary").filter(has_text=post.title)
    expect(summary.get_by_role("img", name="Awarded a Red star")).to_be_visible()
    reader.goto(post.get_absolute_url())
    expect(reader.get_by_role("link", name=BANNER)).to_be_visible()
