"""Phone (375 px; 320 px for WCAG reflow) and laptop (1280 px): no sideways scroll, no text over text."""

import datetime

import pytest
from django.urls import reverse

from courses.services import instructor_grant
from coursework.weeks import week_of
from tests.browser.conftest import ARTIFACTS
from tests.factories import (
    DigestFactory,
    NoticeFactory,
    PromptFactory,
    PromptResponseFactory,
    RevisionFactory,
    VoteFactory,
)

pytestmark = pytest.mark.browser

# Text boxes (one per line of each text node) that cover each other by more than a
# quarter of the smaller one: text drawn over text.
OVERLAPPING_TEXT = """() => {
  const boxes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!node.textContent.trim() || !el) continue;
    if (el.closest("script, style, [hidden], .visually-hidden, .skip-link, .field-honeypot")) continue;
    const style = getComputedStyle(el);
    if (style.visibility !== "visible" || style.opacity === "0") continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      if (r.width < 2 || r.height < 2) continue;
      boxes.push({left: r.left, top: r.top, right: r.right, bottom: r.bottom,
                  area: r.width * r.height, text: node.textContent.trim().slice(0, 40)});
    }
  }
  const overlaps = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > 0 && h > 0 && w * h > 0.25 * Math.min(a.area, b.area)) {
        overlaps.push(`${JSON.stringify(a.text)} over ${JSON.stringify(b.text)}`);
      }
    }
  }
  return overlaps;
}"""
HORIZONTAL_OVERFLOW = """() => {
  const root = document.documentElement;
  const wide = [...document.querySelectorAll("body *")]
    .filter(el => el.getBoundingClientRect().right > root.clientWidth + 1)
    .filter(el => !el.closest(".skip-link, .field-honeypot, .visually-hidden"))
    .slice(0, 5).map(el => el.outerHTML.slice(0, 120));
  return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, wide};
}"""


@pytest.mark.parametrize("width", [320, 375, 1280])  # 320: WCAG 1.4.10 reflow
def test_pages_fit_the_screen_without_overlapping_text(width, page, log_in, course, student, discussed_post):
    log_in(student)
    page.set_viewport_size({"width": width, "height": 800})
    pages = {
        "front": course.get_absolute_url(),
        "post": discussed_post.get_absolute_url(),
        "write": reverse("posts:write", args=[course.slug]),
    }
    problems = []
    for name, url in pages.items():
        page.goto(url)
        page.evaluate("document.fonts.ready")
        if name == "write":  # with the live preview filled in
            page.locator("textarea.markdownx-editor").fill(discussed_post.body)
            page.locator(".markdownx-preview h2").wait_for()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"layout-{name}-{width}.png"), full_page=True)
        overflow = page.evaluate(HORIZONTAL_OVERFLOW)
        if overflow["scrollWidth"] > overflow["clientWidth"]:
            problems.append(f"{name} at {width}px scrolls sideways: {overflow}")
        overlaps = page.evaluate(OVERLAPPING_TEXT)
        if overlaps:
            problems.append(f"{name} at {width}px has overlapping text: {overlaps[:5]}")
    assert not problems, "\n".join(problems)


def layout_problems(page, name: str, width: int) -> list[str]:
    """What a reader of `page` at `width` px would notice: a sideways scroll, text drawn over text."""
    page.evaluate("document.fonts.ready")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"layout-{name}-{width}.png"), full_page=True)
    problems = []
    overflow = page.evaluate(HORIZONTAL_OVERFLOW)
    if overflow["scrollWidth"] > overflow["clientWidth"]:
        problems.append(f"{name} at {width}px scrolls sideways: {overflow}")
    overlaps = page.evaluate(OVERLAPPING_TEXT)
    if overlaps:
        problems.append(f"{name} at {width}px has overlapping text: {overlaps[:5]}")
    return problems


@pytest.fixture
def course_week(course, student, discussed_post):
    """The course's week at its fullest: an open prompt the post answers, a vote, the published digest."""
    prompt = PromptFactory(
        course=course,
        title="De-Stalinization and the Thaw: what changed for the prisoners who came home?",
        comments_required=2,
        comments_due_at=discussed_post.published_at + datetime.timedelta(days=9),
    )
    PromptResponseFactory(post=discussed_post, prompt=prompt)
    week = week_of(course, discussed_post.published_at)
    DigestFactory(course=course, week=week, status="published", published_at=discussed_post.published_at)
    VoteFactory(post=discussed_post)
    return {"prompt": prompt, "week": week.isoformat()}


