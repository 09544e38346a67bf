"""The anonymous page cache never shows a stale page and never shows one reader's page to another."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.cache import SessionStore
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from awards import services as award_services
from comments import services as comment_services
from core.cache import bump_course_version
from core.page_cache import AnonymousPageCacheMiddleware, cache_anonymous_page
from courses.models import Membership
from posts import services as post_services
from tests.factories import (
    AwardTypeFactory,
    CommentFactory,
    InstructorFactory,
    MembershipFactory,
    PostFactory,
)


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    # The test settings use the per-process local-memory cache, where caching is off by default.
    settings.ANONYMOUS_PAGE_CACHE = True


def front_url(course):
    return reverse("posts:front", kwargs={"course_slug": course.slug})


def cached_twice(client, url):
    """Fetch the page twice as an anonymous reader; the second answer must come from the cache."""
    first = client.get(url)
    second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert second["X-Page-Cache"] == "hit"
    return second


def test_anonymous_pages_are_served_from_the_cache(client, post):
    for url in (front_url(post.course), post.get_absolute_url(), f"{front_url(post.course)}?page=1"):
        first = client.get(url)
        assert first["X-Page-Cache"] == "miss"
        second = client.get(url)
        assert second["X-Page-Cache"] == "hit"
        assert second.content == first.content
        assert "Content-Security-Policy" in second  # the middleware still adds its headers


def test_a_new_comment_shows_on_the_next_request(client, post, instructor):
    cached_twice(client, post.get_absolute_url())
    comment_services.comment_create(post=post, author=instructor, body="A brand new reply about the amnesty.")
    response = client.get(post.get_absolute_url())
    assert "A brand new reply about the amnesty." in response.content.decode()
    assert "1 Response to" in client.get(post.get_absolute_url()).content.decode()


def test_an_approved_comment_shows_on_the_next_request(client, post, student, instructor):
    newcomer = MembershipFactory(course=post.course).user
    held = comment_services.comment_create(post=post, author=newcomer, body="My first comment, held for now.")
    assert held.is_pending
    page = cached_twice(client, post.get_absolute_url())
    assert "My first comment, held for now." not in page.content.decode()
    comment_services.comment_approve(comment=held, by=instructor)
    assert "My first comment, held for now." in client.get(post.get_absolute_url()).content.decode()


def test_a_removed_comment_disappears_on_the_next_request(client, post, instructor):
    comment = CommentFactory(post=post, body="Something that will be removed.")
    assert "Something that will be removed." in cached_twice(client, post.get_absolute_url()).content.decode()
    comment_services.comment_remove(comment=comment, by=instructor)
    assert "Something that will be removed." not in client.get(post.get_absolute_url()).content.decode()


def test_an_edited_comment_shows_its_new_text(client, post):
    comment = CommentFactory(post=post, body="Frist version with a typo.")
    cached_twice(client, post.get_absolute_url())
    comment_services.comment_edit(comment=comment, body="First version, typo fixed.", by=comment.author)
    html = client.get(post.get_absolute_url()).content.decode()
    assert "First version, typo fixed." in html
    assert "Frist version" not in html


def test_an_award_shows_its_banner_and_a_revoked_one_goes(client, post, instructor):
    red_star = AwardTypeFactory(course=post.course, name="Red star")
    assert "awarded a" not in cached_twice(client, post.get_absolute_url()).content.decode()
    award = award_services.award_grant(post=post, award_type=red_star, by=instructor)
    assert "This post was awarded a “Red star”" in client.get(post.get_absolute_url()).content.decode()
    cached_twice(client, post.get_absolute_url())
    award_services.award_revoke(award=award, by=instructor)
    assert "This post was awarded a “Red star”" not in client.get(post.get_absolute_url()).content.decode()


def test_an_edited_post_shows_its_new_title_on_the_front_page(client, post):
    cached_twice(client, front_url(post.course))
    post_services.post_save(
        post=post,
        course=post.course,
        author=post.author,
        title="A better title for the essay",
        body=post.body,
        category=post.category,
    )
    assert "A better title for the essay" in client.get(front_url(post.course)).content.decode()
    assert "A better title for the essay" in client.get(post.get_absolute_url()).content.decode()


def test_an_unpublished_post_is_gone_for_anonymous_readers(client, post):
    url = post.get_absolute_url()
    cached_twice(client, url)
    assert post.title in cached_twice(client, front_url(post.course)).content.decode()
    post_services.post_unpublish(post=post)
    assert client.get(url).status_code == 404
    assert post.title not in client.get(front_url(post.course)).content.decode()


def test_a_new_display_name_shows_on_the_next_request(client, post):
    membership = Membership.objects.get(course=post.course, user=post.author)
    author_url = membership.get_absolute_url()
    cached_twice(client, author_url)
    membership.display_name = "Comrade Pseudonym"
    membership.save()
    assert "Comrade Pseudonym" in client.get(author_url).content.decode()
    assert "Comrade Pseudonym" in client.get(post.get_absolute_url()).content.decode()


def test_a_member_never_gets_the_anonymous_page_nor_another_members(client, post):
    cached_twice(client, post.get_absolute_url())
    alice = MembershipFactory(course=post.course, user__username="alice").user
    bob = MembershipFactory(course=post.course, user__username="bob").user
    client.force_login(alice)
    alice_page = client.get(post.get_absolute_url())
    assert "X-Page-Cache" not in alice_page
    assert "Log out alice" in alice_page.content.decode()
    client.force_login(bob)
    bob_page = client.get(post.get_absolute_url())
    assert "X-Page-Cache" not in bob_page
    assert "Log out bob" in bob_page.content.decode()
    assert "alice" not in bob_page.content.decode()
    client.logout()
    anonymous = client.get(post.get_absolute_url()).content.decode()
    assert "Log out" not in anonymous


def test_a_members_only_course_is_never_cached_nor_served_to_outsiders(client, members_only_course, outsider):
    post = PostFactory(course=members_only_course, title="Members-only essay")
    member = MembershipFactory(course=members_only_course).user
    client.force_login(member)
    for url in (front_url(members_only_course), post.get_absolute_url()):
        assert client.get(url).status_code == 200
        assert "Members-only essay" in client.get(url).content.decode()
    client.force_login(outsider)
    for url in (front_url(members_only_course), post.get_absolute_url()):
        assert client.get(url).status_code == 404
    client.logout()
    for url in (front_url(members_only_course), post.get_absolute_url()):
        assert client.get(url).status_code == 404
        assert client.get(url).status_code == 404  # the 404 was not stored as a page either


def test_a_course_made_members_only_stops_serving_its_cached_pages(client, post):
    cached_twice(client, post.get_absolute_url())
    cached_twice(client, front_url(post.course))
    course = post.course
    course.visibility = course.Visibility.MEMBERS
    course.save()
    assert client.get(post.get_absolute_url()).status_code == 404
    assert client.get(front_url(course)).status_code == 404


def test_pages_with_a_csrf_token_are_not_cached(client, post):
    # Guests may comment here, so the anonymous page carries a form with a per-visitor token.
    post.course.allow_guest_comments = True
    post.course.save()
    first = client.get(post.get_absolute_url())
    second = client.get(post.get_absolute_url())
    assert "csrfmiddlewaretoken" in second.content.decode()
    assert "X-Page-Cache" not in first and "X-Page-Cache" not in second
    assert "csrftoken" in second.cookies


def test_a_reader_with_pending_messages_gets_a_fresh_page(client, post):
    cached_twice(client, front_url(post.course))
    client.cookies["messages"] = "anything"
    assert "X-Page-Cache" not in client.get(front_url(post.course))


def test_unknown_query_parameters_bypass_the_cache(client, post):
    url = f"{front_url(post.course)}?utm_source=newsletter"
    assert "X-Page-Cache" not in client.get(url)
    assert "X-Page-Cache" not in client.get(url)


def test_the_per_process_cache_turns_page_caching_off(client, post, settings):
    del settings.ANONYMOUS_PAGE_CACHE
    assert settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")
    assert "X-Page-Cache" not in client.get(front_url(post.course))
    assert "X-Page-Cache" not in client.get(front_url(post.course))


def test_a_change_refreshes_only_its_own_course(client, post):
    """A bump is per course: another course's cached page stays cached."""
    other = PostFactory()
    InstructorFactory(course=other.course)
    cached_twice(client, other.get_absolute_url())
    cached_twice(client, post.get_absolute_url())
    CommentFactory(post=post, body="Only this course changes.")
    assert client.get(other.get_absolute_url())["X-Page-Cache"] == "hit"
    assert "Only this course changes." in client.get(post.get_absolute_url()).content.decode()


