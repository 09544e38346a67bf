"""The editor's form: the version mark, a revision per save, a stale Update refused with both texts."""

import pytest
from bs4 import BeautifulSoup

from posts.models import Post
from revisions.models import Revision
from tests.factories import DraftFactory, PostFactory

from .conftest import WINDOW_A, WINDOW_B, autosave_url, edit_form, marker, marker_on_page

pytestmark = pytest.mark.django_db


def test_the_editor_carries_a_version_mark_a_status_and_its_script(author_client, student, course):
    draft = DraftFactory(course=course, author=student)
    page = BeautifulSoup(author_client.get(draft.get_edit_url()).content, "html.parser")
    assert page.find("input", attrs={"name": "revision_marker"})["value"].startswith("0.")
    status = page.find(id="autosave-status")
    assert status["role"] == "status" and status["aria-live"] == "polite"
    assert page.find("script", src="/static/js/autosave.js") is not None
    assert page.find("script", id="autosave-data")["type"] == "application/json"
    assert page.find(id="autosave-offer").has_attr("hidden")
    assert page.find("dialog", id="autosave-conflict") is not None


def test_each_save_keeps_a_revision(author_client, student, course):
    draft = DraftFactory(course=course, author=student, title="Working title", body="First.")
    mark = marker_on_page(author_client.get(draft.get_edit_url()))
    author_client.post(draft.get_edit_url(), edit_form(draft, body="Second.", revision_marker=mark))
    mark = marker_on_page(author_client.get(draft.get_edit_url()))
    author_client.post(
        draft.get_edit_url(), edit_form(draft, body="Third.", action="publish", revision_marker=mark)
    )
    kept = list(Revision.objects.filter(post=draft).order_by("version").values_list("body", "kind"))
    assert kept == [("First.", "saved"), ("Second.", "saved"), ("Third.", "saved")]


def test_a_new_posts_first_save_is_its_first_revision(author_client, course):
    author_client.post(
        f"/c/{course.slug}/write/",
        {"title": "Fresh", "body": "New words.", "category": "", "tags_text": "", "action": "draft"},
    )
    post = Post.objects.get(title="Fresh")
    assert list(post.revisions.values_list("version", "body")) == [(1, "New words.")]


def test_saving_takes_over_the_windows_autosave_run(author_client, student, course):
    draft = DraftFactory(course=course, author=student, body="Before.")
    author_client.post(autosave_url(draft), {"title": draft.title, "body": "Typed.", "marker": marker(0)})
    author_client.post(
        draft.get_edit_url(), edit_form(draft, body="Typed, saved.", revision_marker=marker(2))
    )
    # The text before, then the autosave row become the saved version: not one row per autosave.
    kept = Revision.objects.filter(post=draft).order_by("version").values_list("version", "kind", "body")
    assert list(kept) == [(1, "saved", "Before."), (3, "saved", "Typed, saved.")]


def test_a_stale_update_is_refused_with_both_texts_and_kept(author_client, student, course):
    post = PostFactory(course=course, author=student, body="Live.")
    # Window A autosaves a pending edit; window B, opened before it, presses Update.
    author_client.post(
        autosave_url(post), {"title": post.title, "body": "Live. A's edit.", "marker": marker(0)}
    )
    response = author_client.post(
        post.get_edit_url(), edit_form(post, body="Live. B's edit.", revision_marker=marker(0, WINDOW_B))
    )
    assert response.status_code == 400
    page = BeautifulSoup(response.content, "html.parser")
    stale = page.find(class_="autosave-stale")
    assert "changed in another window" in stale.get_text()
    assert page.find("textarea", id="revision-other-body").get_text().strip() == "Live. A's edit."
    assert "Live. B's edit." in page.find("textarea", attrs={"name": "body"}).get_text()  # nothing lost
    post.refresh_from_db()
    assert post.body == "Live."
    # Pressing Update again keeps B's text: the refused page carries the current version.
    again = marker_on_page(response)
    assert again.endswith(WINDOW_B)
    author_client.post(post.get_edit_url(), edit_form(post, body="Live. B's edit.", revision_marker=again))
    post.refresh_from_db()
    assert post.body == "Live. B's edit."


def test_a_damaged_mark_is_a_form_error_that_keeps_the_text(author_client, student, course):
    draft = DraftFactory(course=course, author=student, body="Kept.")
    response = author_client.post(
        draft.get_edit_url(), edit_form(draft, body="Typed.", revision_marker="nonsense")
    )
    assert response.status_code == 400
    assert "Typed." in response.content.decode()
    assert "version mark was damaged" in response.content.decode()


def test_the_update_of_a_published_post_says_updated_in_the_courses_zone(
    author_client, client, student, course
):
    course.time_zone = "America/New_York"
    course.save()
    post = PostFactory(course=course, author=student, body="Original.")
    first_page = client.get(post.get_absolute_url()).content.decode()
    assert "Updated" not in first_page
    author_client.post(post.get_edit_url(), edit_form(post, body="Corrected.", revision_marker=marker(0)))
    page = BeautifulSoup(client.get(post.get_absolute_url()).content, "html.parser")
    updated = page.find(class_="post-updated")
    saved_at = Revision.objects.get(post=post, body="Corrected.").saved_at
    assert updated.find("time")["datetime"] == saved_at.isoformat()
    assert updated.get_text(" ", strip=True).endswith("(America/New_York)")
    assert f"{saved_at.astimezone(course.tz):%H:%M}" in updated.get_text()


@pytest.mark.parametrize("caching", [True, False])
def test_a_cached_post_page_shows_updated_right_after_the_update(
    author_client, student, course, settings, caching
):
    settings.ANONYMOUS_PAGE_CACHE = caching
    from django.test import Client

    reader = Client()
    post = PostFactory(course=course, author=student, body="Original.")
    assert "post-updated" not in reader.get(post.get_absolute_url()).content.decode()  # now cached
    author_client.post(post.get_edit_url(), edit_form(post, body="Corrected.", revision_marker=marker(0)))
    assert "post-updated" in reader.get(post.get_absolute_url()).content.decode()


def test_editing_a_draft_or_a_post_before_it_is_live_is_no_update(author_client, client, student, course):
    draft = DraftFactory(course=course, author=student, body="Draft.")
    author_client.post(
        draft.get_edit_url(), edit_form(draft, body="Draft, edited.", revision_marker=marker(0))
    )
    author_client.post(draft.get_edit_url(), edit_form(draft, body="Draft, edited.", action="publish"))
    draft.refresh_from_db()
    assert draft.is_published
    assert "post-updated" not in client.get(draft.get_absolute_url()).content.decode()


def test_a_pending_autosave_is_no_update(author_client, client, student, course):
    post = PostFactory(course=course, author=student)
    author_client.post(
        autosave_url(post), {"title": post.title, "body": "Not yet.", "marker": marker(0, WINDOW_A)}
    )
    assert "post-updated" not in client.get(post.get_absolute_url()).content.decode()
