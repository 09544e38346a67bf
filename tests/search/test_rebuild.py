"""`manage.py rebuild_search` builds the whole index again, the engine's own index included."""

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models.signals import post_migrate

from search import ddl
from search.models import SearchEntry
from tests.factories import CommentFactory, CourseFactory, PostFactory

from .helpers import found, search

pytestmark = pytest.mark.django_db


def _drop_the_index():
    """What a lost index looks like to each engine: no entries, and the engine's own index gone."""
    SearchEntry.objects.all().delete()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for statement in ddl.SQLITE_DROP:
                cursor.execute(statement)
        else:
            cursor.execute("DROP INDEX search_entry_vector")


def test_rebuild_restores_a_dropped_index(client, course, capsys):
    post = PostFactory(course=course, title="The amnesty of 1953")
    CommentFactory(post=post, body="An amnesty for whom?")
    CommentFactory(post=post, body="A held amnesty comment.", status="pending")
    PostFactory(course=course, title="Draft amnesty", status="draft", published_at=None)
    _drop_the_index()
    call_command("rebuild_search")
    assert "Indexed 1 posts and 1 comments" in capsys.readouterr().out
    assert sorted(found(search(client, course, "amnesty"))) == sorted(
        [post.title, f"Comment on {post.title}"]
    )
    # The engine's index is whole again: later writes are found too.
    PostFactory(course=course, title="Another amnesty")
    assert len(found(search(client, course, "amnesty"))) == 3
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'search_entry_vector'")
            assert cursor.fetchone()


def test_rebuild_of_one_course_leaves_the_others(client, capsys):
    one, two = CourseFactory(), CourseFactory()
    PostFactory(course=one, title="Amnesty one")
    PostFactory(course=two, title="Amnesty two")
    SearchEntry.objects.all().delete()
    call_command("rebuild_search", "--course", one.slug)
    assert found(search(client, one, "amnesty")) == ["Amnesty one"]
    assert found(search(client, two, "amnesty")) == []


def test_dry_run_writes_nothing(course, capsys):
    PostFactory(course=course)
    SearchEntry.objects.all().delete()
    call_command("rebuild_search", "--dry-run")
    assert "would index 1 posts and 0 comments" in capsys.readouterr().out
    assert not SearchEntry.objects.exists()


def test_an_unknown_course_is_an_error():
    with pytest.raises(CommandError, match="No such course: nope"):
        call_command("rebuild_search", "--course", "nope")


def test_migrating_a_site_that_has_posts_but_no_index_builds_it(client, course):
    PostFactory(course=course, title="The amnesty of 1953")
    SearchEntry.objects.all().delete()
    post_migrate.send(
        sender=apps.get_app_config("search"),
        app_config=apps.get_app_config("search"),
        using="default",
        verbosity=0,
        interactive=False,
        plan=[],
        apps=apps,
    )
    assert found(search(client, course, "amnesty")) == ["The amnesty of 1953"]
