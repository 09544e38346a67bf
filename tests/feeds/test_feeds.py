"""The public feeds: every one parses, lists what readers may see, newest first, with absolute links."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from comments.models import Comment
from posts import services as post_services
from posts.models import Tag
from tests.factories import (
    AwardFactory,
    AwardTypeFactory,
    CategoryFactory,
    CommentFactory,
    CourseFactory,
    DigestFactory,
    DraftFactory,
    FeedTokenFactory,
    MembershipFactory,
    PostFactory,
)

from .conftest import SITE, content_of, feed_url, read_feed, titles

NOW = datetime.datetime(2026, 3, 11, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def hours_ago(n):
    return NOW - datetime.timedelta(hours=n)


@pytest.fixture
def writer(course):
    return MembershipFactory(course=course, display_name="Caitlin Writer", user__username="cwriter42")


@pytest.fixture
def filled(course, category, writer):
    """One of everything each feed lists, so every feed has an entry."""
    tag = Tag.objects.create(course=course, name="Thaw", slug="thaw")
    post = PostFactory(
        course=course,
        author=writer.user,
        category=category,
        title="The Thaw in Print",
        published_at=hours_ago(5),
    )
    post.tags.add(tag)
    award_type = AwardTypeFactory(course=course, name="Red star", slug="red-star")
    AwardFactory(post=post, award_type=award_type)
    CommentFactory(post=post, body="Check out Caitlin's post.")
    digest = DigestFactory(course=course, introduction="A week of *thaw*.")
    digest.status, digest.published_at = "published", hours_ago(1)
    digest.save()
    digest.features.create(post=post, position=1)
    date = post.date_for_url
    return {
        "posts": {},
        "category": {"slug": category.slug},
        "tag": {"slug": tag.slug},
        "author": {"author_slug": writer.author_slug},
        "hall-of-fame": {},
        "award": {"slug": award_type.slug},
        "post-comments": {"year": date.year, "month": date.month, "day": date.day, "slug": post.slug},
        "comments": {},
        "digests": {},
    }


KINDS = [
    "posts",
    "category",
    "tag",
    "author",
    "hall-of-fame",
    "award",
    "post-comments",
    "comments",
    "digests",
]


@pytest.mark.parametrize("format", ["atom", "rss"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_feed_parses_with_one_entry_and_absolute_links(client, course, filled, kind, format):
    parsed = read_feed(client.get(feed_url(kind, course, format, **filled[kind])), format)
    assert len(parsed.entries) == 1
    entry = parsed.entries[0]
    assert entry.link.startswith(SITE + "/c/soviet-history/")
    assert parsed.feed.link.startswith(SITE + "/c/soviet-history/")
    assert parsed.feed.title.startswith(("Soviet History: ", "Comments on “The Thaw in Print”"))
    assert entry.get("author")
    assert content_of(entry)


def test_the_course_feed_lists_live_posts_newest_first(client, course, category):
    for title, age in [("Oldest", 30), ("Newest", 1), ("Middle", 10)]:
        PostFactory(course=course, category=category, title=title, published_at=hours_ago(age))
    DraftFactory(course=course, category=category, title="A draft")
    PostFactory(
        course=course, category=category, title="Scheduled", published_at=NOW + datetime.timedelta(days=1)
    )
    PostFactory(course=CourseFactory(), title="Another course's post")
    PostFactory(course=CourseFactory(visibility="members"), title="A members-only post")

    for format in ("atom", "rss"):
        parsed = read_feed(client.get(feed_url("posts", course, format)), format)
        assert titles(parsed) == ["Newest", "Middle", "Oldest"]


def test_a_feed_holds_the_20_newest_posts(client, course, category):
    for age in range(1, 26):
        PostFactory(
            course=course, category=category, title=f"Post {age} hours old", published_at=hours_ago(age)
        )
    parsed = read_feed(client.get(feed_url("posts", course)))
    assert titles(parsed) == [f"Post {age} hours old" for age in range(1, 21)]


def test_a_post_entry_carries_its_full_text_with_absolute_links_and_images(client, course, category, writer):
    body = (
        "Read [the previous week](/c/soviet-history/2026/3/2/earlier/) and [the next](../next/), "
        "a claim[^1] and [elsewhere](https://archive.example.org/doc).\n\n"
        '![A fence at the old camp](/media/posts/2026/03/fence.png "The fence | Wikimedia")\n\n'
        "[^1]: A source."
    )
    post = PostFactory(course=course, category=category, author=writer.user, body=body, title="Fences")
    page = SITE + post.get_absolute_url()

    for format in ("atom", "rss"):
        entry = read_feed(client.get(feed_url("posts", course, format)), format).entries[0]
        html = content_of(entry)
        assert f'src="{SITE}/media/posts/2026/03/fence.png"' in html
        assert f'href="{SITE}/c/soviet-history/2026/3/2/earlier/"' in html
        assert "../next/" not in html and f'href="{page.rsplit("/", 2)[0]}/next/"' in html
        assert f'href="{page}#user-content-fn1"' in html  # the footnote, on the post's page
        assert 'href="https://archive.example.org/doc"' in html
        assert "<figcaption>The fence" in html
        assert entry.link == page
        assert entry.author == "Caitlin Writer"
    atom_entry = read_feed(client.get(feed_url("posts", course))).entries[0]
    assert atom_entry.summary.startswith("Read the previous week and the next")  # the excerpt: no figure


def test_raw_html_a_writer_typed_stays_text_in_the_feed(client, course, category):
    PostFactory(
        course=course, category=category, title="Tom & Jerry <3", body="<script>alert(1)</script> & more"
    )
    entry = read_feed(client.get(feed_url("posts", course))).entries[0]
    assert entry.title == "Tom & Jerry <3"
    assert "<script>" not in content_of(entry)
    assert "&lt;script&gt;" in content_of(entry)


def test_authors_are_named_by_their_course_display_name_never_username_or_email(
    client, course, category, writer
):
    post = PostFactory(course=course, category=category, author=writer.user)
    guest = Comment.objects.create(
        post=post,
        guest_name="Visiting Reader",
        guest_email="visitor@example.org",
        body="Hello",
        status="approved",
    )
    CommentFactory(post=post, author=writer.user)
    for kind in ("posts", "comments", "author"):
        for format in ("atom", "rss"):
            kwargs = {"author_slug": writer.author_slug} if kind == "author" else {}
            response = client.get(feed_url(kind, course, format, **kwargs))
            parsed = read_feed(response, format)
            text = response.content.decode()
            assert "Caitlin Writer" in {entry.author for entry in parsed.entries}
            assert writer.user.email not in text and guest.guest_email not in text
            # The username is nowhere, not even in the author feed's own address (issue 18).
            assert "cwriter42" not in text
    comments = read_feed(client.get(feed_url("comments", course)))
    assert {entry.author for entry in comments.entries} == {"Caitlin Writer", "Visiting Reader"}


def test_a_post_whose_author_left_the_course_names_no_one(client, course, category, writer):
    PostFactory(course=course, category=category, author=writer.user)
    writer.delete()
    # Leaving takes the consent to publish with the membership (issue 18): the post is for members
    # only, so a classmate's private link reads it.
    assert read_feed(client.get(feed_url("posts", course))).entries == []
    response = client.get(feed_url("posts", token=FeedTokenFactory(membership__course=course).secret))
    assert read_feed(response).entries[0].author == "A former member"
    assert "cwriter42" not in response.content.decode()


def test_category_tag_and_author_feeds_list_only_their_posts(client, course, category, writer):
    other_category = CategoryFactory(course=course, name="Notes", slug="notes")
    thaw = Tag.objects.create(course=course, name="Thaw", slug="thaw")
    in_category = PostFactory(course=course, category=category, title="In essays", published_at=hours_ago(3))
    tagged = PostFactory(
        course=course, category=other_category, title="Tagged thaw", published_at=hours_ago(2)
    )
    tagged.tags.add(thaw)
    by_writer = PostFactory(
        course=course,
        category=other_category,
        author=writer.user,
        title="By Caitlin",
        published_at=hours_ago(1),
    )
    draft = DraftFactory(course=course, category=category, author=writer.user, title="Caitlin's draft")
    draft.tags.add(thaw)

    assert titles(read_feed(client.get(feed_url("category", course, slug="essays")))) == [in_category.title]
    assert titles(read_feed(client.get(feed_url("tag", course, slug="thaw")))) == [tagged.title]
    assert titles(read_feed(client.get(feed_url("author", course, author_slug=writer.author_slug)))) == [
        by_writer.title
    ]
    assert (
        read_feed(client.get(feed_url("category", course, slug="essays"))).feed.title
        == "Soviet History: Essays"
    )


def test_an_author_page_sees_no_drafts_even_as_the_author(client, course, category, writer):
    DraftFactory(course=course, category=category, author=writer.user, title="Caitlin's draft")
    client.force_login(writer.user)
    assert read_feed(client.get(feed_url("author", course, author_slug=writer.author_slug))).entries == []
    assert read_feed(client.get(feed_url("posts", course))).entries == []


def test_the_award_feed_lists_posts_holding_a_standing_award_of_its_type(client, course, category):
    red_star = AwardTypeFactory(course=course, name="Red star", slug="red-star")
    laurel = AwardTypeFactory(course=course, name="Laurel", slug="laurel")
    starred = PostFactory(course=course, category=category, title="Starred", published_at=hours_ago(4))
    newer_starred = PostFactory(
        course=course, category=category, title="Newer starred", published_at=hours_ago(2)
    )
    crowned = PostFactory(course=course, category=category, title="Laurelled", published_at=hours_ago(3))
    revoked = PostFactory(course=course, category=category, title="Revoked", published_at=hours_ago(1))
    unpublished = PostFactory(course=course, category=category, title="Unpublished since")
    for post in (starred, newer_starred, revoked, unpublished):
        AwardFactory(post=post, award_type=red_star)
    AwardFactory(post=crowned, award_type=laurel)
    revoked.awards.update(revoked_at=NOW, revoked_by=revoked.author)
    post_services.post_unpublish(post=unpublished)

    parsed = read_feed(client.get(feed_url("award", course, slug="red-star")))
    assert titles(parsed) == ["Newer starred", "Starred"]
    assert parsed.feed.title == "Soviet History: Red star"
    assert parsed.feed.link == f"{SITE}/c/soviet-history/hall-of-fame/?type=red-star"
    assert "awarded a “Red star”" in content_of(parsed.entries[0])
    every = read_feed(client.get(feed_url("hall-of-fame", course, format="rss")), "rss")
    assert titles(every) == ["Newer starred", "Laurelled", "Starred"]


def test_a_posts_comment_feed_shows_approved_comments_only_newest_first(client, course, category):
    post = PostFactory(course=course, category=category, title="The Thaw in Print")
    first = CommentFactory(post=post, body="First, approved.")
    Comment.objects.filter(pk=first.pk).update(created_at=hours_ago(3))
    second = CommentFactory(post=post, body="Second, approved, with [a link](/c/soviet-history/).")
    Comment.objects.filter(pk=second.pk).update(created_at=hours_ago(2))
    for status in ("pending", "spam", "removed"):
        CommentFactory(post=post, status=status, body=f"A {status} comment.")
    CommentFactory(post=PostFactory(course=course, category=category), body="On another post.")
    date = post.date_for_url
    url_kwargs = {"year": date.year, "month": date.month, "day": date.day, "slug": post.slug}

    for format in ("atom", "rss"):
        response = client.get(feed_url("post-comments", course, format, **url_kwargs))
        parsed = read_feed(response, format)
        assert [content_of(e).strip() for e in parsed.entries][1] == "<p>First, approved.</p>"
        assert len(parsed.entries) == 2
        assert f'href="{SITE}/c/soviet-history/"' in content_of(parsed.entries[0])
        assert parsed.entries[0].link == f"{SITE}{post.get_absolute_url()}#comment-{second.pk}"
        assert parsed.feed.title == "Comments on “The Thaw in Print”"
        for status in ("pending", "spam", "removed"):
            assert f"A {status} comment." not in response.content.decode()


def test_a_posts_comment_feed_follows_the_post_to_its_date(client, course, category):
    post = PostFactory(course=course, category=category)
    date = post.date_for_url
    wrong = feed_url("post-comments", course, year=2020, month=1, day=1, slug=post.slug)
    response = client.get(wrong)
    assert response.status_code == 301
    assert response["Location"] == feed_url(
        "post-comments", course, year=date.year, month=date.month, day=date.day, slug=post.slug
    )


def test_a_draft_has_no_comment_feed(client, course, category):
    draft = DraftFactory(course=course, category=category)
    CommentFactory(post=draft)
    date = draft.date_for_url
    url = feed_url("post-comments", course, year=date.year, month=date.month, day=date.day, slug=draft.slug)
    assert client.get(url).status_code == 404


def test_the_course_comment_feed_shows_approved_comments_on_live_posts_of_the_course(
    client, course, category
):
    live = PostFactory(course=course, category=category, title="Live")
    gone = PostFactory(course=course, category=category, title="Unpublished later")
    older = CommentFactory(post=live, body="Older on live.")
    Comment.objects.filter(pk=older.pk).update(created_at=hours_ago(2))
    CommentFactory(post=live, body="Newer on live.")
    CommentFactory(post=live, status="pending", body="Held on live.")
    CommentFactory(post=gone, body="On a post unpublished since.")
    post_services.post_unpublish(post=gone)
    CommentFactory(body="In another course.")

    parsed = read_feed(client.get(feed_url("comments", course)))
    assert [content_of(e).strip() for e in parsed.entries] == [
        "<p>Newer on live.</p>",
        "<p>Older on live.</p>",
    ]
    assert titles(parsed)[0].endswith("on “Live”")


def test_the_digest_feed_shows_published_digests_with_their_featured_live_posts(client, course, category):
    featured = PostFactory(course=course, category=category, title="Featured essay")
    withdrawn = PostFactory(course=course, category=category, title="Withdrawn essay")
    monday = datetime.date(2026, 3, 9)
    published = DigestFactory(
        course=course, week=monday - datetime.timedelta(days=7), introduction="Last week."
    )
    published.status, published.published_at = "published", hours_ago(48)
    published.save()
    published.features.create(post=featured, position=1)
    published.features.create(post=withdrawn, position=2)
    post_services.post_unpublish(post=withdrawn)
    DigestFactory(course=course, week=monday, introduction="A draft digest.")
    newer = DigestFactory(
        course=course, week=monday - datetime.timedelta(days=14), introduction="Older week."
    )
    newer.status, newer.published_at = "published", hours_ago(24)  # published later, for an older week
    newer.save()

    for format in ("atom", "rss"):
        response = client.get(feed_url("digests", course, format))
        parsed = read_feed(response, format)
        assert titles(parsed) == ["Week of February 23, 2026", "Week of March 2, 2026"]
        html = content_of(parsed.entries[1])
        assert f'<a href="{SITE}{featured.get_absolute_url()}">Featured essay</a>' in html
        assert "Withdrawn essay" not in response.content.decode()
        assert "A draft digest." not in response.content.decode()


@pytest.mark.parametrize(
    "kind, kwargs",
    [
        ("category", {"slug": "no-such"}),
        ("tag", {"slug": "no-such"}),
        ("author", {"author_slug": "nobody"}),
        ("award", {"slug": "no-such"}),
        ("post-comments", {"year": 2026, "month": 3, "day": 1, "slug": "no-such"}),
    ],
)
def test_a_feed_of_something_that_is_not_there_is_a_404(client, course, kind, kwargs):
    assert client.get(feed_url(kind, course, **kwargs)).status_code == 404


def test_a_category_of_another_course_is_not_found_in_this_one(client, course):
    other = CourseFactory()
    PostFactory(course=other, category=CategoryFactory(course=other, name="Theirs", slug="theirs"))
    assert client.get(feed_url("category", course, slug="theirs")).status_code == 404


def test_unknown_formats_and_courses_are_404s(client, course):
    assert client.get(f"/c/{course.slug}/feed/json/").status_code == 404
    assert client.get("/c/no-such-course/feed/atom/").status_code == 404


def test_a_feed_is_read_only(client, course):
    assert client.post(feed_url("posts", course)).status_code == 405
    assert client.head(feed_url("posts", course)).status_code == 200


class TestCached:
    @pytest.fixture(autouse=True)
    def page_cache_on(self, settings):
        settings.ANONYMOUS_PAGE_CACHE = True

    def test_a_public_feed_is_served_from_the_cache_and_a_new_post_shows_at_once(
        self, client, course, category
    ):
        PostFactory(course=course, category=category, title="First")
        url = feed_url("posts", course)
        assert client.get(url)["X-Page-Cache"] == "miss"
        assert client.get(url)["X-Page-Cache"] == "hit"
        PostFactory(course=course, category=category, title="Second", published_at=timezone.now())
        assert titles(read_feed(client.get(url))) == ["Second", "First"]

    def test_a_new_comment_shows_at_once_in_the_comment_feed(self, client, course, category):
        post = PostFactory(course=course, category=category)
        url = feed_url("comments", course)
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit"
        CommentFactory(post=post, body="A brand new reply.")
        assert "A brand new reply." in client.get(url).content.decode()

    def test_a_course_made_members_only_stops_its_cached_feed(self, client, course, category):
        PostFactory(course=course, category=category)
        url = feed_url("posts", course)
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit"
        course.visibility = "members"
        course.save()
        assert client.get(url).status_code == 404
