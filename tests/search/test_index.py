"""The index follows every change that alters what a search finds, through the signals."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from comments import services as comment_services
from posts import services as post_services
from posts.models import Post, Tag
from search import index
from search.models import SearchEntry
from tests.factories import CommentFactory, PostFactory

from .helpers import found, search

pytestmark = pytest.mark.django_db


def test_only_published_posts_and_approved_comments_on_them_have_entries(course, student):
    post = PostFactory(course=course)
    draft = PostFactory(course=course, status="draft", published_at=None)
    CommentFactory(post=post)
    CommentFactory(post=post, status="pending")
    CommentFactory(post=draft)  # approved, but on a draft
    entries = SearchEntry.objects.all()
    assert sorted((e.post_id, e.is_comment) for e in entries) == [(post.pk, False), (post.pk, True)]


def test_tags_added_renamed_removed_and_deleted(client, course, post):
    tag = Tag.objects.create(course=course, name="Posters", slug="posters")
    post.tags.add(tag)
    assert found(search(client, course, "posters")) == [post.title]
    tag.name = "Placards"
    tag.save()
    assert found(search(client, course, "posters")) == []
    assert found(search(client, course, "placards")) == [post.title]
    tag.posts.remove(post)
    assert found(search(client, course, "placards")) == []
    tag.posts.add(post)
    tag.delete()
    assert found(search(client, course, "placards")) == []


def test_clearing_a_tags_posts_from_the_tag_side(client, course, post):
    tag = Tag.objects.create(course=course, name="Posters", slug="posters")
    post.tags.add(tag)
    tag.posts.clear()
    assert found(search(client, course, "posters")) == []


def test_tags_set_through_the_writing_service(client, course, student):
    post = post_services.post_save(
        course=course,
        author=student,
        title="A week",
        body="Text.",
        category=None,
        tags_text="Film, Youth",
        publish=True,
    )
    assert found(search(client, course, "film")) == ["A week"]
    post_services.post_save(
        post=post,
        course=course,
        author=student,
        title="A week",
        body="Text.",
        category=None,
        tags_text="Youth",
    )
    assert found(search(client, course, "film")) == []


def test_an_edited_comment_is_found_by_its_new_words(client, course, post, instructor):
    comment = comment_services.comment_create(post=post, author=instructor, body="Nice reading of the thaw.")
    comment_services.comment_edit(comment=comment, body="A careful reading of the kolkhoz.", by=instructor)
    assert found(search(client, course, "thaw")) == []
    assert found(search(client, course, "kolkhoz")) == [f"Comment on {post.title}"]


def test_an_edit_that_puts_a_comment_back_in_moderation_hides_it(client, course, post, student, instructor):
    comment = comment_services.comment_create(post=post, author=student, body="Samizdat was everywhere.")
    assert found(search(client, course, "samizdat")) == []  # a first comment is held
    comment_services.comment_approve(comment=comment, by=instructor)
    assert found(search(client, course, "samizdat")) == [f"Comment on {post.title}"]
    links = " ".join(f"[{n}](https://example.org/{n})" for n in range(5))
    comment_services.comment_edit(comment=comment, body=f"Samizdat links: {links}", by=student)
    assert found(search(client, course, "samizdat")) == []


def test_deleting_a_post_or_a_comment_takes_its_entries(course, post):
    comment = CommentFactory(post=post)
    other = CommentFactory(post=PostFactory(course=course))
    other_pk = other.pk
    other.delete()
    assert not SearchEntry.objects.filter(comment_id=other_pk).exists()
    Post.objects.filter(pk=post.pk).delete()
    assert not SearchEntry.objects.filter(post_id=post.pk).exists()
    assert not SearchEntry.objects.filter(comment_id=comment.pk).exists()


def test_a_post_dated_later_is_found_from_its_date_on(client, course):
    now = timezone.now()
    PostFactory(course=course, title="Scheduled amnesty", published_at=now + datetime.timedelta(days=1))
    assert found(search(client, course, "amnesty")) == []
    with time_machine.travel(now + datetime.timedelta(days=2)):
        assert found(search(client, course, "amnesty")) == ["Scheduled amnesty"]


def test_saves_that_change_nothing_searchable_leave_the_index_alone(course, post, django_assert_num_queries):
    with django_assert_num_queries(1):  # the UPDATE itself
        post.save(update_fields=["comment_count"])


def test_only_posts_dated_later_are_held_back(course):
    now = timezone.now()
    PostFactory(course=course, title="Live")
    later = PostFactory(course=course, title="Later", published_at=now + datetime.timedelta(hours=1))
    PostFactory(course=course, title="Draft", status="draft", published_at=None)
    held_back = set(index.not_yet_live(course).values_list("pk", flat=True))
    assert held_back == {later.pk}
    live = set(Post.objects.published().filter(course=course).values_list("pk", flat=True))
    indexed = set(SearchEntry.objects.filter(comment__isnull=True).values_list("post_id", flat=True))
    assert indexed == live | held_back
