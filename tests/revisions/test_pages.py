"""The revisions pages: who sees them, the list in a fixed number of queries, the word diff, restore."""

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from posts.demo import SEED_SLUG
from posts.models import Post
from revisions import services
from revisions.models import Revision
from tests.factories import DraftFactory, InstructorFactory, MembershipFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def list_url(post):
    return reverse("revisions:list", kwargs={"course_slug": post.course.slug, "slug": post.slug})


def diff_url(post, old, new):
    url = reverse("revisions:diff", kwargs={"course_slug": post.course.slug, "slug": post.slug})
    return f"{url}?from={old.pk}&to={new.pk}"


def restore_url(revision):
    post = revision.post
    return reverse(
        "revisions:restore",
        kwargs={"course_slug": post.course.slug, "slug": post.slug, "revision_id": revision.pk},
    )


def versions(post, *bodies, by=None):
    """Save `post` with each body in turn, keeping a revision each time."""
    kept = []
    for body in bodies:
        post.body = body
        post.save()
        kept.append(services.revision_record(post=post, user=by or post.author))
    return kept


@pytest.fixture
def draft_with_history(course, student):
    draft = DraftFactory(course=course, author=student, title="The amnesty")
    return draft, versions(draft, "The amnesty freed many prisoners.", "The amnesty freed some prisoners.")


