"""`manage.py rebuild_mentions` makes the rows agree with the stored HTML again."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from comments.models import Comment
from mentions.models import Mention
from posts.models import Post
from tests.factories import CommentFactory, CourseFactory, PostFactory


def link_to(post):
    return f"See [this]({post.get_absolute_url()})."


def rows():
    return set(Mention.objects.values_list("source_post_id", "source_comment_id", "target_id"))


def rebuild(*args):
    out = io.StringIO()
    call_command("rebuild_mentions", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def linked(course):
    target = PostFactory(course=course, title="Target")
    source = PostFactory(course=course, title="Source", body=link_to(target))
    comment = CommentFactory(post=PostFactory(course=course), body=link_to(target))
    return target, source, comment


def test_rebuild_restores_rows_written_without_signals_and_drops_stale_ones(course, linked):
    target, source, comment = linked
    expected = rows()
    assert expected == {(source.pk, None, target.pk), (None, comment.pk, target.pk)}
    Mention.objects.all().delete()
    Mention.objects.create(source_post=target, target=source)  # a row no link calls for
    # Rows changed behind the signals' back, as a bulk import does.
    Post.objects.filter(pk=source.pk).update(body_html='<p><a href="/nowhere/">gone</a></p>')
    out = rebuild()
    assert rows() == {(None, comment.pk, target.pk)}
    assert "1 mention from 3 posts and 1 comment;" in out


def test_the_page_shows_the_rebuilt_rows_at_once_with_caching_on(settings, course, linked):
    settings.ANONYMOUS_PAGE_CACHE = True
    target, _source, _comment = linked
    Mention.objects.all().delete()
    assert "Mentioned in" not in Client().get(target.get_absolute_url()).content.decode()
    rebuild()
    assert "Mentioned in" in Client().get(target.get_absolute_url()).content.decode()


def test_dry_run_counts_and_writes_nothing(course, linked):
    Mention.objects.all().delete()
    out = rebuild("--dry-run")
    assert "2 mentions" in out and "would change" in out
    assert not Mention.objects.exists()


def test_one_course_only(course, linked):
    other = CourseFactory()
    there = PostFactory(course=other)
    PostFactory(course=other, body=link_to(there))
    Mention.objects.all().delete()
    rebuild("--course", other.slug)
    assert {target for *_, target in rows()} == {there.pk}


def test_an_unknown_course_is_a_clear_error(db):
    with pytest.raises(CommandError, match="No course with the slug 'nope'"):
        rebuild("--course", "nope")


def test_rebuild_runs_the_same_queries_for_1_and_50_linking_posts_and_comments(course):
    target = PostFactory(course=course)
    seed = PostFactory(course=course)

    def add(n):
        for _ in range(n):
            PostFactory(course=course, author=seed.author, category=seed.category, body=link_to(target))
            CommentFactory(post=seed, author=seed.author, body=link_to(target))

    def measure():
        Mention.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            rebuild()
        return [q["sql"] for q in captured.captured_queries]

    add(1)
    few = measure()
    add(49)
    many = measure()
    assert len(few) == len(many), "\n\n".join(["1:", *few, "50:", *many])
    assert Mention.objects.filter(source_comment__in=Comment.objects.all()).count() == 50
