"""Moderation in the admin: scoped to the instructor's courses, actions through the services."""

import pytest
from django.urls import reverse

from comments.models import Comment
from tests.factories import CommentFactory, CourseFactory, InstructorFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:comments_comment_changelist")


@pytest.fixture
def staff_instructor(course):
    user = InstructorFactory(course=course).user
    user.is_staff = True
    user.save()
    return user


def test_instructor_sees_only_the_comments_of_courses_they_teach(client, post, staff_instructor):
    mine = CommentFactory(post=post, body="In my course")
    CommentFactory(post=PostFactory(course=CourseFactory()), body="Somewhere else")
    client.force_login(staff_instructor)
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "In my course" in html
    assert "Somewhere else" not in html
    assert list(response.context["cl"].result_list) == [mine]


def test_instructor_cannot_open_another_courses_comment(client, staff_instructor):
    theirs = CommentFactory(post=PostFactory(course=CourseFactory()))
    client.force_login(staff_instructor)
    response = client.get(reverse("admin:comments_comment_change", args=[theirs.pk]))
    assert response.status_code == 404  # another course's comment is not found (courses/admin_scoping.py)
    assert Comment.objects.filter(pk=theirs.pk).exists()


def test_staff_who_teach_nothing_see_no_comments(client):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert client.get(CHANGELIST).status_code == 403


def test_superuser_sees_all_with_course_post_author_status_and_date(client, post):
    CommentFactory(post=post, body="One")
    CommentFactory(post=PostFactory(course=CourseFactory()), body="Two")
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.get(CHANGELIST)
    assert response.context["cl"].result_count == 2
    headers = [str(column["text"]).lower() for column in response.context["result_headers"]]
    for expected in ("course", "post", "author", "status", "created at"):
        assert expected in headers


def test_bulk_approve_uses_the_services_and_updates_the_count(client, post, staff_instructor):
    held = [CommentFactory(post=post, status=Comment.Status.PENDING) for _ in range(3)]
    client.force_login(staff_instructor)
    response = client.post(
        CHANGELIST,
        {"action": "approve", "_selected_action": [c.pk for c in held]},
        follow=True,
    )
    assert "3 comments approved." in response.content.decode()
    assert Comment.objects.filter(status=Comment.Status.APPROVED).count() == 3
    post.refresh_from_db()
    assert post.comment_count == 3


def test_bulk_spam_and_remove_keep_the_rows(client, post, staff_instructor):
    a, b = CommentFactory(post=post), CommentFactory(post=post)
    client.force_login(staff_instructor)
    client.post(CHANGELIST, {"action": "mark_spam", "_selected_action": [a.pk]})
    client.post(CHANGELIST, {"action": "remove", "_selected_action": [b.pk]})
    assert dict(Comment.objects.values_list("pk", "status")) == {a.pk: "spam", b.pk: "removed"}
    post.refresh_from_db()
    assert post.comment_count == 0


def test_no_delete_in_the_admin(client, post, staff_instructor):
    comment = CommentFactory(post=post)
    client.force_login(staff_instructor)
    response = client.get(CHANGELIST)
    assert "delete_selected" not in response.content.decode()
    delete = client.post(reverse("admin:comments_comment_delete", args=[comment.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_instructor_cannot_act_on_another_courses_comment(client, staff_instructor):
    theirs = CommentFactory(post=PostFactory(course=CourseFactory()))
    client.force_login(staff_instructor)
    client.post(CHANGELIST, {"action": "mark_spam", "_selected_action": [theirs.pk]})
    theirs.refresh_from_db()
    assert theirs.is_approved


def test_search_and_status_filter(client, post, staff_instructor):
    CommentFactory(post=post, body="About the Gulag")
    CommentFactory(post=post, body="About corn", status=Comment.Status.PENDING)
    client.force_login(staff_instructor)
    found = client.get(CHANGELIST, {"q": "gulag"})
    assert found.context["cl"].result_count == 1
    pending = client.get(CHANGELIST, {"status__exact": "pending"})
    assert [c.body for c in pending.context["cl"].result_list] == ["About corn"]


def test_a_posts_admin_page_lists_its_comments_in_a_fixed_number_of_queries(
    client, post, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from courses.services import instructor_grant

    instructor = InstructorFactory(course=post.course).user
    instructor_grant(user=instructor)
    client.force_login(instructor)
    url = reverse("admin:posts_post_change", args=[post.pk])
    CommentFactory(post=post, body="The first answer")
    client.get(url)  # warm the per-process caches (content types, permissions)
    with CaptureQueriesContext(connection) as one:
        page = client.get(url).content.decode()
    assert "The first answer" in page
    for n in range(19):
        CommentFactory(post=post, body=f"Answer {n}")
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(url).content.decode()
    assert "Answer 18" in page
    # Comments are written on the site only: the inline offers no empty row to add one.
    assert 'name="comments-TOTAL_FORMS" value="20"' in page
    assert 'name="comments-MAX_NUM_FORMS" value="0"' in page
