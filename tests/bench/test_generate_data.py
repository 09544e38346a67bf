"""generate_data builds a consistent site: the numbers asked for, derived columns filled, re-runnable."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count, F, Q

from awards.models import Award
from comments.models import Comment
from courses.models import Course, Membership, PublishConsent
from coursework import weeks
from coursework.models import ChoiceClose, Digest, Prompt, PromptResponse, Vote
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


@pytest.mark.django_db
def test_the_term_has_its_weeks_prompts_votes_closes_and_digests():
    generate("--courses", "1", "--students", "6", "--posts", "40", "--comments", "60")
    course = Course.objects.get(slug="bench-01")
    prompts = list(Prompt.objects.filter(course=course))
    assert len({weeks.week_of(course, p.opens_at) for p in prompts}) == len(prompts) > 10
    assert all(p.body_html == render_post_markdown(p.body) for p in prompts)
    # Every live post answers the prompt of its own week.
    responses = PromptResponse.objects.select_related("post", "prompt")
    assert responses.count() == Post.objects.published().filter(course=course).count()
    assert all(
        weeks.week_of(course, r.post.published_at) == weeks.week_of(course, r.prompt.opens_at)
        for r in responses
    )
    assert not Vote.objects.filter(post__author=F("voter__user")).exists()
    this_week = weeks.week_of(course)
    assert not ChoiceClose.objects.filter(week=this_week).exists()
    closed = set(ChoiceClose.objects.values_list("week", flat=True))
    published = Digest.objects.filter(status=Digest.Status.PUBLISHED).values_list("week", flat=True)
    assert closed and closed == set(published)
    # Each closed week's most-voted post carries the Students' Choice.
    for close in ChoiceClose.objects.filter(votes_cast__gt=0):
        start, end = weeks.bounds(course, close.week)
        assert Award.objects.filter(
            award_type__slug="students-choice", post__published_at__gte=start, post__published_at__lt=end
        ).exists()


@pytest.mark.django_db
def test_data_from_before_consent_gets_it_and_visitors_read_the_same_posts(client):
    generate(*TINY)
    students = Membership.objects.filter(role=Membership.Role.STUDENT)
    public_before = Post.objects.public().count()
    assert public_before > 0
    students.update(publish_consent_at=None)  # as generated before issue 18
    PublishConsent.objects.all().delete()
    assert Post.objects.public().count() < public_before
    generate(*TINY)
    assert not students.filter(publish_consent_at__isnull=True).exists()
    assert PublishConsent.objects.count() == students.count()
    assert Post.objects.public().count() == public_before