@pytest.fixture
def revised_post(discussed_post):
    """The post with two saved versions before the one it shows, for the revisions pages."""
    first = RevisionFactory(post=discussed_post, body="A first try at the Thaw.\n\nOne paragraph.")
    reworded = discussed_post.body.replace("side by side", "together")
    second = RevisionFactory(post=discussed_post, body=reworded)
    return discussed_post, first, second


# page -> (who is looking, its address from the test's objects, the status it answers)
NEWER_PAGES = {
    "course-list": (None, lambda c: reverse("courses:list"), 200),
    "author": (None, lambda c: c["post"].author.memberships.get(course=c["course"]).get_absolute_url(), 200),
    "hall-of-fame": (None, lambda c: reverse("awards:hall-of-fame", args=[c["course"].slug]), 200),
    "search-results": (None, lambda c: reverse("search:results", args=[c["course"].slug]) + "?q=thaw", 200),
    "prompts": (None, lambda c: reverse("coursework:prompts", args=[c["course"].slug]), 200),
    "prompt": (
        "student",
        lambda c: reverse("coursework:prompt", args=[c["course"].slug, c["week"]["prompt"].slug]),
        200,
    ),
    "digest": (None, lambda c: reverse("coursework:digest", args=[c["course"].slug, c["week"]["week"]]), 200),
    "students-choice": (
        "student",
        lambda c: reverse("coursework:choice-week", args=[c["course"].slug, c["week"]["week"]]),
        200,
    ),
    "drafts": ("student", lambda c: reverse("posts:drafts", args=[c["course"].slug]), 200),
    "revisions": (
        "student",
        lambda c: reverse("revisions:list", args=[c["course"].slug, c["post"].slug]),
        200,
    ),
    "revisions-compare": (
        "student",
        lambda c: (
            reverse("revisions:diff", args=[c["course"].slug, c["post"].slug])
            + f"?from={c['revisions'][0].pk}&to={c['revisions'][1].pk}"
        ),
        200,
    ),
    "account": ("student", lambda c: reverse("account:home"), 200),
    "whats-new": ("student", lambda c: reverse("account:whats-new"), 200),
    "week-emails": ("student", lambda c: reverse("coursework:email-settings"), 200),
    "account-feeds": ("student", lambda c: reverse("feeds:account"), 200),
    "my-data": ("student", lambda c: reverse("privacy:my-data"), 200),
    "wordpress-import": ("instructor", lambda c: reverse("wordpress:import", args=[c["course"].pk]), 200),
    "term-end": ("instructor", lambda c: reverse("privacy:course-archive", args=[c["course"].slug]), 200),
    # The LMS's log-in step opened without a launch: the page that says what to tell the LMS admin.
    "lti-refused": (None, lambda c: reverse("lti:login"), None),
    "not-found": (None, lambda c: c["course"].get_absolute_url() + "no-such-page/", 404),
}


@pytest.mark.parametrize("width", [320, 375, 1280])
def test_newer_pages_fit_the_screen_without_overlapping_text(
    width, page, log_in, course, student, instructor, revised_post, course_week
):
    post, *revisions = revised_post
    NoticeFactory(post=post)  # What's new has a line to show
    instructor_grant(user=instructor)  # the WordPress import is an admin page
    objects = {"course": course, "post": post, "revisions": revisions, "week": course_week}
    page.set_viewport_size({"width": width, "height": 800})
    problems, logged_in = [], None
    for name, (who, address, status) in NEWER_PAGES.items():
        if who != logged_in:
            page.context.clear_cookies()
            if who:
                log_in({"student": student, "instructor": instructor}[who])
            logged_in = who
        response = page.goto(address(objects))
        if status is None:
            assert response.status >= 400, f"{name}: {response.status}"  # a refusal, as a page
        else:
            assert response.status == status, f"{name}: {response.status} at {page.url}"
        problems += layout_problems(page, name, width)
    assert not problems, "\n".join(problems)
