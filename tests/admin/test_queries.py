"""Admin change lists run a fixed number of queries, however many rows an instructor sees."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import AwardFactory, CommentFactory, MembershipFactory, PostFactory


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_post_list_queries_do_not_grow_with_posts(course_a, client):
    course = course_a.course
    client.force_login(course_a.instructor)
    url = reverse("admin:posts_post_changelist")
    few = _count(client, url)
    for _ in range(15):
        post = PostFactory(course=course, category=course_a.objects["posts.category"])
        AwardFactory(post=post, award_type=course_a.objects["awards.awardtype"], given_by=course_a.instructor)
        CommentFactory(post=post)
    assert _count(client, url) == few


def test_membership_list_queries_do_not_grow_with_students(course_a, client):
    client.force_login(course_a.instructor)
    url = reverse("admin:courses_membership_changelist")
    few = _count(client, url)
    for _ in range(15):
        MembershipFactory(course=course_a.course)
    assert _count(client, url) == few


def test_course_page_queries_do_not_grow_with_students(course_a, client):
    client.force_login(course_a.instructor)
    url = reverse("admin:courses_course_change", args=[course_a.course.pk])
    client.get(url)  # the first request fills Django's per-process content-type cache
    few = _count(client, url)
    for _ in range(15):
        MembershipFactory(course=course_a.course)
    assert _count(client, url) == few