def test_a_page_rendered_while_a_change_lands_is_never_served(rf, course):
    """The race: the version is read, a change commits during rendering, the old page is stored."""
    renders = []

    @cache_anonymous_page
    def view(request, course_slug):
        renders.append(len(renders) + 1)
        if len(renders) == 1:
            bump_course_version(course_slug)  # a comment lands while this page is being built
        return HttpResponse(f"render {len(renders)}")

    def get():
        request = rf.get("/")
        request.user = AnonymousUser()
        request.session = SessionStore()
        return AnonymousPageCacheMiddleware(lambda request: view(request, course_slug=course.slug))(request)

    assert get().content == b"render 1"
    assert get().content == b"render 2"  # the copy from before the change was not served
    assert get().content == b"render 2"  # and the fresh one is


def test_with_page_caching_off_changes_leave_the_cache_alone(settings, post):
    settings.ANONYMOUS_PAGE_CACHE = False
    cache.clear()  # the fixtures were made with caching on
    CommentFactory(post=post)
    post_services.post_unpublish(post=post)
    assert cache.get(f"pagecache:version:{post.course.slug}") is None


def test_the_hall_of_fame_shows_a_new_award_on_the_next_request(client, post, instructor):
    url = reverse("awards:hall-of-fame", kwargs={"course_slug": post.course.slug})
    red_star = AwardTypeFactory(course=post.course, name="Red star")
    assert post.title not in cached_twice(client, url).content.decode()
    award = award_services.award_grant(post=post, award_type=red_star, by=instructor)
    assert post.title in client.get(url).content.decode()
    cached_twice(client, url)
    award_services.award_revoke(award=award, by=instructor)
    assert post.title not in client.get(url).content.decode()


