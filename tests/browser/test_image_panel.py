"""The "Add an image" panel beside the editor (issue 17): by keyboard, with its source, to the credits."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from posts.models import Post, PostImage
from tests.browser.conftest import png_bytes
from tests.browser.test_accessibility import assert_no_violations

pytestmark = pytest.mark.browser


def image_file(tmp_path):
    path = tmp_path / "fence.png"
    path.write_bytes(png_bytes())
    return path


def open_editor(page, log_in, course, student):
    log_in(student)
    page.goto(reverse("posts:write", args=[course.slug]))
    return page.locator("textarea.markdownx-editor")


def box(locator):
    found = locator.bounding_box()
    assert found, f"{locator} is not shown"
    return found


def test_the_panel_sits_beside_the_editor_on_a_wide_screen_and_below_it_on_a_phone(
    page, log_in, course, student
):
    editor = open_editor(page, log_in, course, student)
    panel = page.locator("fieldset.image-panel")
    text, beside = box(editor), box(panel)
    assert beside["x"] >= text["x"] + text["width"], "the panel is not to the right of the text"
    assert beside["y"] < text["y"] + text["height"], "the panel does not start beside the text"
    preview = box(page.locator(".markdownx-preview"))
    assert preview["x"] >= text["x"] + text["width"] - 1 and preview["x"] + preview["width"] <= beside["x"]

    page.set_viewport_size({"width": 375, "height": 800})
    text, below = box(editor), box(panel)
    assert below["y"] >= text["y"] + text["height"], "on a phone the panel comes after the text"
    assert below["x"] + below["width"] <= 375


def test_an_image_is_added_by_keyboard_with_its_source_and_credited_on_the_post(
    page, log_in, course, student, tmp_path, browser_errors
):
    editor = open_editor(page, log_in, course, student)
    page.get_by_label("Title").fill("Prisoners return")
    editor.fill("The camps emptied in 1953.")
    editor.press("ControlOrMeta+End")

    # From the text, Tab reaches the panel's file box (the toolbar's image button focuses it too).
    for _ in range(15):
        if page.evaluate("document.activeElement.id") == "image-upload-input":
            break
        page.keyboard.press("Tab")
    expect(page.locator("#image-upload-input")).to_be_focused()
    page.locator("#image-upload-input").set_input_files(image_file(tmp_path))
    page.keyboard.press("Tab")
    expect(page.locator("#image-alt")).to_be_focused()
    page.keyboard.type("A wooden fence in the snow")
    page.keyboard.press("Tab")
    page.keyboard.type("Fence at the old Gulag")
    page.keyboard.press("Tab")
    page.keyboard.type("Unknown photographer")
    page.keyboard.press("Tab")
    page.keyboard.type("Seventeen Moments in Soviet History")
    page.keyboard.press("Tab")
    expect(page.locator("#image-source-url")).to_be_focused()
    page.keyboard.type("javascript:alert(1)")
    page.keyboard.press("Tab")
    expect(page.locator("#image-licence")).to_be_focused()
    for _ in range(3):  # from "Unknown" up to "CC BY-SA"
        page.keyboard.press("ArrowUp")
    expect(page.locator("#image-licence")).to_have_value("cc-by-sa")
    page.keyboard.press("Tab")
    expect(page.locator("#image-insert")).to_be_focused()
    page.keyboard.press("Enter")

    # Refused: the address is named, the cursor is put there, and nothing typed is lost.
    status = page.locator("#image-status")
    expect(status).to_have_text("The source's address must be a web address (http:// or https://).")
    expect(status).to_have_class(re.compile(r"\bis-error\b"))
    expect(page.locator("#image-source-url")).to_be_focused()
    expect(page.locator("#image-alt")).to_have_value("A wooden fence in the snow")
    assert PostImage.objects.count() == 0

    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("https://soviethistory.msu.edu/1953-2/prisoners-return/")
    page.keyboard.press("Enter")  # Enter in the panel adds the image; it does not send the post
    expect(status).to_have_text("Image added to your post.")
    expect(editor).to_have_value(
        re.compile(
            r"!\[A wooden fence in the snow\]\(/media/posts/[^ )]+\.png "
            r'"Fence at the old Gulag \| Unknown photographer"\)'
        )
    )
    assert not Post.objects.exists()
    image = PostImage.objects.get()
    assert (image.source_title, image.licence) == ("Seventeen Moments in Soviet History", "cc-by-sa")
    expect(page.locator("#image-alt")).to_have_value("")  # ready for the next image

    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Your post is published.")
    expect(page.locator(".messages")).not_to_contain_text("has no source")
    credits = page.locator("section.image-credits")
    expect(credits.get_by_role("heading", level=2)).to_have_text("Image credits")
    expect(credits.get_by_role("listitem")).to_have_text(
        "Fence at the old Gulag, by Unknown photographer, retrieved from: "
        "Seventeen Moments in Soviet History. CC BY-SA."
    )
    expect(credits.get_by_role("link", name="Seventeen Moments in Soviet History")).to_have_attribute(
        "href", "https://soviethistory.msu.edu/1953-2/prisoners-return/"
    )
    # The refused upload above is the one failed request the console may mention.
    unexpected = [e for e in browser_errors if not ("status of 400" in e and "/write/upload/" in e)]
    assert unexpected == [], "\n".join(unexpected)


def test_publishing_an_image_without_a_source_warns_and_publishes(page, log_in, course, student, tmp_path):
    editor = open_editor(page, log_in, course, student)
    page.get_by_label("Title").fill("A picture of unknown origin")
    editor.fill("Found online.")
    page.locator("#image-upload-input").set_input_files(image_file(tmp_path))
    page.locator("#image-alt").fill("A fence")
    page.locator("#image-insert").click()
    expect(page.locator("#image-status")).to_have_text("Image added to your post.")
    page.get_by_role("button", name="Publish", exact=True).click()
    messages = page.locator(".messages")
    expect(messages).to_contain_text("Your post is published.")
    expect(messages).to_contain_text("The image “A fence” has no source.")
    expect(page.locator("section.image-credits li")).to_have_text("A fence. Source not given.")


def test_the_editor_with_its_panel_and_the_credited_post_pass_axe(page, log_in, course, student, tmp_path):
    editor = open_editor(page, log_in, course, student)
    page.locator("#image-upload-input").set_input_files(image_file(tmp_path))
    page.locator("#image-insert").click()  # no alt text: the refusal shows
    expect(page.locator("#image-status")).to_have_class(re.compile(r"\bis-error\b"))
    assert_no_violations(page)
    page.get_by_label("Title").fill("Credited")
    editor.fill("Text.")
    page.locator("#image-alt").fill("A fence")
    page.locator("#image-source-title").fill("The course reader")
    page.locator("#image-insert").click()
    expect(page.locator("#image-status")).to_have_text("Image added to your post.")
    assert_no_violations(page)
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator("section.image-credits")).to_be_visible()
    # Read again without the "published" message (base.html's message list has its own axe finding).
    page.reload()
    expect(page.locator("section.image-credits")).to_be_visible()
    assert_no_violations(page)
