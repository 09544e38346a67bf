"""A student writes a post in the browser: live preview, the image picker, publishing."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from posts.models import Post
from tests.browser.conftest import png_bytes

pytestmark = pytest.mark.browser

BODY = """## The Thaw in letters

- Official speeches
- Private letters

Freeze puts it plainly.[^1]

[^1]: Gregory Freeze, *Russia: A History*, chapter 12.
"""


def image_file(tmp_path):
    path = tmp_path / "fence.png"
    path.write_bytes(png_bytes())
    return path


def test_student_writes_previews_adds_an_image_and_publishes(
    page, live_server, log_in, course, student, tmp_path, browser_errors
):
    log_in(student)
    page.goto(reverse("posts:write", args=[course.slug]))
    page.get_by_label("Title").fill("Letters from the Thaw")
    editor = page.locator("textarea.markdownx-editor")
    editor.fill(BODY)

    preview = page.locator(".markdownx-preview")
    expect(preview.get_by_role("heading", level=2)).to_have_text("The Thaw in letters")
    expect(preview.get_by_role("listitem").filter(has_text="Private letters")).to_be_visible()
    expect(preview.locator("section.footnotes")).to_contain_text("Gregory Freeze")
    expect(preview.locator("sup.footnote-ref a")).to_be_visible()

    # The picker will not insert an image nobody has described.
    editor.press("ControlOrMeta+End")
    page.locator("#image-upload-input").set_input_files(image_file(tmp_path))
    page.locator("#image-insert").click()
    expect(page.locator("#image-status")).to_have_text(
        "Describe the image in the alt text field: readers who cannot see it rely on it."
    )
    expect(page.locator("#image-alt")).to_be_focused()

    page.locator("#image-alt").fill("A wooden fence in the snow")
    page.locator("#image-caption").fill("The fence")
    page.locator("#image-insert").click()
    expect(page.locator("#image-status")).to_have_text("Image added to your post.")
    expect(editor).to_have_value(
        # ![alt](/media/posts/...png "caption")
        re.compile(r'!\[A wooden fence in the snow\]\(/media/posts/[^ )]+\.png "The fence"\)')
    )
    expect(preview.get_by_role("img", name="A wooden fence in the snow")).to_be_visible()

    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status")).to_contain_text("Your post is published.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Letters from the Thaw")

    # A reader finds it on the front page and sees the image on the post page.
    page.goto(course.get_absolute_url())
    page.get_by_role("link", name="Letters from the Thaw").click()
    post = Post.objects.get(course=course, title="Letters from the Thaw")
    expect(page).to_have_url(live_server.url + post.get_absolute_url())
    figure = page.locator(".post-body figure")
    expect(figure.locator("figcaption")).to_have_text("The fence")
    image = figure.get_by_role("img", name="A wooden fence in the snow")
    expect(image).to_be_visible()
    image.evaluate("img => img.decode()")
    assert image.evaluate("img => img.naturalWidth") > 0
    expect(page.locator(".post-body section.footnotes")).to_contain_text("Gregory Freeze")
    assert browser_errors == [], "\n".join(browser_errors)


def test_failed_uploads_get_a_clear_message_and_the_text_is_kept(page, log_in, course, student, tmp_path):
    log_in(student)
    page.goto(reverse("posts:write", args=[course.slug]))
    editor = page.locator("textarea.markdownx-editor")
    editor.fill("My draft, which must survive a bad upload.")
    fake = tmp_path / "essay.png"
    fake.write_text("<html><script>alert(1)</script></html>")
    page.locator("#image-upload-input").set_input_files(fake)
    page.locator("#image-alt").fill("Not really an image")
    page.locator("#image-insert").click()

    status = page.locator("#image-status")
    expect(status).to_have_text(
        "This file could not be read as an image. It may be damaged or not an image at all."
    )
    expect(status).to_have_class(re.compile(r"\bis-error\b"))
    expect(page.locator("#image-insert")).to_be_enabled()  # the writer can try another file
    expect(editor).to_have_value("My draft, which must survive a bad upload.")

    # The connection drops during an upload: the writer is told, and can try again.
    page.route("**/write/upload/", lambda route: route.abort("connectionreset"))
    page.locator("#image-upload-input").set_input_files(image_file(tmp_path))
    page.locator("#image-alt").fill("A wooden fence in the snow")
    page.locator("#image-insert").click()
    expect(status).to_have_text("The upload did not reach the server. Check your connection and try again.")
    expect(page.locator("#image-insert")).to_be_enabled()
    expect(page.locator("#image-alt")).to_have_value("A wooden fence in the snow")
    expect(editor).to_have_value("My draft, which must survive a bad upload.")