def test_a_hit_is_answered_before_sessions_with_every_header_the_stack_gave_the_page(
    client, post, django_assert_num_queries
):
    first = client.get(post.get_absolute_url())
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):  # no session, no user, no course: the page came from the cache
        hit = client.get(post.get_absolute_url())
    assert hit["X-Page-Cache"] == "hit"
    assert hit.content == first.content
    for header in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Vary"):
        assert hit[header] == first[header], header
    assert "Cookie" in hit["Vary"]  # shared caches must not hand it to logged-in readers


def test_an_anonymous_reader_with_a_session_cookie_gets_the_same_fresh_page(client, post, instructor):
    cached_twice(client, post.get_absolute_url())
    client.cookies["sessionid"] = "a-session-that-does-not-exist"
    page = client.get(post.get_absolute_url())
    assert page["X-Page-Cache"] == "hit"  # answered by the view's decorator, after the session was read
    comment_services.comment_create(post=post, author=instructor, body="Seen through the decorator too.")
    assert "Seen through the decorator too." in client.get(post.get_absolute_url()).content.decode()


@pytest.mark.parametrize("logged_in", [False, True])
def test_a_made_up_course_address_leaves_nothing_in_the_cache(client, student, logged_in):
    if logged_in:
        client.force_login(student)
    for url in ("/c/no-such-course/", "/c/no-such-course/2026/1/2/no-such-post/"):
        assert client.get(url).status_code == 404
    assert cache.get("pagecache:version:no-such-course") is None
    assert cache.get("pagecache:fragment:no-such-course:en:course") is None


