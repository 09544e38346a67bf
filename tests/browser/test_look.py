"""The look in Chromium: the reading measure, the dark scheme, print, the course's colour, phones."""

from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.test_accessibility import assert_no_violations
from tests.browser.test_layout import HORIZONTAL_OVERFLOW
from tests.factories import AwardFactory, CategoryFactory, CommentFactory, PostFactory

pytestmark = pytest.mark.browser

SEED_POST = Path(__file__).resolve().parents[2] / "posts" / "demo_data" / "seed_post.md"

# Characters on each line box of an element's text: each character's box, grouped by its line.
CHARACTERS_PER_LINE = """(el) => {
  const lines = new Map();
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  while (walker.nextNode()) {
    const node = walker.currentNode;
    for (let i = 0; i < node.length; i++) {
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const box = range.getClientRects()[0];
      if (!box) continue;
      const line = Math.round(box.bottom);
      lines.set(line, (lines.get(line) || 0) + 1);
    }
  }
  return [...lines.entries()].sort((a, b) => a[0] - b[0]).map(entry => entry[1]);
}"""

# The relative luminance (WCAG) of a computed rgb() colour.
LUMINANCE = """(colour) => {
  const [r, g, b] = colour.match(/[\\d.]+/g).slice(0, 3).map(Number).map(c => c / 255)
    .map(c => c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}"""


def luminance(page, colour: str) -> float:
    return page.evaluate(LUMINANCE, colour)


def style_of(page, selector: str, prop: str, pseudo: str | None = None) -> str:
    return page.evaluate(
        "([s, p, pseudo]) => getComputedStyle(document.querySelector(s), pseudo).getPropertyValue(p)",
        [selector, prop, pseudo],
    )


@pytest.fixture
def seed_text_post(course, student):
    """A post with the seed post's own text (its figures left out), as the demo shows it."""
    body = SEED_POST.read_text(encoding="utf-8").format(fence="", khrushchev="")
    return PostFactory(course=course, author=student, title="Soviet Prisoners Released", body=body)


def test_a_paragraph_of_the_seed_post_runs_60_to_75_characters_a_line(page, seed_text_post):
    page.goto(seed_text_post.get_absolute_url())
    paragraphs = page.locator(".post-body > p")
    longest = max(range(paragraphs.count()), key=lambda n: len(paragraphs.nth(n).inner_text()))
    counts = paragraphs.nth(longest).evaluate(CHARACTERS_PER_LINE)
    full_lines = counts[:-1]  # the paragraph's last line may be short
    assert len(full_lines) >= 5, counts
    assert max(full_lines) <= 75, f"lines too long for reading: {counts}"
    assert min(full_lines) >= 55, f"a narrow column: {counts}"


def test_the_post_is_set_in_a_serif_and_the_interface_in_a_sans(page, seed_text_post):
    page.goto(seed_text_post.get_absolute_url())
    body_font = style_of(page, ".post-body", "font-family")
    assert body_font.strip().endswith("serif") and not body_font.strip().endswith("sans-serif")
    assert "sans-serif" in style_of(page, ".post-meta", "font-family")
    assert "sans-serif" in style_of(page, ".site-header", "font-family")


@pytest.fixture
def dark_page(browser, browser_context_args):
    context = browser.new_context(**{**browser_context_args, "color_scheme": "dark"})
    page = context.new_page()
    yield page
    context.close()


def test_the_dark_scheme_is_dark_and_axe_clean(dark_page, live_server, log_in, student, discussed_post):
    log_in(student, into=dark_page.context)
    dark_page.goto(discussed_post.get_absolute_url())
    assert luminance(dark_page, style_of(dark_page, "body", "background-color")) < 0.05
    assert luminance(dark_page, style_of(dark_page, ".post-body", "color")) > 0.6
    assert luminance(dark_page, style_of(dark_page, ".post-body a", "color")) > 0.3  # the accent, lightened
    assert_no_violations(dark_page)


def test_the_light_scheme_is_light(page, discussed_post):
    page.goto(discussed_post.get_absolute_url())
    assert luminance(page, style_of(page, "body", "background-color")) > 0.9
    assert luminance(page, style_of(page, ".post-body", "color")) < 0.05


