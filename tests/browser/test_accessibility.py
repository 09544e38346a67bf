"""axe-core (bundled by axe-playwright-python, nothing fetched) on every page type: WCAG 2.1 A and AA."""

import datetime
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from coursework.weeks import week_of
from tests.factories import (
    DigestFactory,
    EditorialTermFactory,
    MembershipFactory,
    NoticeFactory,
    PromptFactory,
    PromptResponseFactory,
)

pytestmark = pytest.mark.browser

WCAG_21_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
_axe = Axe()


def axe_violations(page) -> list[dict]:
    return _axe.run(page, options=WCAG_21_AA).response["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node.get('failureSummary', '')}")
    return "\n".join(lines)


def assert_no_violations(page):
    violations = axe_violations(page)
    assert not violations, f"axe found on {page.url}:\n{describe(violations)}"


# aria-describedby and aria-labelledby ids that point at nothing: a help text or an error
# message a screen reader never announces (axe does not report these).
DANGLING_ARIA_REFERENCES = """() => [...document.querySelectorAll("[aria-describedby], [aria-labelledby]")]
  .flatMap(el => ["aria-describedby", "aria-labelledby"].flatMap(attr =>
    (el.getAttribute(attr) || "").split(/\\s+/).filter(id => id && !document.getElementById(id))
      .map(id => `${el.tagName.toLowerCase()}#${el.id} ${attr}=${id}`)))"""


def _sign_up_with_error(page, course):
    page.goto(reverse("courses:sign-up"))
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label("Join code").fill("WRONG")
    page.get_by_role("button", name="Create my account").click()
    page.get_by_text("That join code does not match any course").wait_for()


def _comment_with_error(page, course, post):
    page.goto(post.get_absolute_url())
    page.get_by_role("button", name="Post Comment").click()
    page.get_by_text("Write something before you send your comment.").wait_for()


def _write_with_error(page, course, post):
    page.goto(reverse("posts:write", args=[course.slug]))
    page.get_by_label("Title").fill("Untitled thoughts")
    page.locator("textarea.markdownx-editor").fill("An image without a description:\n\n![](/media/x.png)")
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("Add alt text to every image before publishing").wait_for()


def _draft_saved_message(page, course, post):
    page.goto(reverse("posts:write", args=[course.slug]))
    page.get_by_label("Title").fill("Notes for later")
    page.locator("textarea.markdownx-editor").fill("A first paragraph, to finish next week.")
    page.get_by_role("button", name="Save draft", exact=True).click()
    expect(page.get_by_role("status").get_by_text("Draft saved.")).to_be_visible()


def _go(name, **kwargs):
    return lambda page, course, post: page.goto(reverse(name, kwargs={"course_slug": course.slug, **kwargs}))


def _week_page(name, **kwargs):
    """A page of the course's week, with an open prompt the post answers and the week's published digest."""

    def go(page, course, post):
        prompt = PromptFactory(
            course=course,
            title="De-Stalinization and the Thaw",
            comments_required=2,
            comments_due_at=post.published_at + datetime.timedelta(days=9),
        )
        PromptResponseFactory(post=post, prompt=prompt)
        week = week_of(course, post.published_at)
        DigestFactory(course=course, week=week, status="published", published_at=post.published_at)
        values = {"slug": prompt.slug, "week": week.isoformat()}
        response = page.goto(
            reverse(name, kwargs={"course_slug": course.slug, **{k: values[k] for k in kwargs}})
        )
        assert response.ok, f"{name}: {response.status}"  # axe on the page itself, not an error page

    return go


def _whats_new_with_a_notice(page, course, post):
    NoticeFactory(post=post)  # to the post's author, the student: an unread line with its button
    page.goto(reverse("account:whats-new"))
    expect(page.locator("li.notice-unread").first).to_be_visible()