def as_user(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_the_author_and_the_instructors_see_the_list_and_nobody_else(draft_with_history, course, student):
    draft, _ = draft_with_history
    expected = {
        "author": (student, 200),
        "instructor": (InstructorFactory(course=course).user, 200),
        "classmate": (MembershipFactory(course=course).user, 404),
        "other instructor": (InstructorFactory().user, 404),
        "outsider": (UserFactory(), 404),
    }
    for who, (user, status) in expected.items():
        assert as_user(user).get(list_url(draft)).status_code == status, who
    assert as_user(None).get(list_url(draft)).status_code == 302
    # A published post's revisions are not for its classmates either, though they read the post.
    post = PostFactory(course=course, author=student)
    assert as_user(expected["classmate"][0]).get(list_url(post)).status_code == 404


def test_the_list_says_who_saved_each_version_and_when(draft_with_history, student, course):
    draft, (first, second) = draft_with_history
    page = BeautifulSoup(as_user(student).get(list_url(draft)).content, "html.parser")
    rows = page.select("table.revision-list tbody tr")
    assert [row.th.get_text(strip=True) for row in rows] == [str(second.version), str(first.version)]
    display_name = student.memberships.get(course=course).display_name
    assert display_name in rows[0].get_text()
    assert rows[0].find("time")["datetime"] == second.saved_at.isoformat()
    restore_buttons = [b.get_text(strip=True) for b in page.select(".revision-restore-list button")]
    assert restore_buttons == [f"Restore version {first.version}"]  # the newest is the text already


def test_the_list_runs_the_same_queries_for_one_and_fifty_revisions(course, student):
    draft = DraftFactory(course=course, author=student)
    instructor = InstructorFactory(course=course).user
    versions(draft, "Version 0.")

    def count():
        counts = {}
        for name, user in (("author", student), ("instructor", instructor)):
            client = as_user(user)
            with CaptureQueriesContext(connection) as captured:
                assert client.get(list_url(draft)).status_code == 200
            counts[name] = len(captured.captured_queries)
        return counts

    few = count()
    editors = [MembershipFactory(course=course).user for _ in range(3)]
    for n in range(1, 50):
        draft.body = f"Version {n}."
        draft.save()
        services.revision_record(post=draft, user=editors[n % 3])
    Revision.objects.filter(post=draft, version=7).update(saved_by=None)  # a deleted account
    Revision.objects.filter(post=draft, version=9).update(
        restored_from=Revision.objects.get(post=draft, version=2)
    )
    assert Revision.objects.filter(post=draft).count() == 50
    assert count() == few


def test_the_diff_shows_the_changed_words_escaped(course, student):
    draft = DraftFactory(course=course, author=student, title="Amnesty")
    old, new = versions(draft, "The <b>amnesty</b> freed many.", "The <b>amnesty</b> freed some.")
    page = BeautifulSoup(as_user(student).get(diff_url(draft, old, new)).content, "html.parser")
    body = page.select(".revision-diff")[1]
    assert [d.get_text() for d in body.find_all("del")] == ["many."]
    assert [i.get_text() for i in body.find_all("ins")] == ["some."]
    assert body.find("b") is None and "<b>amnesty</b>" in body.get_text()
    assert "1 word removed, 1 word added" in page.get_text()
    # Either order: older on the left, newer on the right.
    again = BeautifulSoup(as_user(student).get(diff_url(draft, new, old)).content, "html.parser")
    assert [d.get_text() for d in again.select(".revision-diff")[1].find_all("del")] == ["many."]


def test_the_diff_takes_only_this_posts_revisions(draft_with_history, course, student):
    draft, (first, second) = draft_with_history
    other = DraftFactory(course=course, author=student)
    [elsewhere] = versions(other, "Another post.")
    base = reverse("revisions:diff", kwargs={"course_slug": course.slug, "slug": draft.slug})
    client = as_user(student)
    for query in (
        f"?from={first.pk}&to={elsewhere.pk}",
        f"?from={first.pk}",
        "?from=x&to=y",
        f"?from={first.pk}&to=99999999999999999999999",
        "?to=",
    ):
        assert client.get(base + query).status_code == 404, query
    # With no choice made, the page shows the last change.
    last_change = BeautifulSoup(client.get(base).content, "html.parser")
    assert (
        last_change.find("h1").get_text()
        == f"Changes from version {first.version} to version {second.version}"
    )
    assert client.get(diff_url(draft, first, second)).status_code == 200
    assert (
        as_user(MembershipFactory(course=course).user).get(diff_url(draft, first, second)).status_code == 404
    )


def test_a_post_with_one_version_has_nothing_to_compare(course, student):
    draft = DraftFactory(course=course, author=student)
    versions(draft, "Only one.")
    base = reverse("revisions:diff", kwargs={"course_slug": course.slug, "slug": draft.slug})
    response = as_user(student).get(base)
    assert response.status_code == 200
    assert "nothing to compare yet" in response.content.decode()


def test_restore_makes_a_new_revision_of_the_old_text(draft_with_history, student):
    draft, (first, second) = draft_with_history
    client = as_user(student)
    assert client.get(restore_url(first)).status_code == 405
    response = client.post(restore_url(first))
    assert response.status_code == 302 and response["Location"] == draft.get_edit_url()
    draft.refresh_from_db()
    assert draft.body == "The amnesty freed many prisoners."
    newest = Revision.objects.filter(post=draft).order_by("-version").first()
    assert newest.version == second.version + 1 and newest.restored_from == first
    assert "Restored the version of" in client.get(draft.get_edit_url()).content.decode()


def test_only_the_author_restores(draft_with_history, course):
    draft, (first, _) = draft_with_history
    instructor = InstructorFactory(course=course).user
    refused = as_user(instructor).post(restore_url(first))
    assert refused.status_code == 403
    assert "Only the post's author can restore" in BeautifulSoup(refused.content, "html.parser").get_text()
    assert as_user(MembershipFactory(course=course).user).post(restore_url(first)).status_code == 404
    assert as_user(InstructorFactory().user).post(restore_url(first)).status_code == 404
    draft.refresh_from_db()
    assert draft.body == "The amnesty freed some prisoners."


def test_a_revision_of_another_post_is_a_404(draft_with_history, course, student):
    draft, _ = draft_with_history
    other = DraftFactory(course=course, author=student)
    [elsewhere] = versions(other, "Another post.")
    url = reverse(
        "revisions:restore",
        kwargs={"course_slug": course.slug, "slug": draft.slug, "revision_id": elsewhere.pk},
    )
    assert as_user(student).post(url).status_code == 404


def test_the_post_page_links_to_revisions_for_its_author_and_instructors(course, student):
    post = PostFactory(course=course, author=student)
    link = list_url(post)
    for user, shown in (
        (student, True),
        (InstructorFactory(course=course).user, True),
        (MembershipFactory(course=course).user, False),
        (None, False),
    ):
        page = BeautifulSoup(as_user(user).get(post.get_absolute_url()).content, "html.parser")
        assert (page.find("a", href=link) is not None) is shown, user
    edit_page = BeautifulSoup(as_user(student).get(post.get_edit_url()).content, "html.parser")
    assert edit_page.find("a", href=link) is not None


def test_the_demos_seed_post_has_two_revisions_to_compare(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)  # again: nothing added twice
    seed = Post.objects.get(slug=SEED_SLUG)
    first, second = Revision.objects.filter(post=seed).order_by("version")
    assert second.body == seed.body and second.title == seed.title
    assert first.body != seed.body and first.saved_at < second.saved_at
    author = as_user(seed.author)
    page = BeautifulSoup(author.get(diff_url(seed, first, second)).content, "html.parser")
    assert "forced into exile" in page.select(".revision-diff")[1].find("ins").get_text()
    assert "post-updated" not in Client().get(seed.get_absolute_url()).content.decode()
