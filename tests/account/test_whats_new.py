"""The "What's new" page: newest first, paginated, read with one click, counted in the navigation."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from account import services
from account.models import Notice
from comments import services as comment_services
from tests.factories import AwardFactory, CommentFactory, NoticeFactory, PostFactory, UserFactory

from .conftest import COURSES, WHATS_NEW, nav_link, notice_lines, soup

pytestmark = pytest.mark.django_db


def open_url(notice):
    return reverse("account:notice-open", kwargs={"pk": notice.pk})


def test_the_page_needs_a_login(client):
    response = client.get(WHATS_NEW)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_notices_are_listed_newest_first_with_what_they_are_about(client, post):
    now = timezone.now()
    older = NoticeFactory(post=post, created_at=now - datetime.timedelta(hours=2))
    award = AwardFactory(post=post)
    NoticeFactory(
        post=post, kind="award", comment=None, award=award, created_at=now - datetime.timedelta(hours=1)
    )
    client.force_login(post.author)
    page = client.get(WHATS_NEW)
    commenter = older.comment.author.memberships.get().display_name
    assert notice_lines(page) == [
        (f"Your post “{post.title}” was awarded a “{award.award_type.name}”", True),
        (f"{commenter} commented on your post “{post.title}”", True),
    ]
    forms = soup(page).select("ul.notices form")
    assert [form["action"] for form in forms][1] == open_url(older)
    assert all(form["method"] == "post" for form in forms)
    assert f"in {post.course.title}" in page.content.decode()


def test_opening_a_notice_marks_it_read_and_leads_to_the_comment(client, post):
    notice = NoticeFactory(post=post)
    other = NoticeFactory(post=post)
    client.force_login(post.author)
    assert nav_link(client.get(COURSES)) == "What's new (2 unread)"
    response = client.post(open_url(notice))
    assert response.status_code == 302
    assert response["Location"] == f"{post.get_absolute_url()}#comment-{notice.comment_id}"
    notice.refresh_from_db()
    other.refresh_from_db()
    assert notice.read_at is not None and other.read_at is None
    page = client.get(WHATS_NEW)
    assert nav_link(page) == "What's new (1 unread)"
    assert [is_new for _, is_new in notice_lines(page)] == [True, False]


def test_an_award_notice_leads_to_the_post(client, post):
    notice = NoticeFactory(post=post, kind="award", comment=None, award=AwardFactory(post=post))
    client.force_login(post.author)
    assert client.post(open_url(notice))["Location"] == post.get_absolute_url()


def test_opening_is_a_post_and_only_for_ones_own_notices(client, post):
    notice = NoticeFactory(post=post)
    client.force_login(post.author)
    assert client.get(open_url(notice)).status_code == 405
    client.force_login(UserFactory())
    assert client.post(open_url(notice)).status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_mark_all_as_read_in_one_click(client, post):
    mine = [NoticeFactory(post=post) for _ in range(3)]
    someone_elses = NoticeFactory(post=PostFactory(course=post.course))
    client.force_login(post.author)
    page = client.get(WHATS_NEW)
    button = soup(page).find("button", string="Mark all as read")
    assert button.find_parent("form")["action"] == reverse("account:notices-read")
    response = client.post(reverse("account:notices-read"), follow=True)
    assert "Everything is marked as read." in response.content.decode()
    assert nav_link(response) == "What's new"
    assert all(not is_new for _, is_new in notice_lines(response))
    assert Notice.objects.filter(pk__in=[n.pk for n in mine], read_at__isnull=True).count() == 0
    someone_elses.refresh_from_db()
    assert someone_elses.read_at is None
    assert soup(response).find("button", string="Mark all as read") is None
    assert client.get(reverse("account:notices-read")).status_code == 405


def test_a_new_reply_is_counted_in_the_navigation_of_every_page(
    client, post, classmate, django_capture_on_commit_callbacks
):
    client.force_login(post.author)
    assert nav_link(client.get(post.get_absolute_url())) == "What's new"
    with django_capture_on_commit_callbacks(execute=True):
        comment_services.comment_create(post=post, author=classmate, body="A reply for you.")
    for url in (COURSES, post.get_absolute_url(), post.course.get_absolute_url()):
        assert nav_link(client.get(url)) == "What's new (1 unread)", url


def test_anonymous_readers_have_no_whats_new_link(client, post):
    assert nav_link(client.get(COURSES)) is None


def test_the_page_is_paginated_and_a_bad_page_is_a_404(client, post):
    for _ in range(25):
        NoticeFactory(post=post)
    client.force_login(post.author)
    assert len(notice_lines(client.get(WHATS_NEW))) == 20
    second = client.get(WHATS_NEW, {"page": 2})
    assert len(notice_lines(second)) == 5
    assert "Page 2 of 2" in second.content.decode()
    for page in ("3", "0", "abc", "-1", "9" * 40):
        assert client.get(WHATS_NEW, {"page": page}).status_code == 404, page


def test_an_empty_page_says_so(client, student):
    client.force_login(student)
    page = client.get(WHATS_NEW)
    assert "Nothing yet." in page.content.decode()
    assert soup(page).find("button", string="Mark all as read") is None


def _page_queries(client):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(WHATS_NEW).status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def test_the_page_runs_the_same_queries_for_1_and_50_notices(client, post):
    client.force_login(post.author)
    NoticeFactory(post=post)
    few = _page_queries(client)
    for i in range(49):
        if i % 2:
            NoticeFactory(post=PostFactory(course=post.course, author=post.author))
        else:
            NoticeFactory(post=post, kind="award", comment=None, award=AwardFactory(post=post))
    many = _page_queries(client)
    assert len(few) == len(many), "\n\n".join(["1:", *few, "50:", *many])
    assert len(notice_lines(client.get(WHATS_NEW))) == 20


def test_with_the_shared_cache_the_count_costs_no_query_until_something_changes(settings, client, post):
    settings.ANONYMOUS_PAGE_CACHE = True  # caching on, as with Redis
    NoticeFactory(post=post)
    client.force_login(post.author)
    assert nav_link(client.get(COURSES)) == "What's new (1 unread)"
    with CaptureQueriesContext(connection) as captured:
        client.get(COURSES)
    assert not [q for q in captured.captured_queries if "account_notice" in q["sql"]]
    # A new notice and a read show at once.
    services.notices_for_comment(comment=CommentFactory(post=post), held=False)
    assert nav_link(client.get(COURSES)) == "What's new (2 unread)"
    client.post(reverse("account:notices-read"))
    assert nav_link(client.get(COURSES)) == "What's new"