def test_a_printed_post_has_its_title_author_date_course_and_comments_but_no_forms(
    page, log_in, student, discussed_post
):
    log_in(student)
    page.goto(discussed_post.get_absolute_url())
    page.emulate_media(media="print")
    expect(page.locator("#post-title")).to_be_visible()
    expect(page.locator(".post-header .post-meta")).to_contain_text(discussed_post.display_author)
    expect(page.locator(".post-header time")).to_be_visible()
    expect(page.locator(".course-name")).to_contain_text(discussed_post.course.title)
    expect(page.locator("#comments-title")).to_be_visible()
    expect(page.locator(".comment-content").first).to_be_visible()
    hidden_in_print = (
        "nav[aria-label='Site']",
        ".course-banner nav",
        ".course-search",
        "#respond",
        ".site-footer",
    )
    for hidden in hidden_in_print:
        expect(page.locator(hidden).first).to_be_hidden()
    expect(page.locator(".comment-form")).to_be_hidden()
    expect(page.locator(".comment-reply-link").first).to_be_hidden()
    assert page.locator("main button:visible").count() == 0
    # The body's external link prints its address; black on white.
    external = ".post-body a[href^='https://commons.wikimedia.org']"
    assert "commons.wikimedia.org" in style_of(page, external, "content", "::after")
    assert luminance(page, style_of(page, ".post-body", "color")) == 0
    assert luminance(page, style_of(page, "body", "background-color")) == 1


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("accent", ["crimson", "blue", "green", "purple", "ochre", "teal", "slate"])
def test_each_course_colour_marks_the_pages_and_passes_axe(
    accent, scheme, browser, browser_context_args, live_server, course, student, instructor
):
    course.accent = accent
    course.save()
    post = PostFactory(course=course, author=student, body="A [link](https://example.org) in the text.")
    AwardFactory(post=post, given_by=instructor)
    CommentFactory(post=post)
    context = browser.new_context(**{**browser_context_args, "color_scheme": scheme})
    page = context.new_page()
    try:
        for url in (course.get_absolute_url(), post.get_absolute_url()):
            page.goto(url)
            expect(page.locator("body")).to_have_class(f"accent-{accent}")
            assert_no_violations(page)
    finally:
        context.close()


def test_two_course_colours_differ(page, course, student):
    from tests.factories import CourseFactory

    blue = CourseFactory(accent="blue")
    page.goto(course.get_absolute_url())
    crimson_banner = style_of(page, ".course-banner", "background-color")
    page.goto(blue.get_absolute_url())
    assert style_of(page, ".course-banner", "background-color") != crimson_banner
    expect(page.locator("body")).to_have_class("accent-blue")


@pytest.mark.parametrize("width", [320, 375, 1280])
def test_the_restyled_pages_fit_the_screen(width, page, log_in, course, student, instructor, discussed_post):
    log_in(student)
    page.set_viewport_size({"width": width, "height": 800})
    category = CategoryFactory(course=course, name="Primary sources")
    PostFactory(course=course, author=student, category=category, title="A long title " * 6)
    author_slug = student.memberships.get().author_slug
    urls = {
        "course list": reverse("courses:list"),
        "hall of fame": reverse("awards:hall-of-fame", args=[course.slug]),
        "category archive": category.get_absolute_url(),
        "author archive": reverse(
            "posts:author", kwargs={"course_slug": course.slug, "author_slug": author_slug}
        ),
        "drafts": reverse("posts:drafts", args=[course.slug]),
        "join": reverse("courses:join"),
        "not found": "/no-such-page/",
    }
    problems = []
    for name, url in urls.items():
        page.goto(url)
        overflow = page.evaluate(HORIZONTAL_OVERFLOW)
        if overflow["scrollWidth"] > overflow["clientWidth"]:
            problems.append(f"{name} at {width}px scrolls sideways: {overflow}")
    assert not problems, "\n".join(problems)


def test_a_wide_table_in_a_post_scrolls_inside_itself_on_a_phone(page, course, student):
    cells = f"{'a long cell of archival text ' * 3} | {'another column ' * 3}"
    rows = "\n".join(f"| {n} | {cells} |" for n in range(3))
    table = f"| Year | Event | Note |\n| --- | --- | --- |\n{rows}\n"
    post = PostFactory(course=course, author=student, body=table)
    page.set_viewport_size({"width": 320, "height": 700})
    page.goto(post.get_absolute_url())
    assert page.evaluate(HORIZONTAL_OVERFLOW)["scrollWidth"] <= 320
    table = page.locator(".post-body table")
    assert table.evaluate("t => t.scrollWidth > t.clientWidth"), "the table should scroll, not squeeze"
