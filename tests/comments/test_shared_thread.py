"""The parts of the post page most readers share come from the cache; each reader still sees their own page.

With caching on, the article (posts.templatetags.posts.post_article) and, for a
reader who moderates nothing, the comment section come from the course's
fragment cache, with Edit, Remove and the CSRF token filled in per reader.
Every test here compares against what the page says with caching off, or
checks what a reader would notice: a control on someone else's comment, a
comment missing after a change.
"""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from awards import services as award_services
from comments import services as comment_services
from comments.models import Comment
from posts import services as post_services
from posts.models import Tag
from tests.factories import (
    AwardTypeFactory,
    CommentFactory,
    CourseFactory,
    EditorialTermFactory,
    InstructorFactory,
    MembershipFactory,
    PostFactory,
    UserFactory,
)

CSRF_VALUE = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture(autouse=True)
def caching_on(settings):
    # The test settings use the per-process local-memory cache, where caching is off by default.
    settings.ANONYMOUS_PAGE_CACHE = True


def page(user, url, *, query=""):
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(url + query)
    assert response.status_code == 200
    # Each render masks the CSRF token afresh: the same secret, different characters.
    return CSRF_VALUE.sub('name="csrfmiddlewaretoken" value="T"', response.content.decode())


def thread_of(html):
    return html[html.index('<section id="comments"') : html.index('<div id="respond-home">')]


@pytest.fixture
def busy_post(course, student):
    """A thread with every kind of comment a reader can meet, and the readers who see it differently."""
    post = PostFactory(course=course, author=student)
    long_ago = timezone.now() - datetime.timedelta(hours=2)
    writer = MembershipFactory(course=course, display_name="Wendy Writer").user
    held_author = MembershipFactory(course=course, display_name="Harold Held").user
    first = CommentFactory(post=post, author=writer, body="My older point, past the edit window.")
    Comment.objects.filter(pk=first.pk).update(created_at=long_ago)
    reply = CommentFactory(post=post, parent=first, body="A reply to Wendy.")
    CommentFactory(post=post, parent=reply, author=writer, body="Wendy answers, just now.")
    removed = CommentFactory(post=post, status="removed", body="Removed text nobody may read.")
    CommentFactory(post=post, parent=removed, body="A reply under a removed comment.")
    held = CommentFactory(post=post, author=held_author, status="pending", body="Held words of Harold.")
    CommentFactory(post=post, parent=held, body="A reply under a held comment.")
    CommentFactory(post=post, status="spam", body="Buy cheap essays.")
    post.tags.add(Tag.objects.create(course=course, name="Thaw", slug="thaw"))
    red_star = AwardTypeFactory(course=course, name="Red star")
    award_services.award_grant(post=post, award_type=red_star, by=InstructorFactory(course=course).user)
    editor = MembershipFactory(course=course, display_name="Eddie Editor").user
    EditorialTermFactory(course=course, member=editor.memberships.get())
    return post, {"writer": writer, "held_author": held_author, "editor": editor}


def test_every_reader_sees_the_same_page_as_without_caching(
    settings, busy_post, student, instructor, outsider
):
    post, people = busy_post
    readers = {
        "anonymous": None,
        "outsider": outsider,
        "classmate": student,
        "writer of two comments": people["writer"],
        "author of a held comment": people["held_author"],
        "editor": people["editor"],
        "instructor": instructor,
    }
    url = post.get_absolute_url()
    for label, user in readers.items():
        settings.ANONYMOUS_PAGE_CACHE = False
        expected = page(
            user, url, query="?x=1"
        )  # a query the page cache ignores, so only the thread is cached
        settings.ANONYMOUS_PAGE_CACHE = True
        assert page(user, url, query="?x=1") == expected, label
        assert page(user, url, query="?x=1") == expected, f"{label}, from the cache"


def test_a_reader_gets_edit_and_remove_on_their_own_comments_only(busy_post, student):
    post, people = busy_post
    url = post.get_absolute_url()
    page(student, url)  # fills the cache as a classmate sees it
    writer_view = thread_of(page(people["writer"], url))
    assert writer_view.count('Remove<span class="visually-hidden"> your comment') == 2
    assert writer_view.count('Edit<span class="visually-hidden"> your comment') == 1  # only the recent one
    recent = Comment.objects.get(body="Wendy answers, just now.")
    assert f"/comments/{recent.pk}/edit/" in writer_view
    classmate_view = thread_of(page(student, url))
    assert "your comment" not in classmate_view  # the writer's controls never reach anyone else


def test_the_edit_link_goes_when_the_window_closes_though_the_thread_is_cached(settings, busy_post):
    post, people = busy_post
    url = post.get_absolute_url()
    assert "Edit<span" in thread_of(page(people["writer"], url))
    settings.COMMENT_EDIT_WINDOW_MINUTES = 0
    view = thread_of(page(people["writer"], url))
    assert "Edit<span" not in view
    assert "Remove<span" in view


