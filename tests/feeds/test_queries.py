"""Every feed runs the same queries for 1 item as for 50, however many authors, categories and tags."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.models import Comment
from posts.models import Tag
from tests.factories import (
    AwardFactory,
    AwardTypeFactory,
    CategoryFactory,
    CommentFactory,
    DigestFactory,
    MembershipFactory,
    PostFactory,
)

from .conftest import feed_url, read_feed


class Filled:
    """A course filled for one feed: what the feed narrows by is shared, everything else varies."""

    def __init__(self, course, kind):
        self.course, self.kind, self.count = course, kind, 0
        self.author = MembershipFactory(course=course, display_name="Shared Author")
        self.category = CategoryFactory(course=course, name="Shared", slug="shared")
        self.tag = Tag.objects.create(course=course, name="Common", slug="common")
        self.award_type = AwardTypeFactory(course=course, slug="red-star")
        self.post = PostFactory(course=course, author=self.author.user, category=self.category)
        self.week = datetime.date(2026, 3, 2)

    def new_post(self):
        self.count += 1
        i = self.count
        author = self.author.user if self.kind == "author" else MembershipFactory(course=self.course).user
        category = (
            self.category
            if self.kind == "category"
            else CategoryFactory(course=self.course, name=f"Category {i}", slug=f"category-{i}")
        )
        post = PostFactory(course=self.course, author=author, category=category)
        post.tags.add(self.tag, Tag.objects.create(course=self.course, name=f"Tag {i}", slug=f"tag-{i}"))
        return post

    def add(self, n):
        for _ in range(n):
            if self.kind == "post-comments":
                CommentFactory(post=self.post)
                Comment.objects.create(
                    post=self.post, guest_name="A visitor", body="Hello.", status="approved"
                )
            elif self.kind == "comments":
                CommentFactory(post=self.new_post())
            elif self.kind == "digests":
                self.week -= datetime.timedelta(days=7)
                digest = DigestFactory(
                    course=self.course, week=self.week, status="published", published_at=timezone.now()
                )
                digest.features.create(post=self.new_post(), position=1)
                digest.features.create(post=self.new_post(), position=2)
            else:
                post = self.new_post()
                if self.kind in ("hall-of-fame", "award"):
                    AwardFactory(post=post, award_type=self.award_type)

    def kwargs(self):
        date = self.post.date_for_url
        return {
            "category": {"slug": "shared"},
            "tag": {"slug": "common"},
            "author": {"author_slug": self.author.author_slug},
            "award": {"slug": "red-star"},
            "post-comments": {
                "year": date.year,
                "month": date.month,
                "day": date.day,
                "slug": self.post.slug,
            },
        }.get(self.kind, {})


def queries_for(client, url, format):
    cache.clear()  # measure the feed's work, not a cached copy of it
    with CaptureQueriesContext(connection) as captured:
        parsed = read_feed(client.get(url), format)
    return [query["sql"] for query in captured.captured_queries], len(parsed.entries)


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


@pytest.mark.parametrize("kind", KINDS)
def test_a_public_feed_runs_the_same_queries_for_1_and_50_items(client, course, kind):
    filled = Filled(course, kind)
    filled.add(1)
    url = feed_url(kind, course, "rss", **filled.kwargs())
    few, shown_few = queries_for(client, url, "rss")
    filled.add(49)
    many, shown_many = queries_for(client, url, "rss")
    assert shown_few < shown_many == 20
    assert len(few) == len(many), "\n\n".join(["1 item:", *few, "50 items:", *many])


@pytest.mark.parametrize("kind", KINDS)
def test_a_private_feed_runs_the_same_queries_for_1_and_50_items(closed_course, closed_token, kind):
    filled = Filled(closed_course, kind)
    filled.add(1)
    url = feed_url(kind, token=closed_token.secret, **filled.kwargs())
    few, _ = queries_for(Client(), url, "atom")
    filled.add(49)
    many, shown = queries_for(Client(), url, "atom")
    assert shown == 20
    assert len(few) == len(many), "\n\n".join(["1 item:", *few, "50 items:", *many])


def test_a_members_own_feed_runs_the_same_queries_for_1_and_50_posts(client, closed_course, closed_member):
    filled = Filled(closed_course, "posts")
    client.force_login(closed_member.user)
    url = feed_url("posts", closed_course)
    few, _ = queries_for(client, url, "atom")
    filled.add(49)
    many, _ = queries_for(client, url, "atom")
    assert len(few) == len(many)
