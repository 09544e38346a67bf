"""Recording, autosaving and restoring revisions, and the version rule that refuses a stale window."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from posts.models import Post
from revisions import services
from revisions.models import Revision
from tests.factories import DraftFactory, PostFactory

from .conftest import WINDOW_A, WINDOW_B

pytestmark = pytest.mark.django_db


def autosave(post, text, version, window=WINDOW_A, title=None, course=None, user=None):
    return services.autosave(
        course=course or post.course,
        post=post,
        user=user or post.author,
        title=post.title if title is None else title,
        body=text,
        marker=services.Marker(version, window),
    )


def test_a_draft_autosave_saves_its_text_and_keeps_one_row_per_run(student, course):
    draft = DraftFactory(course=course, author=student, body="First words.")
    _, first = autosave(draft, "First words, and more.", 0)
    _, second = autosave(draft, "First words, and more still.", first.version)
    draft.refresh_from_db()
    assert draft.body == "First words, and more still."
    assert draft.status == Post.Status.DRAFT  # autosave never publishes
    # The text before the first autosave is kept as version 1; the run is one row, rewritten.
    kept = list(Revision.objects.filter(post=draft).order_by("version"))
    assert [(r.version, r.kind, r.body) for r in kept] == [
        (1, "saved", "First words."),
        (3, "autosave", "First words, and more still."),
    ]
    assert second.pk == first.pk and second.version == 3


def test_an_autosave_run_starts_a_new_row_after_ten_minutes(student, course):
    draft = DraftFactory(course=course, author=student, body="")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        _, first = autosave(draft, "One.", 0)
        clock.shift(datetime.timedelta(minutes=11))
        _, second = autosave(draft, "One. Two.", first.version)
    assert second.pk != first.pk
    assert Revision.objects.get(pk=first.pk).body == "One."


def test_a_published_posts_autosave_is_pending_and_leaves_the_live_text(post):
    live_body = post.body
    _, pending = autosave(post, "A rewrite in progress.", 0)
    post.refresh_from_db()
    assert post.body == live_body and post.is_published
    assert pending.kind == Revision.Kind.PENDING and pending.body == "A rewrite in progress."
    # The live text was kept as the first version, so the rewrite can be compared with it.
    assert Revision.objects.get(post=post, version=1).body == live_body


def test_a_stale_window_is_refused_with_the_newer_text(student, course):
    draft = DraftFactory(course=course, author=student, body="Start.")
    _, from_a = autosave(draft, "Start. Window A wrote this.", 0, window=WINDOW_A)
    with pytest.raises(services.StaleVersion) as refused:
        autosave(draft, "Start. Window B wrote this.", 0, window=WINDOW_B)
    assert refused.value.newest.body == "Start. Window A wrote this."
    draft.refresh_from_db()
    assert draft.body == "Start. Window A wrote this."  # B's save did not overwrite A's
    # B, shown both, keeps its own: it saves again on the version it was shown.
    autosave(draft, "Start. Window B wrote this.", from_a.version, window=WINDOW_B)
    draft.refresh_from_db()
    assert draft.body == "Start. Window B wrote this."


def test_a_windows_own_newer_save_is_not_a_conflict(student, course):
    """An autosave whose answer was lost (or still on its way) does not block the same window."""
    draft = DraftFactory(course=course, author=student, body="")
    autosave(draft, "Sent, answer lost.", 0)
    autosave(draft, "Sent again from the same window.", 0)
    draft.refresh_from_db()
    assert draft.body == "Sent again from the same window."


def test_the_first_autosave_of_a_new_post_makes_a_draft_and_a_repeat_finds_it(student, course):
    post, revision = services.autosave(
        course=course,
        post=None,
        user=student,
        title="",
        body="Never lose a word.",
        marker=services.Marker(0, WINDOW_A),
    )
    assert post.status == Post.Status.DRAFT and post.title == services.UNTITLED
    # The save on leaving the page races the last one: the same window's draft, not a second.
    again, _ = services.autosave(
        course=course,
        post=None,
        user=student,
        title="A title",
        body="Never lose a word!",
        marker=services.Marker(0, WINDOW_A),
    )
    assert again.pk == post.pk
    assert Post.objects.filter(course=course, author=student).count() == 1
    again.refresh_from_db()
    assert (again.title, again.body) == ("A title", "Never lose a word!")


def test_a_save_that_changes_nothing_adds_no_revision(student, course):
    post = PostFactory(course=course, author=student)
    first = services.revision_record(post=post, user=student)
    assert services.revision_record(post=post, user=student).pk == first.pk
    assert Revision.objects.filter(post=post).count() == 1


def test_restore_makes_a_new_revision_and_the_old_text_current(student, course):
    post = DraftFactory(course=course, author=student, title="Draft one", body="The first version.")
    first = services.revision_record(post=post, user=student)
    post.title, post.body = "Draft two", "The second version."
    post.save()
    second = services.revision_record(post=post, user=student)
    restored = services.revision_restore(revision=first, user=student)
    post.refresh_from_db()
    assert (post.title, post.body) == ("Draft one", "The first version.")
    assert restored.version == second.version + 1
    assert restored.restored_from == first
    assert Revision.objects.filter(post=post).count() == 3  # nothing was overwritten


def test_restoring_into_a_published_post_marks_it_updated(student, course):
    post = PostFactory(course=course, author=student, body="Live text.")
    first = services.revision_record(post=post, user=student)
    post.body = "Edited live text."
    post.save()
    services.revision_record(post=post, user=student, edits_published=True)
    restored = services.revision_restore(revision=first, user=student)
    post.refresh_from_db()
    assert post.is_published and post.body == "Live text."
    assert restored.edits_published


def test_marker_parsing_refuses_anything_else():
    assert services.Marker.parse("12." + "f" * 32) == services.Marker(12, "f" * 32)
    for bad in (
        "",
        "12",
        "x." + "f" * 32,
        "12.short",
        "12." + "G" * 32,
        "-1." + "f" * 32,
        "1" * 12 + ".abcdefgh",
    ):
        assert services.Marker.parse(bad) is None, bad
