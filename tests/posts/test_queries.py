"""Pages run a fixed number of queries, however many posts, authors, categories and tags.

Counts are compared between 1 row and 50 within the same test, not hard-coded: other apps
add their template tags (comments, awards) to these pages.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from posts.models import Tag
from tests.factories import CategoryFactory, DraftFactory, InstructorFactory, MembershipFactory, PostFactory


def queries_for(client, url):
    cache.clear()  # measure the page's work, not a cached copy of it
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return [query["sql"] for query in captured.captured_queries]


def assert_same_queries(few, many):
    assert len(few) == len(many), "\n\n".join(["1 row:", *few, "50 rows:", *many])


class Course:
    """One course filled for a given page: what the page groups by is shared, the rest varies."""

    def __init__(self, course, page):
        self.course = course
        self.page = page
        self.author = MembershipFactory(course=course, display_name="Shared Author").user
        self.category = CategoryFactory(course=course, name="Shared", slug="shared")
        self.tag = Tag.objects.create(course=course, name="Common", slug="common")
        self.count = 0

    def add_posts(self, n, factory=PostFactory):
        for _ in range(n):
            self.count += 1
            i = self.count
            author = self.author if self.page == "author" else MembershipFactory(course=self.course).user
            category = (
                self.category
                if self.page == "category"
                else CategoryFactory(course=self.course, name=f"Category {i}", slug=f"category-{i}")
            )
            post = factory(course=self.course, author=author, category=category)
            post.tags.add(self.tag, Tag.objects.create(course=self.course, name=f"Tag {i}", slug=f"tag-{i}"))

    def url(self):
        slug = self.course.slug
        if self.page == "front":
            return reverse("posts:front", kwargs={"course_slug": slug})
        if self.page == "category":
            return self.category.get_absolute_url()
        if self.page == "tag":
            return self.tag.get_absolute_url()
        if self.page == "author":
            return self.author.memberships.get(course=self.course).get_absolute_url()
        if self.page == "drafts":
            return reverse("posts:drafts", kwargs={"course_slug": slug})
        post = self.course.posts.order_by("-published_at").first()
        return reverse(
            "posts:archive-month",
            kwargs={"course_slug": slug, "year": post.date_for_url.year, "month": post.date_for_url.month},
        )


@pytest.mark.parametrize("list_page", ["front", "category", "tag", "author", "month"])
def test_post_lists_run_the_same_queries_for_1_and_50_posts(client, course, list_page):
    filled = Course(course, list_page)
    reader = MembershipFactory(course=course).user
    instructor = InstructorFactory(course=course).user

    def measure():
        counts = {}
        for who in (None, reader, instructor):
            client.logout()
            if who:
                client.force_login(who)
            counts[who.username if who else "anonymous"] = queries_for(client, filled.url())
        return counts

    filled.add_posts(1)
    few = measure()
    filled.add_posts(49)
    many = measure()
    for who in few:
        assert_same_queries(few[who], many[who])


def test_drafts_page_runs_the_same_queries_for_1_and_50_drafts(client, course):
    filled = Course(course, "drafts")
    client.force_login(InstructorFactory(course=course).user)
    filled.add_posts(1, factory=DraftFactory)
    few = queries_for(client, filled.url())
    filled.add_posts(49, factory=DraftFactory)
    many = queries_for(client, filled.url())
    assert_same_queries(few, many)


def test_post_page_runs_the_same_queries_with_1_and_50_posts_and_tags(client, course):
    author = MembershipFactory(course=course).user
    post = PostFactory(course=course, author=author)
    post.tags.add(Tag.objects.create(course=course, name="Tag 0", slug="tag-0"))
    reader = MembershipFactory(course=course).user
    instructor = InstructorFactory(course=course).user
    people = {"anonymous": None, "reader": reader, "author": author, "instructor": instructor}

    def measure():
        counts = {}
        for name, who in people.items():
            client.logout()
            if who:
                client.force_login(who)
            counts[name] = queries_for(client, post.get_absolute_url())
        return counts

    few = measure()
    for i in range(1, 50):
        post.tags.add(Tag.objects.create(course=course, name=f"Tag {i}", slug=f"tag-{i}"))
        PostFactory(course=course, author=author)
    for i in range(49):
        CategoryFactory(course=course, name=f"Category {i}", slug=f"category-{i}")
    many = measure()
    for name in people:
        assert_same_queries(few[name], many[name])
