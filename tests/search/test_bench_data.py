"""The benchmark's generated site is searchable: its bulk inserts send no signals, so it indexes itself."""

import pytest
from django.core.management import call_command

from comments.models import Comment
from posts.models import Post
from search.models import SearchEntry

from .helpers import found, search

pytestmark = pytest.mark.django_db

SIZE = ["--courses", "1", "--students", "4", "--posts", "12", "--comments", "140"]


def _expected_entries():
    published = Post.objects.filter(status=Post.Status.PUBLISHED)
    return published.count() + Comment.objects.approved().filter(post__in=published).count()


def test_generated_data_is_indexed_and_found(client):
    call_command("generate_data", "--scale", "small", *SIZE)
    assert SearchEntry.objects.count() == _expected_entries()
    seed = Post.objects.get(slug="soviet-prisoners-released-not-all-necessarily-free")
    assert found(search(client, seed.course, "presidium")) == [seed.title]  # a word of the seed's text


def test_generating_again_indexes_data_that_has_no_index_and_reset_replaces_it():
    call_command("generate_data", "--scale", "small", *SIZE)
    SearchEntry.objects.all().delete()
    call_command("generate_data", "--scale", "small", *SIZE)  # the data stays; its index is built
    assert SearchEntry.objects.count() == _expected_entries()
    call_command("generate_data", "--scale", "small", *SIZE[:-1], "110", "--reset")
    assert SearchEntry.objects.count() == _expected_entries()
    assert not SearchEntry.objects.exclude(post__in=Post.objects.all()).exists()
