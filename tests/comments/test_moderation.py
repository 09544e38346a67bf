"""Every moderation rule, the edit window, and abuse limits."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from comments import services
from comments.models import Comment, CommentRevision
from tests.factories import CommentFactory, CourseFactory, InstructorFactory, MembershipFactory, PostFactory

from .conftest import comment_action_url, create_url

pytestmark = pytest.mark.django_db


def at(hour, minute, second=0):
    """A moment tomorrow (the test posts are published an hour before the real now)."""
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    return tomorrow.replace(hour=hour, minute=minute, second=second, microsecond=0)


def count_of(post):
    post.refresh_from_db()
    return post.comment_count


# --- what is held ------------------------------------------------------------------------


def test_first_comment_is_held_until_an_instructor_approves_one(post, member, instructor):
    first = services.comment_create(post=post, author=member, body="My first comment")
    assert first.status == Comment.Status.PENDING
    second = services.comment_create(post=post, author=member, body="Still waiting")
    assert second.status == Comment.Status.PENDING
    services.comment_approve(comment=first, by=instructor)
    third = services.comment_create(post=post, author=member, body="Now I am trusted")
    assert third.status == Comment.Status.APPROVED


def test_first_comment_hold_is_a_course_setting(course, post, member):
    course.moderate_first_comment = False
    course.save()
    assert services.comment_create(post=post, author=member, body="hi").status == Comment.Status.APPROVED


def test_approval_in_another_course_does_not_count(post, member):
    other_course = CourseFactory()
    MembershipFactory(course=other_course, user=member)
    CommentFactory(post=PostFactory(course=other_course), author=member)
    assert services.comment_create(post=post, author=member, body="hi").status == Comment.Status.PENDING


def test_more_than_two_links_is_held_even_for_a_trusted_member(post, trusted_member):
    two = "See [a](https://a.example) and [b](https://b.example)."
    three = two + " And [c](https://c.example)."
    assert services.comment_create(post=post, author=trusted_member, body=two).is_approved
    assert services.comment_create(post=post, author=trusted_member, body=three).is_pending


def test_instructor_comments_are_never_held(post, instructor):
    comment = services.comment_create(post=post, author=instructor, body="Wonderful post.")
    assert comment.is_approved
    assert count_of(post) == 1


def test_count_follows_every_status_change(post, member, instructor):
    comment = services.comment_create(post=post, author=member, body="held")
    assert count_of(post) == 0
    services.comment_approve(comment=comment, by=instructor)
    assert count_of(post) == 1
    services.comment_mark_spam(comment=comment, by=instructor)
    assert count_of(post) == 0
    services.comment_approve(comment=comment, by=instructor)
    assert count_of(post) == 1
    services.comment_remove(comment=comment, by=instructor)
    assert count_of(post) == 0
    assert Comment.objects.filter(pk=comment.pk, status=Comment.Status.REMOVED).exists()


# --- moderating from the post page ----------------------------------------------------------


def test_instructor_approves_from_the_post_page(client, post, member, instructor):
    comment = services.comment_create(post=post, author=member, body="held")
    client.force_login(instructor)
    response = client.post(comment_action_url("moderate", comment), {"action": "approve"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.is_approved and comment.moderated_by == instructor
    page = client.get(post.get_absolute_url()).content.decode()
    assert "1 Response to" in page


@pytest.mark.parametrize("action", ["spam", "remove"])
def test_instructor_marks_spam_or_removes_and_the_row_stays(client, post, instructor, action):
    comment = CommentFactory(post=post, body="Suspicious")
    client.force_login(instructor)
    client.post(comment_action_url("moderate", comment), {"action": action})
    comment.refresh_from_db()
    assert comment.status == {"spam": "spam", "remove": "removed"}[action]
    assert "Suspicious" not in client.get(post.get_absolute_url()).content.decode()


@pytest.mark.parametrize("who", ["member", "author", "other_instructor"])
def test_only_the_course_instructors_moderate(client, post, who):
    comment = CommentFactory(post=post)
    users = {
        "member": MembershipFactory(course=post.course).user,
        "author": comment.author,
        "other_instructor": InstructorFactory(course=CourseFactory()).user,
    }
    client.force_login(users[who])
    response = client.post(comment_action_url("moderate", comment), {"action": "spam"})
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.is_approved


def test_instructor_of_another_course_gets_404_on_a_members_only_course(client, members_only_course):
    comment = CommentFactory(post=PostFactory(course=members_only_course))
    client.force_login(InstructorFactory(course=CourseFactory()).user)
    assert client.post(comment_action_url("moderate", comment), {"action": "spam"}).status_code == 404


def test_moderation_is_post_only(client, post, instructor):
    comment = CommentFactory(post=post)
    client.force_login(instructor)
    assert client.get(comment_action_url("moderate", comment)).status_code == 405


# --- the author's own comment: edit window and removal ------------------------------------------


def test_author_edits_within_the_window_and_readers_see_edited(client, post, trusted_member, instructor):
    with time_machine.travel(at(10, 0), tick=False):
        comment = services.comment_create(post=post, author=trusted_member, body="Frist!")
    client.force_login(trusted_member)
    with time_machine.travel(at(10, 14), tick=False):
        assert client.get(comment_action_url("edit", comment)).status_code == 200
        response = client.post(comment_action_url("edit", comment), {"body": "First, and a better point."})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "First, and a better point."
    assert comment.edited_at is not None
    item = client.get(post.get_absolute_url()).content.decode()
    assert "(edited)" in item
    revision = CommentRevision.objects.get(comment=comment)
    assert revision.body == "Frist!"
    client.force_login(instructor)
    history = client.get(comment_action_url("history", comment))
    assert history.status_code == 200
    assert "Frist!" in history.content.decode()


def test_edit_window_closes_after_fifteen_minutes(client, post, trusted_member):
    with time_machine.travel(at(10, 0), tick=False):
        comment = services.comment_create(post=post, author=trusted_member, body="Original")
    client.force_login(trusted_member)
    with time_machine.travel(at(10, 15, 1), tick=False):
        response = client.post(comment_action_url("edit", comment), {"body": "Too late"})
        page = client.get(post.get_absolute_url()).content.decode()
    assert response.status_code == 403
    assert "15 minutes" in response.content.decode()
    assert comment_action_url("edit", comment) not in page
    comment.refresh_from_db()
    assert comment.body == "Original"


def test_edit_window_is_a_setting(client, settings, post, trusted_member):
    settings.COMMENT_EDIT_WINDOW_MINUTES = 60
    with time_machine.travel(at(10, 0), tick=False):
        comment = services.comment_create(post=post, author=trusted_member, body="Original")
    client.force_login(trusted_member)
    with time_machine.travel(at(10, 45), tick=False):
        assert client.post(comment_action_url("edit", comment), {"body": "Later"}).status_code == 302


def test_nobody_else_edits_or_reads_history(client, post, member, trusted_member):
    comment = services.comment_create(post=post, author=trusted_member, body="Mine")
    client.force_login(member)
    assert client.post(comment_action_url("edit", comment), {"body": "Hijacked"}).status_code == 403
    assert client.get(comment_action_url("history", comment)).status_code == 403
    comment.refresh_from_db()
    assert comment.body == "Mine"


def test_failed_edit_keeps_the_text(client, post, trusted_member):
    comment = services.comment_create(post=post, author=trusted_member, body="Mine")
    client.force_login(trusted_member)
    response = client.post(comment_action_url("edit", comment), {"body": "x" * 10_001})
    assert response.status_code == 400
    assert "at most 10000 characters" in response.content.decode()


def test_edit_that_adds_a_link_farm_goes_back_to_moderation(post, trusted_member):
    comment = services.comment_create(post=post, author=trusted_member, body="Innocent")
    assert count_of(post) == 2
    links = " ".join(f"[{n}](https://spam{n}.example)" for n in range(3))
    services.comment_edit(comment=comment, body=links, by=trusted_member)
    assert comment.is_pending
    assert count_of(post) == 1


def test_author_removes_own_comment_but_not_others(client, post, trusted_member, member):
    comment = services.comment_create(post=post, author=trusted_member, body="Regretted")
    client.force_login(member)
    assert client.post(comment_action_url("remove", comment)).status_code == 403
    client.force_login(trusted_member)
    assert client.post(comment_action_url("remove", comment)).status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.REMOVED
    assert "Regretted" not in client.get(post.get_absolute_url()).content.decode()


def test_nobody_sees_the_comments_of_a_members_only_course(client, members_only_course, outsider):
    comment = CommentFactory(post=PostFactory(course=members_only_course))
    client.force_login(outsider)
    assert client.post(comment_action_url("remove", comment)).status_code == 404
    assert client.get(comment_action_url("edit", comment)).status_code == 404


# --- abuse: rate limit, honeypot, duplicate ----------------------------------------------------


def test_rate_limit_refuses_politely_and_keeps_the_text(client, settings, post, trusted_member):
    settings.COMMENTS_RATE_LIMITS = ((60, 2), (3600, 60))
    client.force_login(trusted_member)
    with time_machine.travel(at(10, 0, 5), tick=False):
        for n in range(2):
            assert client.post(create_url(post), {"body": f"Comment {n}"}).status_code == 302
        response = client.post(create_url(post), {"body": "One too many"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "most we accept" in html
    assert "One too many" in html
    assert not Comment.objects.filter(body="One too many").exists()
    # The next minute the writer may post again.
    with time_machine.travel(at(10, 1, 5), tick=False):
        assert client.post(create_url(post), {"body": "One too many"}).status_code == 302


def guest(n):
    return {"guest_name": f"Guest {n}", "guest_email": f"guest{n}@example.org", "body": f"Hello {n}"}


def test_a_class_behind_one_address_is_limited_per_account_not_together(client, settings, course, post):
    """Six quick comments from one student must not refuse the classmates on the campus address."""
    settings.COMMENTS_RATE_LIMITS = ((60, 2),)
    course.moderate_first_comment = False
    course.save()
    with time_machine.travel(at(10, 0, 5), tick=False):
        eager = MembershipFactory(course=course).user
        client.force_login(eager)
        codes = [
            client.post(create_url(post), {"body": f"Mine {n}"}, REMOTE_ADDR="10.0.0.7").status_code
            for n in range(3)
        ]
        assert codes == [302, 302, 400]
        refused = client.post(create_url(post), {"body": "Mine again"}, REMOTE_ADDR="10.0.0.7")
        assert "You have posted 2 comments" in refused.content.decode()
        for n in range(3):
            client.force_login(MembershipFactory(course=course).user)
            answer = client.post(create_url(post), {"body": f"Classmate {n}"}, REMOTE_ADDR="10.0.0.7")
            assert answer.status_code == 302


def test_guests_are_limited_per_address(client, settings, course, post):
    settings.COMMENTS_RATE_LIMITS = ((60, 2),)
    course.allow_guest_comments = True
    course.save()
    with time_machine.travel(at(10, 0, 5), tick=False):
        codes = [
            client.post(create_url(post), guest(n), REMOTE_ADDR="10.0.0.7").status_code for n in range(3)
        ]
        assert codes == [302, 302, 400]
        assert client.post(create_url(post), guest(9), REMOTE_ADDR="10.0.0.8").status_code == 302


def test_honeypot_refuses_and_saves_nothing(client, post, trusted_member):
    client.force_login(trusted_member)
    response = client.post(create_url(post), {"body": "Bot text", "website": "http://spam.example"})
    assert response.status_code == 400
    assert "This field must stay empty" in response.content.decode()
    assert not Comment.objects.filter(body="Bot text").exists()


def test_same_text_twice_within_a_minute_is_refused_politely(client, post, trusted_member):
    client.force_login(trusted_member)
    start = at(10, 0, 0)
    with time_machine.travel(start, tick=False):
        assert client.post(create_url(post), {"body": "Great post!"}).status_code == 302
    with time_machine.travel(start + datetime.timedelta(seconds=30), tick=False):
        response = client.post(create_url(post), {"body": "Great  post!"})
    assert response.status_code == 400
    assert "same comment a moment ago" in response.content.decode()
    assert Comment.objects.filter(body="Great post!").count() == 1
    with time_machine.travel(start + datetime.timedelta(seconds=70), tick=False):
        assert client.post(create_url(post), {"body": "Great post!"}).status_code == 302


def test_a_resend_after_a_lost_answer_is_recognised_from_the_stored_comment(client, post, trusted_member):
    """The answer to a posted comment never arrived (a worker killed by a stalled mail server, a
    cache outage): nothing but the stored comment remembers it, and the resend must not be a twin."""
    from django.core.cache import cache

    client.force_login(trusted_member)
    assert client.post(create_url(post), {"body": "Sent once, answered never."}).status_code == 302
    cache.clear()
    response = client.post(create_url(post), {"body": "Sent once, answered never."})
    assert response.status_code == 400
    assert "same comment a moment ago" in response.content.decode()
    assert Comment.objects.filter(body="Sent once, answered never.").count() == 1


def test_reply_to_a_comment_that_is_not_approved_is_refused(post, member, trusted_member):
    held = services.comment_create(post=post, author=member, body="held")
    with pytest.raises(services.CommentRefused):
        services.comment_create(post=post, author=trusted_member, body="reply", parent=held)


def test_rate_limit_reads_the_proxy_header_when_configured(client, settings, course, post):
    settings.COMMENTS_RATE_LIMITS = ((60, 1),)
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    course.allow_guest_comments = True
    course.save()
    with time_machine.travel(at(10, 0, 5), tick=False):
        first = client.post(create_url(post), guest(1), REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="203.0.113.9")
        same_client = client.post(
            create_url(post), guest(2), REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="203.0.113.9"
        )
        other_client = client.post(
            create_url(post), guest(3), REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="198.51.100.4"
        )
    assert (first.status_code, same_client.status_code, other_client.status_code) == (302, 400, 302)
