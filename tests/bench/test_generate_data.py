"""generate_data builds a consistent site: the numbers asked for, derived columns filled, re-runnable."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count, F, Q

from comments.models import Comment
from courses.models import Course, Membership
from posts.markdown import render_post_markdown
from posts.models import Post
from tests.factories import CommentFactory, PostFactory

TINY = ["--courses", "1", "--students", "3", "--posts", "5", "--comments", "10"]


def generate(*args):
    call_command("generate_data", "--scale", "small", *args)


@pytest.mark.django_db
def test_tiny_site_has_the_numbers_asked_for():
    generate(*TINY)
    course = Course.objects.get(slug="bench-01")
    assert Membership.objects.filter(course=course).students().count() == 3
    assert Membership.objects.filter(course=course).instructors().count() == 1
    assert Post.objects.filter(course=course).count() == 5
    assert Comment.objects.filter(post__course=course).count() == 10
    # Comments went in with ids chosen by the command: the next one still gets a free id.
    assert (
        CommentFactory(post=Post.objects.published().first()).pk
        > Comment.objects.exclude(body__startswith="Comment number").order_by("-pk")[0].pk
    )


@pytest.mark.django_db
def test_derived_columns_match_what_save_and_the_services_would_write():
    generate(*TINY)
    for post in Post.objects.all():
        assert post.body_html == render_post_markdown(post.body)
        saved = PostFactory(body=post.body)  # what Post.save() derives from the same text
        assert (post.excerpt, post.word_count) == (saved.excerpt, saved.word_count)
    wrong_counts = Post.objects.annotate(
        approved=Count("comments", filter=Q(comments__status=Comment.Status.APPROVED))
    ).exclude(approved=F("comment_count"))
    assert not wrong_counts.exists()
    assert all(c.body_html for c in Comment.objects.all())


@pytest.mark.django_db
def test_the_seed_shaped_post_has_100_comments_30_of_them_replies(client):
    generate("--courses", "1", "--students", "4", "--posts", "10", "--comments", "130")
    seed = Post.objects.get(slug="soviet-prisoners-released-not-all-necessarily-free")
    assert seed.comments.count() == 100
    assert seed.comments.filter(parent__isnull=False).count() == 30
    assert seed.comment_count == 100
    page = client.get(seed.get_absolute_url())
    assert page.status_code == 200
    assert "100 Responses to Soviet Prisoners Released" in page.content.decode()


@pytest.mark.django_db
def test_generated_users_can_log_in(client):
    generate(*TINY, "--password", "a-known-password")
    assert client.login(username="bench01s0000", password="a-known-password")


@pytest.mark.django_db
def test_running_again_adds_nothing_and_reset_rebuilds():
    generate(*TINY)
    users = get_user_model().objects.count()
    generate(*TINY)
    assert Post.objects.count() == 5 and get_user_model().objects.count() == users
    generate("--courses", "1", "--students", "3", "--posts", "7", "--comments", "4", "--reset")
    assert Post.objects.count() == 7
    assert Comment.objects.count() == 4
    assert get_user_model().objects.count() == users


@pytest.mark.django_db
def test_dry_run_writes_nothing(capsys):
    generate(*TINY, "--dry-run")
    assert not Course.objects.exists()
    assert "would build" in capsys.readouterr().out
