"""Comment emails: who gets which, after commit, with a comment link and a working mute link."""

import re

import pytest
from django.urls import reverse

from comments import services
from comments.models import NotificationPreference, PostMute
from tests.factories import MembershipFactory

from .conftest import create_url

pytestmark = pytest.mark.django_db

SITE = "https://blog.example.edu"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def mute_link(message):
    return re.search(rf"{SITE}(/comments/mute/\S+/)", message.body).group(1)


def test_post_author_hears_of_a_new_approved_comment(
    post, trusted_member, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        comment = services.comment_create(post=post, author=trusted_member, body="Loved the sources.")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [post.author.email]
    assert "Trusted Tom commented" in message.subject
    assert "Loved the sources." in message.body
    assert f"{SITE}{comment.get_absolute_url()}" in message.body
    assert mute_link(message)


def test_no_email_before_the_transaction_commits(
    post, trusted_member, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.comment_create(post=post, author=trusted_member, body="Pending commit")
    assert mailoutbox == []
    for callback in callbacks:  # the commit happens
        callback()
    assert [m.to for m in mailoutbox] == [[post.author.email]]


def test_comment_author_hears_of_a_reply(
    post, trusted_member, instructor, mailoutbox, django_capture_on_commit_callbacks
):
    parent = services.comment_create(post=post, author=trusted_member, body="A question?")
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(post=post, author=instructor, body="An answer.", parent=parent)
    recipients = sorted(address for message in mailoutbox for address in message.to)
    assert recipients == sorted([trusted_member.email, post.author.email])
    reply_mail = next(m for m in mailoutbox if m.to == [trusted_member.email])
    assert "replied to your comment" in reply_mail.subject


def test_nobody_is_told_of_their_own_comment(post, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post.course.moderate_first_comment = False
        post.course.save()
        services.comment_create(post=post, author=post.author, body="Thanks, everyone.")
    assert mailoutbox == []


def test_held_comment_tells_instructors_then_its_author_on_approval(
    post, member, instructor, mailoutbox, django_capture_on_commit_callbacks
):
    second_instructor = MembershipFactory(course=post.course, role="instructor").user
    with django_capture_on_commit_callbacks(execute=True):
        comment = services.comment_create(post=post, author=member, body="First time here")
    assert sorted(m.to[0] for m in mailoutbox) == sorted([instructor.email, second_instructor.email])
    assert all("awaits moderation" in m.subject for m in mailoutbox)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_approve(comment=comment, by=instructor)
    by_recipient = {m.to[0]: m for m in mailoutbox}
    assert "is now published" in by_recipient[member.email].subject
    assert "commented on" in by_recipient[post.author.email].subject


def test_a_kind_turned_off_in_settings_is_not_sent(
    client, post, trusted_member, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(post.author)
    page = client.get(reverse("comments:notification-settings"))
    assert "Someone comments on my post" in page.content.decode()
    response = client.post(
        reverse("comments:notification-settings"),
        {"on_reply": "on", "on_approved": "on", "on_moderation": "on"},
    )
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=post.author).on_comment_on_my_post is False
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(post=post, author=trusted_member, body="Nobody is told")
    assert mailoutbox == []


def test_settings_page_needs_login(client):
    response = client.get(reverse("comments:notification-settings"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_mute_link_stops_that_posts_emails_with_one_click_on_its_page(
    client, post, trusted_member, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(post=post, author=trusted_member, body="One")
    link = mute_link(mailoutbox[0])
    response = client.get(link)  # from the email: no login needed
    assert response.status_code == 200
    assert "Stop emails about this post" in response.content.decode()
    # Opening the link changes nothing (mail scanners open links); the button does.
    assert not PostMute.objects.filter(user=post.author, post=post).exists()
    response = client.post(link, {"action": "mute"})
    assert "No more emails about this post" in response.content.decode()
    assert PostMute.objects.filter(user=post.author, post=post).exists()
    assert "No more emails about this post" in client.get(link).content.decode()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(post=post, author=trusted_member, body="Two")
    assert mailoutbox == []
    # Undo from the same page.
    client.post(link, {"action": "unmute"})
    assert not PostMute.objects.filter(user=post.author, post=post).exists()


def test_tampered_mute_link_is_refused(
    client, post, trusted_member, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(post=post, author=trusted_member, body="One")
    link = mute_link(mailoutbox[0])
    token = link.rstrip("/").rsplit("/", 1)[1]
    forged = link.replace(token, token[:-2] + ("aa" if not token.endswith("aa") else "bb"))
    response = client.get(forged)
    assert response.status_code == 400
    assert not PostMute.objects.exists()


def test_posting_through_the_site_sends_after_commit(
    client, post, trusted_member, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(trusted_member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(create_url(post), {"body": "Via the form"})
    assert [m.to for m in mailoutbox] == [[post.author.email]]


def test_every_page_links_a_logged_in_reader_to_their_email_choices(client, member):
    client.force_login(member)
    page = client.get(reverse("courses:list")).content.decode()
    assert f'href="{reverse("comments:notification-settings")}">Emails</a>' in page


def test_a_guest_name_with_a_line_break_still_reaches_the_posts_author(
    post, mailoutbox, django_capture_on_commit_callbacks
):
    from tests.factories import InstructorFactory

    post.course.allow_guest_comments = True
    post.course.save()
    instructor = InstructorFactory(course=post.course).user
    comment = services.comment_create(
        post=post, body="Hello", guest_name="Eve\nBcc: x@example.org", guest_email="e@x.org"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_approve(comment=comment, by=instructor)
    (message,) = [m for m in mailoutbox if post.author.email in m.to]
    assert "\n" not in message.subject
    assert message.subject.startswith("Eve Bcc: x@example.org commented on")