# page id -> (who is looking, how to get there)
PAGES = {
    "course-list": (None, lambda page, course, post: page.goto(reverse("courses:list"))),
    "front-page": (None, lambda page, course, post: page.goto(course.get_absolute_url())),
    "front-page-instructor": ("instructor", lambda page, course, post: page.goto(course.get_absolute_url())),
    "post-page": (None, lambda page, course, post: page.goto(post.get_absolute_url())),
    "post-page-author": ("student", lambda page, course, post: page.goto(post.get_absolute_url())),
    "write-page": (
        "student",
        lambda page, course, post: page.goto(reverse("posts:write", args=[course.slug])),
    ),
    "write-page-with-error": ("student", _write_with_error),
    "page-with-a-message": ("student", _draft_saved_message),
    "category-archive": (None, lambda page, course, post: page.goto(post.category.get_absolute_url())),
    "author-archive": (
        None,
        lambda page, course, post: page.goto(post.author.memberships.get(course=course).get_absolute_url()),
    ),
    "login": (None, lambda page, course, post: page.goto(reverse("login"))),
    "sign-up": (None, lambda page, course, post: page.goto(reverse("courses:sign-up"))),
    "sign-up-with-error": (None, lambda page, course, post: _sign_up_with_error(page, course)),
    "join": ("outsider", lambda page, course, post: page.goto(reverse("courses:join"))),
    "drafts": ("student", _go("posts:drafts")),
    "post-page-instructor": ("instructor", lambda page, course, post: page.goto(post.get_absolute_url())),
    "post-page-editor": ("editor", lambda page, course, post: page.goto(post.get_absolute_url())),
    "comment-form-with-error": ("classmate", _comment_with_error),
    "hall-of-fame": (None, _go("awards:hall-of-fame")),
    "front-page-this-week": ("student", _week_page("posts:front")),
    "prompt-list": (None, _week_page("coursework:prompts")),
    "prompt-page-student": ("student", _week_page("coursework:prompt", slug=True)),
    "prompt-page-instructor": ("instructor", _week_page("coursework:prompt", slug=True)),
    "students-choice": ("student", _week_page("coursework:choice-week", week=True)),
    "digest": (None, _week_page("coursework:digest", week=True)),
    "digest-edit": ("editor", _week_page("coursework:digest-edit", week=True)),
    "search-results": (
        None,
        lambda page, course, post: page.goto(
            reverse("search:results", kwargs={"course_slug": course.slug}) + "?q=thaw"
        ),
    ),
    "search-no-results": (
        None,
        lambda page, course, post: page.goto(
            reverse("search:results", kwargs={"course_slug": course.slug}) + "?q=zzzqqq"
        ),
    ),
    "week-emails": ("student", lambda page, course, post: page.goto(reverse("coursework:email-settings"))),
    "account-feeds": ("student", lambda page, course, post: page.goto(reverse("feeds:account"))),
    "account": ("student", lambda page, course, post: page.goto(reverse("account:home"))),
    "whats-new": ("student", _whats_new_with_a_notice),
    "award-form": (
        "editor",
        lambda page, course, post: page.goto(reverse("awards:give", args=[course.slug, post.slug])),
    ),
}


@pytest.mark.parametrize("page_id", PAGES)
def test_page_has_no_wcag_21_aa_violations(
    page_id, page, log_in, course, student, instructor, outsider, discussed_post
):
    who, go = PAGES[page_id]
    if who == "editor":
        log_in(EditorialTermFactory(member=MembershipFactory(course=course)).member.user)
    elif who == "classmate":
        log_in(MembershipFactory(course=course).user)
    elif who:
        log_in({"student": student, "instructor": instructor, "outsider": outsider}[who])
    go(page, course, discussed_post)
    if page_id.startswith("post-page"):  # axe sees the thread and the award, not an empty page
        expect(page.locator(".comment-list .children .comment-content").first).to_have_text(
            "A reply to that answer."
        )
        expect(page.locator(".award-banner")).to_contain_text("Red star")
        expect(page.get_by_role("heading", name="4 Responses to The Thaw in letters")).to_be_visible()
    assert page.get_by_role("heading", level=1).count() == 1, "one h1 a page"
    for landmark in ("banner", "main", "contentinfo"):
        expect(page.get_by_role(landmark)).to_have_count(1)
    expect(page.get_by_role("navigation", name="Site")).to_have_count(1)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.evaluate(DANGLING_ARIA_REFERENCES) == []
    assert_no_violations(page)


def test_form_errors_and_help_are_announced_with_their_fields(page, course):
    _sign_up_with_error(page, course)
    join_code = page.get_by_role("textbox", name="Join code")
    expect(join_code).to_have_attribute("aria-invalid", "true")
    expect(join_code).to_have_accessible_description(
        re.compile(r"Your instructor gives you this code\..*That join code does not match any course")
    )
    expect(page.get_by_role("alert")).to_contain_text("Nothing you wrote has been lost.")
    expect(page.get_by_role("textbox", name="Username")).to_have_value("newcomer")
