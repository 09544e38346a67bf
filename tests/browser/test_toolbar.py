"""The editor's toolbar by keyboard alone, its shortcuts and tooltips, the word count, the font; axe clean."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.test_accessibility import assert_no_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def editor_page(page, live_server, log_in, course, student):
    log_in(student)
    page.goto(reverse("posts:write", kwargs={"course_slug": course.slug}))
    expect(page.get_by_role("toolbar", name="Formatting")).to_be_visible()
    yield page
    # Autosave (static/js/autosave.js) keeps what was typed: let it finish before the database
    # is emptied for the next test, so that leaving the page has nothing left to send.
    if page.locator("textarea.markdownx-editor").input_value():
        expect(page.locator("#autosave-status")).to_have_text(re.compile(r"^Saved \d"))
    page.close()


def focused_label(page) -> str:
    focused = "document.activeElement"
    return page.evaluate(f"{focused}.getAttribute('aria-label') || {focused}.tagName")


def text_of(page) -> str:
    return page.locator("textarea.markdownx-editor").input_value()


def test_the_toolbar_is_one_tab_stop_and_its_buttons_work_with_enter_and_space(editor_page, browser_errors):
    page = editor_page
    page.get_by_label("Title").focus()
    page.keyboard.type("The Thaw")
    page.keyboard.press("Tab")
    assert focused_label(page) == "Bold"
    page.keyboard.press("ArrowRight")
    assert focused_label(page) == "Italic"
    page.keyboard.press("End")
    assert focused_label(page) == "Image"
    page.keyboard.press("ArrowRight")  # round to the first
    assert focused_label(page) == "Bold"
    page.keyboard.press("Tab")  # out of the toolbar in one step: into the text
    assert focused_label(page) == "TEXTAREA"

    page.keyboard.type("Khrushchev spoke")
    page.keyboard.press("Shift+Home")  # select the line, by keyboard
    page.keyboard.press("Shift+Tab")
    assert focused_label(page) == "Bold"  # the toolbar remembers its place
    page.keyboard.press("Enter")
    assert text_of(page) == "**Khrushchev spoke**"
    assert focused_label(page) == "TEXTAREA"  # back to writing, the words still selected
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Space")  # Italic, with nothing selected: a placeholder to type over
    page.keyboard.type("in 1956")
    assert text_of(page) == "**Khrushchev spoke**\n*in 1956*"
    assert browser_errors == []


def test_the_shortcuts_insert_markdown_around_the_selection(editor_page):
    page = editor_page
    editor = page.locator("textarea.markdownx-editor")
    editor.fill("Secret Speech")
    editor.press("ControlOrMeta+a")
    editor.press("Control+b")
    assert text_of(page) == "**Secret Speech**"
    editor.fill("Secret Speech")
    editor.press("ControlOrMeta+a")
    editor.press("Control+i")
    assert text_of(page) == "*Secret Speech*"
    editor.fill("the text")
    editor.press("ControlOrMeta+a")
    editor.press("Control+k")
    page.keyboard.type("https://example.org")  # the address was selected, ready to be typed over
    assert text_of(page) == "[the text](https://example.org)"
    editor.fill("Sources")
    editor.press("Control+Shift+H")
    assert text_of(page) == "## Sources"
    editor.fill("one\ntwo")
    editor.press("ControlOrMeta+a")
    editor.press("Control+Shift+Digit8")
    assert text_of(page) == "- one\n- two"
    editor.fill("We shall bury you")
    editor.press("Control+Shift+Period")
    assert text_of(page) == "> We shall bury you"
    editor.fill("A claim.")
    editor.press("End")
    editor.press("Control+Shift+F")
    page.keyboard.type("Freeze, chapter 12.")
    assert text_of(page) == "A claim.[^1]\n\n[^1]: Freeze, chapter 12."
    expect(page.locator(".markdownx-preview section.footnotes")).to_contain_text("Freeze, chapter 12.")
    editor.press("Control+Shift+G")
    assert page.evaluate("document.activeElement.id") == "image-upload-input"


def test_tooltips_name_the_shortcut_on_keyboard_focus_and_escape_hides_them(editor_page):
    page = editor_page
    page.get_by_label("Title").focus()
    page.keyboard.press("Tab")
    tip = page.get_by_role("tooltip").filter(has_text="Bold")
    expect(tip).to_be_visible()
    expect(tip).to_have_text("Bold Ctrl+B")
    expect(page.get_by_role("button", name="Bold")).to_have_attribute("aria-keyshortcuts", "Control+B")
    page.keyboard.press("Escape")
    expect(tip).to_be_hidden()
    page.get_by_role("button", name="Footnote").hover()
    expect(page.get_by_role("tooltip").filter(has_text="Footnote")).to_have_text("Footnote Ctrl+Shift+F")


def test_the_word_count_and_reading_time_follow_the_typing(editor_page):
    page = editor_page
    counter = page.locator("#word-count")
    expect(counter).to_have_text("0 words")
    editor = page.locator("textarea.markdownx-editor")
    editor.press_sequentially("The Thaw began")
    expect(counter).to_have_text("3 words · about 1 minute to read")
    editor.fill(" ".join(["word"] * 450) + " [a link](https://example.org/a-very-long-address)")
    expect(counter).to_have_text("452 words · about 2 minutes to read")


def test_the_editor_writes_in_the_sites_sans_serif(editor_page):
    page = editor_page
    fonts = page.evaluate(
        """() => [document.querySelector("textarea.markdownx-editor"), document.querySelector(".site-header")]
            .map(el => getComputedStyle(el).fontFamily)"""
    )
    assert fonts[0] == fonts[1] and "sans-serif" in fonts[0]


def test_the_editor_with_its_toolbar_and_a_tooltip_shown_is_axe_clean(editor_page):
    page = editor_page
    page.locator("textarea.markdownx-editor").fill("## A heading\n\nSome **text**.")
    page.get_by_label("Title").focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("tooltip").filter(has_text="Bold")).to_be_visible()
    assert_no_violations(page)
