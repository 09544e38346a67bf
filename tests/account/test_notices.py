"""In-site notices: the same events and the same people as the comment and award emails."""

import pytest
from django.contrib.auth import get_user_model

from account.models import Notice
from awards import services as award_services
from comments import services as comment_services
from comments.models import Comment
from courses.models import Membership
from posts import services as post_services
from tests.factories import (
    AwardFactory,
    AwardTypeFactory,
    CommentFactory,
    DraftFactory,
    InstructorFactory,
)

from .conftest import WHATS_NEW, nav_link, notice_lines

pytestmark = pytest.mark.django_db


def news_of(user):
    """(kind, comment or award) of each notice the user would see, oldest first."""
    return [
        (n.kind, n.comment_id or n.award_id)
        for n in Notice.objects.shown_to(user).order_by("created_at", "pk")
    ]


def test_a_comment_on_my_post_shows_in_whats_new_and_the_count(
    client, post, classmate, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        comment = comment_services.comment_create(post=post, author=classmate, body="Good sources.")
    assert news_of(post.author) == [("comment_on_post", comment.pk)]
    client.force_login(post.author)
    page = client.get(WHATS_NEW)
    assert notice_lines(page) == [(f"Classmate Cora commented on your post “{post.title}”", True)]
    assert nav_link(page) == "What's new (1 unread)"


def test_a_reply_to_my_comment_tells_me_and_the_posts_author(
    post, classmate, instructor, django_capture_on_commit_callbacks
):
    parent = CommentFactory(post=post, author=classmate)
    with django_capture_on_commit_callbacks(execute=True):
        reply = comment_services.comment_create(
            post=post, author=instructor, body="An answer.", parent=parent
        )
    assert news_of(classmate) == [("reply", reply.pk)]
    assert news_of(post.author) == [("comment_on_post", reply.pk)]
    assert news_of(instructor) == []


def test_a_reply_to_the_authors_own_comment_on_their_post_is_one_notice(
    post, classmate, django_capture_on_commit_callbacks
):
    parent = CommentFactory(post=post, author=post.author)
    with django_capture_on_commit_callbacks(execute=True):
        reply = comment_services.comment_create(post=post, author=classmate, body="Agreed.", parent=parent)
    assert news_of(post.author) == [("reply", reply.pk)]


def test_nobody_hears_of_their_own_comment_or_reply(post, django_capture_on_commit_callbacks):
    post.course.moderate_first_comment = False
    post.course.save()
    with django_capture_on_commit_callbacks(execute=True):
        mine = comment_services.comment_create(post=post, author=post.author, body="Thanks, everyone.")
        comment_services.comment_create(
            post=post, author=post.author, body="And a second thought.", parent=mine
        )
    assert Notice.objects.count() == 0


def test_a_held_comment_tells_nobody_until_approved_then_its_author_and_the_posts(
    client, post, newcomer, instructor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        comment = comment_services.comment_create(post=post, author=newcomer, body="First time here.")
    assert comment.status == Comment.Status.PENDING
    assert Notice.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        comment_services.comment_approve(comment=comment, by=instructor)
    assert news_of(newcomer) == [("approved", comment.pk)]
    assert news_of(post.author) == [("comment_on_post", comment.pk)]
    client.force_login(newcomer)
    assert notice_lines(client.get(WHATS_NEW)) == [(f"Your comment on “{post.title}” is now published", True)]


def test_a_second_approval_tells_nobody_again(post, newcomer, instructor, django_capture_on_commit_callbacks):
    comment = CommentFactory(post=post, author=newcomer, status=Comment.Status.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        comment_services.comment_approve(comment=comment, by=instructor)
        comment_services.comment_approve(comment=comment, by=instructor)
        comment_services.comment_edit(comment=comment, body="Edited, still approved.", by=newcomer)
    assert Notice.objects.filter(comment=comment).count() == 2  # the approval, and the post's author


def test_approving_ones_own_held_comment_is_no_news_to_oneself(
    post, newcomer, django_capture_on_commit_callbacks
):
    comment = CommentFactory(post=post, author=newcomer, status=Comment.Status.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        comment_services.comment_approve(comment=comment, by=newcomer)
    assert news_of(newcomer) == []
    assert news_of(post.author) == [("comment_on_post", comment.pk)]


def test_spam_put_back_tells_the_post_author_but_is_not_an_approval(
    post, newcomer, instructor, django_capture_on_commit_callbacks
):
    comment = CommentFactory(post=post, author=newcomer, status=Comment.Status.SPAM)
    with django_capture_on_commit_callbacks(execute=True):
        comment_services.comment_approve(comment=comment, by=instructor)
    assert news_of(newcomer) == []
    assert news_of(post.author) == [("comment_on_post", comment.pk)]


def test_a_guests_comment_is_told_by_the_guests_name(
    client, post, instructor, django_capture_on_commit_callbacks
):
    post.course.allow_guest_comments = True
    post.course.save()
    with django_capture_on_commit_callbacks(execute=True):
        comment = comment_services.comment_create(
            post=post, body="From outside.", guest_name="Visiting Vera", guest_email="vera@example.org"
        )
        comment_services.comment_approve(comment=comment, by=instructor)
    client.force_login(post.author)
    assert notice_lines(client.get(WHATS_NEW)) == [
        (f"Visiting Vera commented on your post “{post.title}”", True)
    ]


def test_nothing_before_the_transaction_commits(post, classmate, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        comment_services.comment_create(post=post, author=classmate, body="Pending commit.")
    assert Notice.objects.count() == 0
    for callback in callbacks:  # the commit happens
        callback()
    assert Notice.objects.filter(recipient=post.author).count() == 1


def test_a_member_who_left_the_course_hears_nothing(
    post, classmate, instructor, django_capture_on_commit_callbacks
):
    parent = CommentFactory(post=post, author=classmate)
    Membership.objects.filter(course=post.course, user__in=[classmate, post.author]).delete()
    with django_capture_on_commit_callbacks(execute=True):
        comment_services.comment_create(post=post, author=instructor, body="Anyone there?", parent=parent)
    assert Notice.objects.count() == 0


def test_nobody_hears_of_a_comment_on_a_post_they_cannot_see(
    post, classmate, instructor, django_capture_on_commit_callbacks
):
    parent = CommentFactory(post=post, author=classmate)
    post_services.post_unpublish(post=post)  # a draft again: only its author and the instructors see it
    with django_capture_on_commit_callbacks(execute=True):
        reply = comment_services.comment_create(
            post=post, author=instructor, body="On the draft.", parent=parent
        )
    assert news_of(classmate) == []
    assert news_of(post.author) == [("comment_on_post", reply.pk)]


def test_a_notice_drops_out_when_its_comment_is_removed(
    client, post, classmate, instructor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        comment = comment_services.comment_create(post=post, author=classmate, body="Buy cheap watches.")
    client.force_login(post.author)
    assert nav_link(client.get(WHATS_NEW)) == "What's new (1 unread)"
    comment_services.comment_mark_spam(comment=comment, by=instructor)
    page = client.get(WHATS_NEW)
    assert notice_lines(page) == []
    assert nav_link(page) == "What's new"


def test_leaving_the_course_hides_its_notices(client, post, classmate, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        comment_services.comment_create(post=post, author=classmate, body="Nice.")
    Membership.objects.filter(course=post.course, user=post.author).delete()
    client.force_login(post.author)
    assert notice_lines(client.get(WHATS_NEW)) == []


def test_my_awarded_post_is_a_notice(client, post, instructor, django_capture_on_commit_callbacks):
    award_type = AwardTypeFactory(course=post.course, name="Red star")
    with django_capture_on_commit_callbacks(execute=True):
        award = award_services.award_grant(post=post, award_type=award_type, by=instructor)
    assert news_of(post.author) == [("award", award.pk)]
    assert news_of(instructor) == []
    client.force_login(post.author)
    page = client.get(WHATS_NEW)
    assert notice_lines(page) == [(f"Your post “{post.title}” was awarded a “Red star”", True)]
    award_services.award_revoke(award=award, by=instructor)
    assert notice_lines(client.get(WHATS_NEW)) == []


def test_an_award_given_by_the_author_is_no_news_to_them(post, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        AwardFactory(post=post, given_by=post.author)  # the rules refuse it; the notice rule holds anyway
    assert Notice.objects.count() == 0


def test_a_deactivated_account_gets_no_notices(post, classmate, django_capture_on_commit_callbacks):
    get_user_model().objects.filter(pk=post.author.pk).update(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        comment_services.comment_create(post=post, author=classmate, body="Hello?")
    assert Notice.objects.count() == 0


def test_an_instructor_hears_of_comments_on_their_draft(
    course, classmate, django_capture_on_commit_callbacks
):
    teacher = InstructorFactory(course=course).user
    draft = DraftFactory(course=course, author=teacher)
    with django_capture_on_commit_callbacks(execute=True):
        comment = comment_services.comment_create(
            post=draft, author=classmate, body="A thought on the draft."
        )
    assert news_of(teacher) == [("comment_on_post", comment.pk)]