def test_the_author_of_a_held_comment_sees_it_and_others_do_not(busy_post, student):
    post, people = busy_post
    url = post.get_absolute_url()
    assert "Held words of Harold." not in page(student, url)
    mine = page(people["held_author"], url)
    assert "Held words of Harold." in mine
    assert "Your comment is awaiting moderation." in mine
    assert "Held words of Harold." not in page(student, url)


def test_moderators_get_their_controls_and_the_held_comment(busy_post, student, instructor):
    post, _people = busy_post
    url = post.get_absolute_url()
    page(student, url)
    view = page(instructor, url)
    assert "Held words of Harold." in view
    assert 'value="approve"' in view
    assert 'value="approve"' not in page(student, url)


def test_a_logged_in_reader_sees_changes_on_the_next_request(busy_post, student, instructor):
    post, people = busy_post
    url = post.get_absolute_url()
    page(student, url)
    comment_services.comment_create(post=post, author=instructor, body="The instructor adds a source.")
    assert "The instructor adds a source." in page(student, url)
    held = Comment.objects.get(body="Held words of Harold.")
    comment_services.comment_approve(comment=held, by=instructor)
    view = page(student, url)
    assert "Held words of Harold." in view
    wendy = Comment.objects.get(body="Wendy answers, just now.")
    comment_services.comment_remove(comment=wendy, by=instructor)
    assert "Wendy answers, just now." not in page(student, url)


def test_reply_links_follow_who_may_comment(busy_post, student, outsider):
    post, _people = busy_post
    url = post.get_absolute_url()
    assert "comment-reply-link" in page(student, url)  # a member's view is cached first
    assert "comment-reply-link" not in page(outsider, url)  # not a member: no Reply links
    assert "comment-reply-link" not in page(None, url + "?x=1")


def test_a_reply_opened_without_javascript_still_puts_the_form_under_its_comment(busy_post, student):
    post, _people = busy_post
    url = post.get_absolute_url()
    page(student, url)
    target = Comment.objects.get(body="A reply to Wendy.")
    html = page(student, url, query=f"?replyto={target.pk}")
    comment_at = html.index(f'id="comment-{target.pk}"')
    assert comment_at < html.index('id="respond"') < html.index("Wendy answers, just now.")


def test_a_cached_thread_costs_no_comment_query(busy_post, student):
    post, _people = busy_post
    url = post.get_absolute_url()
    client = Client()
    client.force_login(student)
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    assert not [q for q in captured.captured_queries if "comments_comment" in q["sql"]]


def test_threads_of_two_courses_never_mix(student):
    other_course = CourseFactory()
    here = PostFactory(course=MembershipFactory(user=student).course, author=student)
    there = PostFactory(course=other_course, author=MembershipFactory(course=other_course).user)
    CommentFactory(post=here, body="Said here.")
    CommentFactory(post=there, body="Said there.")
    assert "Said there." not in page(student, here.get_absolute_url())
    cache.clear()
    assert "Said here." not in page(None, there.get_absolute_url())


def test_the_form_from_a_cached_section_carries_a_working_token(busy_post, student):
    post, _people = busy_post
    url = post.get_absolute_url()
    page(student, url)  # the section is cached now
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    html = client.get(url).content.decode()
    form = html[html.index('class="comment-form"') :]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = client.post(
        reverse("comments:create", kwargs={"course_slug": post.course.slug, "post_slug": post.slug}),
        {"csrfmiddlewaretoken": token, "body": "Sent from a cached form.", "parent": "", "website": ""},
    )
    assert response.status_code == 302
    assert Comment.objects.filter(post=post, author=student, body="Sent from a cached form.").exists()


def test_the_article_shows_changes_to_a_logged_in_reader_on_the_next_request(busy_post, student, instructor):
    post, people = busy_post
    url = post.get_absolute_url()
    before = page(people["writer"], url)
    assert "Thaw" in before
    assert "award-banner" in before
    post.tags.add(Tag.objects.create(course=post.course, name="Gulag returnees", slug="gulag-returnees"))
    assert "Gulag returnees" in page(people["writer"], url)
    award = post.awards.get()
    award_services.award_revoke(award=award, by=instructor)
    assert "award-banner" not in page(people["writer"], url)
    membership = student.memberships.get(course=post.course)
    membership.display_name = "Renamed Rosa"
    membership.save()
    assert "Renamed Rosa" in page(people["writer"], url)
    post_services.post_unpublish(post=post)
    assert Client().get(url).status_code == 404


def test_the_article_needs_few_queries_once_cached(busy_post, student):
    post, _people = busy_post
    url = post.get_absolute_url()
    client = Client()
    client.force_login(student)
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    tables = " ".join(q["sql"] for q in captured.captured_queries)
    assert "posts_tag" not in tables  # the category line came from the cache
    assert "posts_category" not in tables


def test_a_student_joining_the_editorial_team_gets_the_award_control_on_the_next_request(busy_post, student):
    post, people = busy_post
    url = post.get_absolute_url()
    assert "award-controls" not in page(student, url)
    EditorialTermFactory(course=post.course, member=student.memberships.get(course=post.course))
    other = PostFactory(course=post.course, author=people["writer"])
    assert "award-controls" in page(student, other.get_absolute_url())
    assert "award-controls" not in page(student, url)  # still their own post: nobody awards their own


