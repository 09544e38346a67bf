"""Keyboard only: the skip link, writing and publishing a post, and commenting, with focus always visible."""

import pytest
from playwright.sync_api import expect

from posts.models import Post

pytestmark = pytest.mark.browser

# The focused element, and whether a sighted keyboard user can see where focus is.
FOCUS = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow !== "none";
  const box = el.getBoundingClientRect();
  const label = el.labels && el.labels.length ? el.labels[0].textContent : "";
  return {
    tag: el.tagName.toLowerCase(),
    name: (el.getAttribute("aria-label") || label || el.textContent || el.value || el.id || "").trim(),
    visible: outline || shadow,
    onScreen: box.width > 0 && box.height > 0 && box.right > 0 && box.bottom > 0
      && box.left < innerWidth && box.top < innerHeight,
  };
}"""


def focused(page):
    info = page.evaluate(FOCUS)
    assert info["visible"], f"focus is not visible on {info}"
    assert info["onScreen"], f"the focused element is off screen: {info}"
    return info


def tab_to(page, name, *, key="Tab", limit=60):
    """Press Tab (or Shift+Tab) until the element named `name` has focus, checking every stop."""
    seen = []
    for _ in range(limit):
        page.keyboard.press(key)
        info = focused(page)
        seen.append(info["name"][:40])
        if info["name"].startswith(name):
            return info
    raise AssertionError(f"{name!r} not reached with {key}; focus went through {seen}")


def test_keyboard_user_skips_to_content_writes_publishes_and_comments(
    page, live_server, log_in, course, student, post
):
    log_in(student)
    page.goto(course.get_absolute_url())

    # The first Tab shows the skip link; Enter takes focus past the navigation.
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "Skip to content"
    expect(page.get_by_role("link", name="Skip to content")).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + course.get_absolute_url() + "#main")
    expect(page.locator("main")).to_be_focused()
    # The next Tab lands in the content (this week's box comes first), not the header.
    page.keyboard.press("Tab")
    focused(page)
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")
    tab_to(page, post.title)

    # Back up to the course navigation and open the editor.
    tab_to(page, "Write a post", key="Shift+Tab", limit=12)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Write a post")

    tab_to(page, "Title")
    page.keyboard.type("Typed without a mouse")
    tab_to(page, "Body")
    page.keyboard.type("## Keyboard\n\nEvery word typed.")
    expect(page.locator(".markdownx-preview h2")).to_have_text("Keyboard")
    # Tab leaves the text area (it does not indent and trap the writer there).
    tab_to(page, "Save draft")
    tab_to(page, "Publish", key="Shift+Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Typed without a mouse")
    expect(page.locator(".post-body h2")).to_have_text("Keyboard")
    expect(page.locator(".post-body")).to_contain_text("Every word typed.")
    assert Post.objects.get(course=course, title="Typed without a mouse").is_published

    # Comment on it, still without a mouse.
    tab_to(page, "Comment")
    page.keyboard.type("A note to myself, typed.")
    tab_to(page, "Post Comment")
    page.keyboard.press("Enter")
    comment = page.locator(".comment").filter(has_text="A note to myself, typed.")
    expect(comment).to_be_visible()
    expect(comment).to_contain_text("Your comment is awaiting moderation.")
