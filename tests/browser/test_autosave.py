"""Never lose a word, in Chromium: autosave, offline words offered back, two tabs in conflict, axe clean."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from posts.models import Post
from revisions.models import Revision
from tests.browser.test_accessibility import assert_no_violations
from tests.factories import DraftFactory, PostFactory

pytestmark = pytest.mark.browser

SAVED = re.compile(r"^Saved \d\d:\d\d")


def open_editor(page, post):
    page.goto(post.get_edit_url())
    editor = page.locator("textarea.markdownx-editor")
    expect(editor).to_be_visible()
    return editor


def type_at_end(editor, text):
    editor.press("ControlOrMeta+End")
    editor.press_sequentially(text)


def body_of(post):
    return Post.objects.get(pk=post.pk).body


def close_tab_offline(page):
    """The tab is closed while the device is offline: its last save on leaving cannot go out.

    Chromium emulates being offline per page, and the beacon a page queues as it closes can
    leave once that emulation has gone with the page (it did, now and then, on a busy machine);
    on a device that is really offline it never arrives. So the page's sendBeacon answers that
    it could not queue, as a browser does when it cannot, before the tab is closed.
    """
    page.evaluate("navigator.sendBeacon = () => false")
    page.close()


def test_words_typed_offline_are_offered_back_on_reopening(
    page, context, log_in, course, student, browser_errors
):
    draft = DraftFactory(course=course, author=student, body="The amnesty of 1953.")
    log_in(student)
    editor = open_editor(page, draft)
    status = page.locator("#autosave-status")

    type_at_end(editor, " Online words.")
    expect(status).to_have_text(SAVED)
    assert body_of(draft) == "The amnesty of 1953. Online words."

    assert browser_errors == [], browser_errors
    context.set_offline(True)
    type_at_end(editor, " Offline words, never sent.")
    expect(status).to_contain_text("Saved on this device")
    expect(status).to_contain_text("Not on the server yet")
    close_tab_offline(page)  # its last save cannot reach the server
    assert body_of(draft) == "The amnesty of 1953. Online words."
    # Offline, the browser logs the failed requests (and markdownx its failed preview): nothing else.
    unexpected = [
        e for e in browser_errors if "ERR_INTERNET_DISCONNECTED" not in e and "markdownx.js" not in e
    ]
    assert unexpected == [], browser_errors

    context.set_offline(False)
    page = context.new_page()
    editor = open_editor(page, draft)
    offer = page.locator("#autosave-offer")
    expect(offer).to_be_visible()
    expect(offer).to_contain_text("saved on this device")
    expect(editor).to_have_value("The amnesty of 1953. Online words.")
    # By keyboard: the banner's buttons are ordinary buttons in the tab order.
    page.locator("#autosave-offer-restore").focus()
    page.keyboard.press("Enter")
    expect(offer).to_be_hidden()
    expect(editor).to_have_value("The amnesty of 1953. Online words. Offline words, never sent.")
    expect(page.locator("#autosave-status")).to_have_text(SAVED)
    assert body_of(draft) == "The amnesty of 1953. Online words. Offline words, never sent."
    # Once the server has it, the copy on this device is gone: reopening offers nothing.
    page.reload()
    expect(page.locator("textarea.markdownx-editor")).to_be_visible()
    expect(page.locator("#autosave-offer")).to_be_hidden()
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('coursesite:autosave'))") == []


def test_a_new_post_typed_offline_comes_back_and_becomes_a_draft(page, context, log_in, course, student):
    log_in(student)
    page.goto(reverse("posts:write", args=[course.slug]))
    context.set_offline(True)
    page.locator("input[name=title]").fill("Letters home")
    page.locator("textarea.markdownx-editor").fill("Written on a train with no signal.")
    expect(page.locator("#autosave-status")).to_contain_text("Saved on this device")
    close_tab_offline(page)
    context.set_offline(False)
    assert not Post.objects.filter(course=course).exists()

    page = context.new_page()
    page.goto(reverse("posts:write", args=[course.slug]))
    page.get_by_role("button", name="Restore").click()
    expect(page.locator("input[name=title]")).to_have_value("Letters home")
    expect(page.locator("#autosave-status")).to_have_text(SAVED)
    draft = Post.objects.get(course=course)
    assert (draft.title, draft.body, draft.status) == (
        "Letters home",
        "Written on a train with no signal.",
        "draft",
    )
    # The page now edits that draft, without a reload: its address and its form moved to it.
    expect(page).to_have_url(re.compile(re.escape(draft.get_edit_url()) + "$"))
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Letters home")
    assert Post.objects.filter(course=course).count() == 1
    assert Post.objects.get(course=course).is_published


def test_a_published_posts_edits_wait_for_update(page, log_in, course, student):
    post = PostFactory(course=course, author=student, body="The live text.")
    log_in(student)
    editor = open_editor(page, post)
    type_at_end(editor, " An edit in progress.")
    expect(page.locator("#autosave-status")).to_contain_text("not published yet")
    assert body_of(post) == "The live text."
    assert Revision.objects.get(post=post, kind="pending").body == "The live text. An edit in progress."

    # Reopened elsewhere, the editor shows the live text and offers the pending words.
    page.goto(post.get_edit_url())
    expect(page.locator("#autosave-offer")).to_contain_text("on the server, not published")
    page.get_by_role("button", name="Restore").click()
    expect(page.locator("textarea.markdownx-editor")).to_have_value("The live text. An edit in progress.")
    page.get_by_role("button", name="Update post").click()
    expect(page.locator(".post-body")).to_contain_text("An edit in progress.")
    expect(page.locator(".post-updated")).to_contain_text("Updated")
    assert body_of(post) == "The live text. An edit in progress."


def test_two_tabs_on_one_post_the_writer_keeps_what_they_choose(
    context, log_in, course, student, browser_errors
):
    draft = DraftFactory(course=course, author=student, body="Start.")
    log_in(student)
    first, second = context.new_page(), context.new_page()
    editor_a, editor_b = open_editor(first, draft), open_editor(second, draft)

    type_at_end(editor_a, " From the first tab.")
    expect(first.locator("#autosave-status")).to_have_text(SAVED)

    type_at_end(editor_b, " From the second tab.")
    dialog = second.locator("#autosave-conflict")
    expect(dialog).to_be_visible()
    expect(second.locator("#autosave-conflict-yours")).to_have_value(
        re.compile("Start. From the second tab.$")
    )
    expect(second.locator("#autosave-conflict-theirs")).to_have_value(
        re.compile("Start. From the first tab.$")
    )
    expect(second.locator("#autosave-keep-mine")).to_be_focused()
    assert body_of(draft) == "Start. From the first tab."  # not silently overwritten
    second.keyboard.press("Enter")  # Keep mine
    expect(dialog).to_be_hidden()
    expect(second.locator("#autosave-status")).to_have_text(SAVED)
    assert body_of(draft) == "Start. From the second tab."

    # The first tab is stale now: it is told so, and takes the other version.
    type_at_end(editor_a, " More from the first.")
    expect(first.locator("#autosave-conflict")).to_be_visible()
    first.get_by_role("button", name="Keep the other version").click()
    expect(editor_a).to_have_value("Start. From the second tab.")
    assert body_of(draft) == "Start. From the second tab."
    assert browser_errors == [], browser_errors


def test_the_editor_is_axe_clean_with_the_status_the_offer_and_the_conflict_dialog(
    context, log_in, course, student
):
    draft = DraftFactory(course=course, author=student, body="Start.")
    log_in(student)
    page = context.new_page()
    editor = open_editor(page, draft)
    type_at_end(editor, " Saved words.")
    expect(page.locator("#autosave-status")).to_have_text(SAVED)
    assert_no_violations(page)

    # The offer of words kept on this device.
    page.evaluate(
        """([key, marker]) => localStorage.setItem(key, JSON.stringify(
            {title: document.querySelector("[name=title]").value, body: "Words from this device.",
             saved_at: Date.now(), marker: marker}))""",
        [
            f"coursesite:autosave:{course.slug}:{draft.pk}",
            page.locator("[name=revision_marker]").input_value(),
        ],
    )
    page.reload()
    expect(page.locator("#autosave-offer")).to_be_visible()
    assert_no_violations(page)
    page.get_by_role("button", name="Discard").click()

    # The conflict dialog: another tab saved meanwhile.
    other = context.new_page()
    type_at_end(open_editor(other, draft), " Another tab.")
    expect(other.locator("#autosave-status")).to_have_text(SAVED)
    type_at_end(page.locator("textarea.markdownx-editor"), " This tab.")
    expect(page.locator("#autosave-conflict")).to_be_visible()
    assert_no_violations(page)


def test_the_revisions_list_and_a_diff_are_axe_clean_and_restore_works(page, log_in, course, student):
    from revisions import services

    draft = DraftFactory(course=course, author=student, title="The amnesty", body="It freed many prisoners.")
    services.revision_record(post=draft, user=student)
    draft.body = "It freed some prisoners. Not all were free."
    draft.save()
    services.revision_record(post=draft, user=student)
    log_in(student)
    page.goto(draft.get_edit_url())
    page.get_by_role("link", name="Revisions: every saved version of this post").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Revisions of “The amnesty”")
    assert_no_violations(page)
    page.get_by_role("button", name="Compare the chosen versions").click()
    diff = page.locator(".revision-diff").nth(1)
    expect(diff.locator("del")).to_have_text("many")
    expect(diff.locator("ins")).to_have_text(["some", "Not all were free."])
    assert_no_violations(page)
    page.get_by_role("button", name="Restore version 1").click()
    expect(page.locator(".messages")).to_contain_text("Restored the version of")
    expect(page.locator("textarea.markdownx-editor")).to_have_value("It freed many prisoners.")