def test_a_member_removed_from_a_members_only_course_loses_it_on_the_next_request(members_only_course):
    author = MembershipFactory(course=members_only_course).user
    reader_membership = MembershipFactory(course=members_only_course)
    post = PostFactory(course=members_only_course, author=author)
    client = Client()
    client.force_login(reader_membership.user)
    assert client.get(post.get_absolute_url()).status_code == 200
    assert client.get(post.get_absolute_url()).status_code == 200  # membership and post from the cache
    reader_membership.delete()
    assert client.get(post.get_absolute_url()).status_code == 404


def test_a_made_up_post_address_leaves_nothing_in_the_cache(busy_post, student):
    post, _people = busy_post
    client = Client()
    client.force_login(student)
    made_up = post.get_absolute_url().replace(post.slug, "no-such-post")
    assert client.get(made_up).status_code == 404
    assert cache.get(f"pagecache:fragment:{post.course.slug}:en:post:no-such-post") is None
    assert cache.get(f"pagecache:fragment:{post.course.slug}:en:post:{post.slug}") is None  # not asked yet
    client.get(post.get_absolute_url())
    assert cache.get(f"pagecache:fragment:{post.course.slug}:en:post:{post.slug}") is not None


def test_a_logged_in_post_page_from_the_cache_asks_the_database_for_the_reader_only(
    busy_post, django_assert_num_queries
):
    post, people = busy_post
    client = Client()
    client.force_login(people["writer"])  # with own comments to fill in, the usual case
    url = post.get_absolute_url()
    client.get(url)
    with django_assert_num_queries(2):  # the session (kept in Redis in production) and the user
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("marker", ["__csrf_slot__", "csrfslot0123456789abcdef0123456789abcdef"])
def test_no_text_a_commenter_types_can_pull_another_readers_token_into_a_comment(busy_post, student, marker):
    post, people = busy_post
    CommentFactory(post=post, author=people["writer"], body=f"[my notes](https://notes.example/?t={marker})")
    url = post.get_absolute_url()
    for _ in range(2):  # rendered, then from the cache
        html = page(student, url)
        assert f'href="https://notes.example/?t={marker}"' in html
    anonymous = Client()
    anonymous.get(url)
    assert anonymous.get(url)["X-Page-Cache"] == "hit"  # no token was asked for on the anonymous page


def test_every_csrf_token_on_a_readers_page_is_their_own(busy_post, student):
    """Whoever filled the cache, a reader's forms carry their own token only, never another's."""
    post, people = busy_post
    url = post.get_absolute_url()
    for reader in (people["writer"], student, people["writer"], student):  # the second round from the cache
        client = Client()
        client.force_login(reader)
        html = client.get(url).content.decode()
        tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert len(tokens) >= 2  # the form, and Remove on the writer's comments or the header's Log out
        secret = client.cookies[django_settings.CSRF_COOKIE_NAME].value
        assert {_unmask_cipher_token(token) for token in tokens} == {secret}


@pytest.fixture
def leaky_comment_piece(settings):
    """As if someone added the reader's name and token to the piece of every comment that readers share."""
    name = "comments/includes/_comment_before.html"
    source = (Path(settings.BASE_DIR) / "templates" / name).read_text()
    reader = "{{ user.username }}{{ request.user.username }}{{ csrf_token }}{% csrf_token %}"
    leak = f'<i class="leak">{reader}</i>'
    engine = {**settings.TEMPLATES[0], "APP_DIRS": False}
    engine["OPTIONS"] = {
        **engine["OPTIONS"],
        "loaders": [
            ("django.template.loaders.locmem.Loader", {name: leak + source}),
            "django.template.loaders.filesystem.Loader",
            "django.template.loaders.app_directories.Loader",
        ],
    }
    settings.TEMPLATES = [engine]


def test_per_reader_markup_added_to_a_shared_piece_reaches_no_other_reader(
    settings, leaky_comment_piece, busy_post
):
    post, _people = busy_post
    url = post.get_absolute_url()
    alice = MembershipFactory(course=post.course, user=UserFactory(username="alice-reads")).user
    bob = MembershipFactory(course=post.course).user
    as_alice = page(alice, url)  # fills the cache
    as_bob = page(bob, url)
    assert "alice-reads" not in as_bob
    # The shared pieces are rendered with no reader in their context, so the markup is empty for all...
    assert as_alice.count('<i class="leak"></i>') == as_alice.count('class="leak"') > 0
    assert as_bob.count('<i class="leak"></i>') == as_bob.count('class="leak"') > 0
    # ...and the page differs from the one rendered without the cache: the first test here fails.
    settings.ANONYMOUS_PAGE_CACHE = False
    uncached = page(alice, url)
    assert '<i class="leak">alice-reads' in uncached
    assert uncached != as_alice
