"""The autosave endpoint: JSON, CSRF, rate-limited; never publishes; a stale window gets both texts (409)."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from posts.models import Post
from revisions.models import Revision
from tests.factories import DraftFactory, InstructorFactory, MembershipFactory, PostFactory

from .conftest import WINDOW_A, WINDOW_B, autosave_url, marker

pytestmark = pytest.mark.django_db


def send(client, url, body, version=0, window=WINDOW_A, title="My title", **extra):
    return client.post(url, {"title": title, "body": body, "marker": marker(version, window), **extra})


def test_a_drafts_autosave_saves_its_text(author_client, student, course):
    draft = DraftFactory(course=course, author=student, body="Before.")
    response = send(author_client, autosave_url(draft), "Before. And after.", title=draft.title)
    assert response.status_code == 200
    answer = response.json()
    assert answer["pending"] is False
    assert answer["marker"] == marker(2)  # version 1 is the text before, kept
    draft.refresh_from_db()
    assert draft.body == "Before. And after."
    # The writer's other devices open it: the editor shows the autosaved text.
    assert "Before. And after." in author_client.get(draft.get_edit_url()).content.decode()


def test_autosave_never_publishes(author_client, student, course):
    draft = DraftFactory(course=course, author=student)
    send(author_client, autosave_url(draft), "Words.", action="publish", status="published")
    draft.refresh_from_db()
    assert draft.status == Post.Status.DRAFT and draft.published_at is None


def test_a_published_posts_autosave_is_pending_until_update(author_client, student, course):
    post = PostFactory(course=course, author=student, body="The live text.")
    response = send(author_client, autosave_url(post), "A rewrite not yet live.", title=post.title)
    assert response.json()["pending"] is True
    post.refresh_from_db()
    assert post.body == "The live text."
    reader_page = Client().get(post.get_absolute_url()).content.decode()
    assert "The live text." in reader_page and "not yet live" not in reader_page
    # Reopening the editor offers the pending words (autosave.js reads them from the page).
    page = author_client.get(post.get_edit_url()).content.decode()
    data = json.loads(page.split('id="autosave-data" type="application/json">')[1].split("</script>")[0])
    assert data["pending"]["body"] == "A rewrite not yet live."


def test_a_stale_window_is_refused_with_both_texts(author_client, student, course):
    draft = DraftFactory(course=course, author=student, body="Start.")
    first = send(author_client, autosave_url(draft), "Start. From window A.", title=draft.title).json()
    response = send(
        author_client, autosave_url(draft), "Start. From window B.", window=WINDOW_B, title=draft.title
    )
    assert response.status_code == 409
    answer = response.json()
    assert answer["conflict"]["body"] == "Start. From window A."
    assert answer["yours"]["body"] == "Start. From window B."
    # The marker to keep B's text: the version A made, with B's own window.
    assert answer["conflict"]["marker"] == f"{first['marker'].split('.')[0]}.{WINDOW_B}"
    draft.refresh_from_db()
    assert draft.body == "Start. From window A."
    kept = send(
        author_client,
        autosave_url(draft),
        "Start. From window B.",
        version=2,
        window=WINDOW_B,
        title=draft.title,
    )
    assert kept.status_code == 200
    draft.refresh_from_db()
    assert draft.body == "Start. From window B."


def test_the_first_autosave_of_a_new_post_makes_its_draft(author_client, student, course):
    response = send(author_client, autosave_url(course=course), "The first words of an essay.", title="")
    assert response.status_code == 200
    draft = Post.objects.get(course=course, author=student)
    assert draft.status == Post.Status.DRAFT and draft.body == "The first words of an essay."
    answer = response.json()
    assert answer["edit_url"] == draft.get_edit_url()
    assert answer["autosave_url"] == autosave_url(draft)
    # The page now edits that draft: the next autosave goes to its own address.
    send(
        author_client,
        answer["autosave_url"],
        "The first words of an essay, and more.",
        version=1,
        title="Essay",
    )
    draft.refresh_from_db()
    assert (draft.title, draft.body) == ("Essay", "The first words of an essay, and more.")
    assert Post.objects.filter(course=course).count() == 1


@pytest.mark.parametrize(
    "fields",
    [
        {"marker": ""},
        {"marker": "banana"},
        {"marker": "1.not-hex-at-all!"},
        {"body": "x" * 100_001},
        {"title": "t" * 201},
    ],
)
def test_bad_input_is_a_400_in_json(author_client, student, course, fields):
    draft = DraftFactory(course=course, author=student, body="Kept.")
    data = {"title": "T", "body": "B", "marker": marker(0), **fields}
    response = author_client.post(autosave_url(draft), data)
    assert response.status_code == 400
    assert response.json()["error"]
    draft.refresh_from_db()
    assert draft.body == "Kept."


def test_autosave_is_rate_limited_with_a_budget_for_every_few_seconds(
    author_client, student, course, settings
):
    draft = DraftFactory(course=course, author=student)
    for n in range(30):  # one every 2 seconds for a minute
        assert send(author_client, autosave_url(draft), f"Draft {n}.", version=n + 1).status_code == 200
    refused = send(author_client, autosave_url(draft), "One too many.", version=99)
    assert refused.status_code == 429
    assert "kept on this device" in refused.json()["error"]


def test_autosave_needs_csrf(student, course):
    draft = DraftFactory(course=course, author=student)
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    assert send(client, autosave_url(draft), "Words.").status_code == 403


def test_who_may_autosave(client, student, course, members_only_course):
    draft = DraftFactory(course=course, author=student, body="Mine.")
    url = autosave_url(draft)
    assert client.get(url).status_code == 405
    anonymous = send(client, url, "x")
    assert anonymous.status_code == 302 and reverse("login") in anonymous["Location"]
    client.force_login(MembershipFactory(course=course).user)
    assert send(client, url, "x").status_code == 404  # a classmate cannot see the draft
    published = PostFactory(course=course, author=student)
    assert send(client, autosave_url(published), "x").status_code == 403  # sees it, may not edit it
    client.force_login(InstructorFactory(course=course).user)
    assert send(client, url, "x").status_code == 403
    hidden = DraftFactory(course=members_only_course)
    client.force_login(MembershipFactory(course=course).user)
    assert send(client, autosave_url(hidden), "x").status_code == 404
    draft.refresh_from_db()
    assert draft.body == "Mine."
    assert not Revision.objects.filter(post=draft).exists()