def test_a_course_turned_members_only_is_refused_to_outsiders_on_the_next_request(client, post, outsider):
    client.force_login(outsider)
    assert client.get(post.get_absolute_url()).status_code == 200
    assert client.get(post.get_absolute_url()).status_code == 200  # the course now comes from the cache
    post.course.visibility = "members"
    post.course.save()
    assert client.get(post.get_absolute_url()).status_code == 404


def test_a_page_first_asked_for_with_a_stale_session_cookie_is_stored_with_all_its_headers(client, post):
    """A stale cookie's deletion must not leave a copy without CSP or Vary for everyone after."""
    stale = Client()
    stale.cookies["sessionid"] = "expired-or-cleared-session"
    first = stale.get(post.get_absolute_url())
    assert first["X-Page-Cache"] == "miss"
    hit = client.get(post.get_absolute_url())
    assert hit["X-Page-Cache"] == "hit"
    for header in ("Content-Security-Policy", "X-Frame-Options", "Vary"):
        assert hit[header] == first[header], header


def test_a_member_without_a_display_name_shows_a_pseudonym_even_after_a_rename(client, course):
    # Issue 18: a username is never shown in public, not even where a member gave no name.
    membership = MembershipFactory(course=course, display_name="")
    author = membership.user
    post = PostFactory(course=course, author=author)
    page = cached_twice(client, post.get_absolute_url()).content.decode()
    assert membership.display_name.startswith("Student ") and membership.display_name in page
    assert author.username not in page
    author.username = "renamed-by-the-admin"
    author.save()
    page = client.get(post.get_absolute_url()).content.decode()
    assert "renamed-by-the-admin" not in page and membership.display_name in page


def test_logging_in_leaves_the_course_cache_alone(client, post, student):
    cached_twice(client, post.get_absolute_url())
    version = cache.get(f"pagecache:version:{post.course.slug}")
    student.set_password("a long enough passphrase")
    student.save(update_fields=["password"])
    assert client.login(username=student.username, password="a long enough passphrase")
    assert cache.get(f"pagecache:version:{post.course.slug}") == version


@pytest.fixture
def pages_stored(monkeypatch):
    """The keys of whole pages written to the shared cache."""
    from core import page_cache

    keys, store = [], page_cache.cache.set

    def counting_set(key, *args, **kwargs):
        if key.startswith("pagecache:page:"):
            keys.append(key)
        return store(key, *args, **kwargs)

    monkeypatch.setattr(page_cache.cache, "set", counting_set)
    return keys


@pytest.mark.parametrize(
    "query", ["page=01", "page=001", "page=1&page=2", "page=%EF%BC%92", "page=+1", "page=0"]
)
def test_a_page_number_written_another_way_is_a_404_and_nothing_is_stored(client, post, query, pages_stored):
    url = f"{front_url(post.course)}?{query}"
    assert client.get(url).status_code == 404
    member = Client()
    member.force_login(post.author)
    assert member.get(url).status_code == 404  # the same answer for everyone
    assert pages_stored == []


def test_the_spelling_of_the_host_and_of_a_posts_date_makes_no_new_page(client, post, pages_stored):
    date = post.date_for_url
    canonical = post.get_absolute_url()
    spellings = [canonical, canonical.replace(f"/{date.year}/", f"/0{date.year}/")]  # a leading zero
    assert spellings[0] != spellings[1]
    for url in spellings * 2:
        for host in ("localhost", "LOCALHOST", "LocalHost"):
            response = client.get(url, HTTP_HOST=host)
            assert response.status_code in (200, 301)
    assert len(set(pages_stored)) == 1


def test_a_link_with_tracking_parameters_is_served_but_never_stored(client, post, pages_stored):
    for n in range(5):
        assert client.get(f"{front_url(post.course)}?utm_source=mail{n}").status_code == 200
    assert pages_stored == []
