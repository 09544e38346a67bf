"""Dropping files onto the editor's text: a refusal leaves the draft exactly as it was.

django-markdownx uploads dropped files itself and, on a refusal, writes "Invalid response"
into the text after the event our script listens to; a good drop afterwards was glued to it.
"""

import base64
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import png_bytes

pytestmark = pytest.mark.browser

DRAFT = "My draft about the Thaw.\n\nIt must come out of a refused drop exactly as it went in."
NOT_AN_IMAGE = "This file could not be read as an image. It may be damaged or not an image at all."
IMAGE_MARKDOWN = r"!\[\]\(/media/posts/[0-9/]+[A-Za-z0-9_-]+\.png\)"


def drop(page, target, name, data, content_type):
    """Drop a file onto `target` as a browser does when one is dragged from the desktop."""
    transfer = page.evaluate_handle(
        """([name, encoded, type]) => {
            const bytes = Uint8Array.from(atob(encoded), c => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, { type }));
            return transfer;
        }""",
        [name, base64.b64encode(data).decode(), content_type],
    )
    target.dispatch_event("drop", {"dataTransfer": transfer})


def open_editor(page, log_in, course, student):
    log_in(student)
    page.goto(reverse("posts:write", args=[course.slug]))
    editor = page.locator("textarea.markdownx-editor")
    editor.fill(DRAFT)  # the caret ends after the draft
    return editor


def assert_refused(page, editor, message, draft=DRAFT):
    status = page.locator("#drop-status")
    expect(status).to_have_text(message)
    # The message is set in the same task in which markdownx writes into the text: by now
    # the text is final, so it is read once, not waited for.
    assert editor.input_value() == draft
    expect(status).to_be_in_viewport()  # beside the text, not down in the image picker
    expect(status).to_have_class(re.compile(r"\bis-error\b"))
    expect(status).to_have_attribute("role", "status")  # announced by screen readers
    expect(editor).to_have_css("opacity", "1")  # markdownx fades the text while it uploads
    expect(page.locator(".markdownx-preview")).not_to_contain_text("Invalid response")


def test_a_refused_drop_leaves_the_draft_as_it_was_and_a_good_one_adds_only_its_image(
    page, log_in, course, student, browser_errors
):
    editor = open_editor(page, log_in, course, student)

    drop(page, editor, "essay.png", b"<html><script>alert(1)</script></html>", "image/png")
    assert_refused(page, editor, NOT_AN_IMAGE)

    drop(page, editor, "fence.png", png_bytes(), "image/png")
    status = page.locator("#drop-status")
    expect(status).to_have_text(
        "Image added. Write its alt text between the square brackets: ![what it shows](…)"
    )
    assert re.fullmatch(re.escape(DRAFT) + IMAGE_MARKDOWN, editor.input_value()), editor.input_value()
    expect(status).not_to_have_class(re.compile(r"\bis-error\b"))
    # The browser logs the 400 and markdownx logs the refusal itself; nothing else may go wrong.
    expected = ("status of 400 (Bad Request) (http", "console: Invalid response {image: Array(1)}")
    assert [e for e in browser_errors if not any(part in e for part in expected)] == [], browser_errors


def test_text_typed_while_a_refused_upload_was_on_its_way_is_kept(page, log_in, course, student):
    """The text is kept as it is when the refusal arrives, not as it was when the file was dropped."""
    editor = open_editor(page, log_in, course, student)
    held = []
    page.route("**/write/upload/", lambda route: held.append(route))  # answered once the student typed on
    with page.expect_request("**/write/upload/"):
        drop(page, editor, "huge.png", png_bytes(), "image/png")
    editor.press("End")
    editor.press_sequentially(" Typed while it uploaded.")
    expect(editor).to_have_value(DRAFT + " Typed while it uploaded.")
    assert len(held) == 1
    too_large = "The image is larger than 10.0 MB. Please resize it."
    held[0].fulfill(status=400, json={"image": [too_large]})
    assert_refused(page, editor, too_large, draft=DRAFT + " Typed while it uploaded.")
    # The caret is where the student left it: what they type next goes there.
    editor.press_sequentially(" And after.")
    expect(editor).to_have_value(DRAFT + " Typed while it uploaded. And after.")


def test_a_drop_that_does_not_reach_the_server_leaves_the_draft_as_it_was(page, log_in, course, student):
    editor = open_editor(page, log_in, course, student)
    page.route("**/write/upload/", lambda route: route.abort("connectionreset"))
    drop(page, editor, "fence.png", png_bytes(), "image/png")
    assert_refused(page, editor, "The upload did not reach the server. Check your connection and try again.")


def test_the_refusal_is_shown_to_a_writer_scrolled_down_to_the_text(page, log_in, course, student):
    """On a phone with its keyboard up, the text is taller than the screen: above it is out of sight."""
    page.set_viewport_size({"width": 390, "height": 400})
    editor = open_editor(page, log_in, course, student)
    editor.evaluate("textarea => textarea.scrollIntoView({ block: 'end' })")
    expect(page.locator("#drop-status")).not_to_be_in_viewport()
    drop(page, editor, "essay.png", b"not a picture at all", "image/png")
    assert_refused(page, editor, NOT_AN_IMAGE)
