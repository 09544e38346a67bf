import pytest
from django.db import transaction
from django.urls import reverse

from awards.services import award_grant

pytestmark = pytest.mark.django_db


def test_the_author_is_emailed_after_commit_with_the_note_and_an_absolute_link(
    post, instructor, red_star, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://blogs.example.edu"
    with django_capture_on_commit_callbacks(execute=True):
        award_grant(post=post, award_type=red_star, by=instructor, note="The best use of sources this week.")
        assert mailoutbox == []  # nothing leaves before the award is committed
    [email] = mailoutbox
    assert email.to == [post.author.email]
    assert email.subject == "Your post was awarded a “Red star”"
    assert "The best use of sources this week." in email.body
    assert f"https://blogs.example.edu{post.get_absolute_url()}" in email.body


def test_no_email_when_the_award_is_rolled_back(
    post, instructor, red_star, mailoutbox, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        award_grant(post=post, award_type=red_star, by=instructor)
        raise RuntimeError("something later failed")
    assert mailoutbox == []
    assert not post.awards.exists()


def test_awarding_in_the_browser_sends_one_email(
    client, post, editor, red_star, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    url = reverse("awards:give", kwargs={"course_slug": post.course.slug, "slug": post.slug})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"award_type": red_star.pk, "note": "Sharp."})
    assert [m.to for m in mailoutbox] == [[post.author.email]]
