"""Hostile title, body and comment, typed in the browser, render as text: nothing runs."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from posts.models import Post
from tests.browser.conftest import watch_for_errors
from tests.factories import MembershipFactory

pytestmark = pytest.mark.browser

TITLE = """<script>alert("title")</script><img src=x onerror=alert('title-img')>"""
BODY = """<script>alert("body")</script>

<img src=x onerror="window.__pwned = 'body-img'">

<svg onload="window.__pwned = 'svg'"></svg>

[click me](javascript:alert('link'))

<a href="javascript:alert('raw')">raw link</a>

![pic](javascript:alert('image'))
"""
COMMENT = """<script>alert("comment")</script> <b onmouseover=alert('hover')>hover me</b>

[comment link](javascript:alert('comment-link'))"""

# Anything that could run, anywhere in the page's content.
ACTIVE_CONTENT = """() => {
  const found = [];
  for (const el of document.querySelectorAll("main *")) {
    // A JSON data block (Django's json_script, escaped) is data the browser never runs; any other
    // inline script would be code.
    if (el.tagName === "SCRIPT" && !el.src && el.type !== "application/json") found.push("inline script");
    if (["IFRAME", "OBJECT", "EMBED", "SVG"].includes(el.tagName.toUpperCase())) found.push(el.tagName);
    for (const attr of el.attributes) {
      if (attr.name.startsWith("on")) found.push(`${el.tagName} ${attr.name}`);
      if (/^\\s*javascript:/i.test(attr.value)) found.push(`${el.tagName} ${attr.name}=${attr.value}`);
    }
  }
  return found;
}"""


def assert_inert(page, errors):
    assert page.evaluate(ACTIVE_CONTENT) == []
    assert page.evaluate("() => window.__pwned === undefined")
    assert errors == [], "\n".join(errors)


def test_hostile_title_body_and_comment_render_as_text(
    page, browser_errors, new_context, log_in, course, student
):
    course.moderate_first_comment = False
    course.save()
    log_in(student)

    # The author types it; the live preview shows it as text.
    page.goto(reverse("posts:write", args=[course.slug]))
    page.get_by_label("Title").fill(TITLE)
    page.locator("textarea.markdownx-editor").fill(BODY)
    preview = page.locator(".markdownx-preview")
    expect(preview).to_contain_text('<script>alert("body")</script>')
    expect(preview).to_contain_text("[click me](javascript:alert('link'))")
    assert_inert(page, browser_errors)

    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    body = page.locator(".post-body")
    expect(body).to_contain_text('<script>alert("body")</script>')
    expect(body).to_contain_text("""<svg onload="window.__pwned = 'svg'"></svg>""")
    assert_inert(page, browser_errors)
    post = Post.objects.get(course=course, title=TITLE)

    # Back in the editor, the title sits in its field and the page title as text.
    page.goto(post.get_edit_url())
    expect(page.get_by_label("Title")).to_have_value(TITLE)
    assert TITLE in page.title()
    expect(page.locator(".markdownx-preview")).to_contain_text('<script>alert("body")</script>')
    assert_inert(page, browser_errors)

    # A classmate answers with a hostile comment.
    classmate = MembershipFactory(course=course).user
    classmate_context = new_context()
    log_in(classmate, into=classmate_context)
    classmate_page = classmate_context.new_page()
    classmate_errors = watch_for_errors(classmate_page)
    classmate_page.goto(post.get_absolute_url())
    classmate_page.get_by_role("textbox", name="Comment").fill(COMMENT)
    classmate_page.get_by_role("button", name="Post Comment").click()
    comment = classmate_page.locator(".comment-content")
    expect(comment).to_contain_text('<script>alert("comment")</script>')
    expect(comment).to_contain_text("<b onmouseover=alert('hover')>hover me</b>")
    comment.hover()
    assert_inert(classmate_page, classmate_errors)

    # Any reader: the front page and the post page, title and comment as text.
    reader = new_context().new_page()
    reader_errors = watch_for_errors(reader)
    reader.goto(course.get_absolute_url())
    expect(reader.get_by_role("link", name=TITLE)).to_be_visible()
    assert_inert(reader, reader_errors)
    reader.get_by_role("link", name=TITLE).click()
    expect(reader.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(reader.locator(".comment-content")).to_contain_text('<script>alert("comment")</script>')
    assert_inert(reader, reader_errors)
