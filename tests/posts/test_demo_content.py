"""The demo as a visiting instructor judges it: a current term, distinct essays, talk, archival pictures."""

import datetime
import io
import re
import zoneinfo

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core.management import call_command
from PIL import Image, ImageChops, ImageFilter, ImageStat

from awards.models import Award
from comments.models import Comment
from courses.demo import DemoCalendar
from courses.models import Course
from coursework.models import Digest, Prompt
from posts.demo import Schedule
from posts.demo_images import SCENES, archival_photograph
from posts.demo_texts import POSTS
from posts.models import Post, PostImage

pytestmark = pytest.mark.django_db

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
# (moment, the term the demo must name, the term's first day)
TERMS = {
    "fall, mid-term": (datetime.datetime(2026, 12, 1, 15, 0, tzinfo=NEW_YORK), "Fall 2026", (2026, 9, 1)),
    "spring, mid-term": (datetime.datetime(2027, 3, 10, 9, 30, tzinfo=NEW_YORK), "Spring 2027", (2027, 1, 1)),
    "fall, third day": (datetime.datetime(2026, 9, 3, 11, 0, tzinfo=NEW_YORK), "Fall 2026", (2026, 9, 1)),
}


def seed():
    call_command("seed_demo", stdout=io.StringIO())


@pytest.fixture(params=sorted(TERMS))
def term(request, settings):
    settings.DEBUG = True
    now, name, first_day = TERMS[request.param]
    with time_machine.travel(now, tick=False):
        seed()
        yield now, name, datetime.datetime(*first_day, tzinfo=NEW_YORK)


def test_the_demo_names_the_current_term_and_dates_everything_inside_it(term):
    now, name, starts = term
    course = Course.objects.get(slug="soviet-history")
    assert course.term == name
    assert Course.objects.get(slug="modern-china").term == name
    assert not course.is_archived

    def inside(moment):
        return starts <= moment <= now

    posts = list(Post.objects.filter(course=course, published_at__isnull=False))
    assert len(posts) >= 13
    assert all(inside(p.published_at) for p in posts), [(p.title, p.published_at) for p in posts]
    comments = Comment.objects.filter(post__course=course).select_related("post", "parent")
    assert comments.exists()
    for comment in comments:
        assert inside(comment.created_at), comment.body
        assert comment.created_at > comment.post.published_at
        if comment.parent is not None:
            assert comment.created_at > comment.parent.created_at
    for award in Award.objects.filter(post__course=course).select_related("post"):
        assert inside(award.given_at) and award.given_at >= award.post.published_at, award
    for prompt in Prompt.objects.filter(course=course, opens_at__lte=now):
        assert inside(prompt.opens_at), prompt.title
    for digest in Digest.objects.filter(course=course):
        assert inside(digest.published_at)


def test_late_in_a_term_the_archives_show_several_months(settings):
    settings.DEBUG = True
    now, _, _ = TERMS["fall, mid-term"]
    with time_machine.travel(now, tick=False):
        seed()
    months = {
        p.published_at.astimezone(NEW_YORK).month
        for p in Post.objects.published().filter(course__slug="soviet-history")
    }
    assert months == {10, 11, 12}


def test_the_front_page_is_dated_this_term_and_its_newest_post_is_the_seed(client, settings):
    settings.DEBUG = True
    now, _, _ = TERMS["fall, mid-term"]
    with time_machine.travel(now, tick=False):
        seed()
        page = BeautifulSoup(client.get("/c/soviet-history/").content, "html.parser")
    text = page.get_text(" ")
    assert "2014" not in text
    summaries = page.select(".post-summary")
    assert summaries[0].get_text(" ").count("Soviet Prisoners Released") == 1


def test_a_demo_is_the_same_for_the_same_day():
    now = datetime.datetime(2026, 12, 1, 15, 0, tzinfo=NEW_YORK)
    first, second = (Schedule(DemoCalendar.for_now(now)) for _ in range(2))
    times = [[s.published_at(post, n) for n, post in enumerate(POSTS)] for s in (first, second)]
    assert times[0] == times[1]
    assert archival_photograph("tractors", "a") == archival_photograph("tractors", "a")
    assert archival_photograph("tractors", "a") != archival_photograph("tractors", "b")


def test_seeding_again_a_week_later_works_and_adds_no_posts(settings):
    settings.DEBUG = True
    now, _, _ = TERMS["fall, mid-term"]
    with time_machine.travel(now, tick=False):
        seed()
    posts = Post.objects.count()
    with time_machine.travel(now + datetime.timedelta(days=8), tick=False):
        seed()
    assert Post.objects.count() == posts


# --- Texts ----------------------------------------------------------------------------------------


def _paragraphs(body):
    """The prose of a post: blocks of text, without its images and headings."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", body)]
    return [b for b in blocks if b and not b.startswith(("![", "#", "**Links**", "*("))]


def test_every_post_has_its_own_text_of_essay_length_with_a_source_and_references(settings):
    settings.DEBUG = True
    seed()
    posts = list(Post.objects.published().filter(course__slug="soviet-history"))
    assert len(posts) >= 13
    seen = {}
    for post in posts:
        assert 250 <= post.word_count <= 700, (post.title, post.word_count)
        for paragraph in _paragraphs(post.body):
            assert paragraph not in seen, f"{post.title!r} repeats a paragraph of {seen.get(paragraph)!r}"
            seen[paragraph] = post.title
        html = BeautifulSoup(post.body_html, "html.parser")
        assert html.find(["h2", "h3"]), post.title
        if post.slug != "soviet-prisoners-released-not-all-necessarily-free":  # the seed's own words
            assert html.find("blockquote"), f"{post.title} quotes its source"
        assert html.select("section.footnotes, .footnotes, ul li, a[href]"), f"{post.title} cites"
    authors = {post.author_id for post in posts}
    assert len(authors) >= 6
    lengths = sorted(post.word_count for post in posts)
    assert lengths[-1] - lengths[0] >= 250, "lengths vary"


# --- Images ---------------------------------------------------------------------------------------


def _grain(im):
    """How much fine detail an image has: the mean difference from a blurred copy of itself."""
    return ImageStat.Stat(ImageChops.difference(im, im.filter(ImageFilter.GaussianBlur(3)))).mean[0]


def test_every_scene_looks_like_a_photograph_not_a_flat_drawing():
    for scene in SCENES:
        data = archival_photograph(scene, "test")
        im = Image.open(io.BytesIO(data))
        assert im.format == "JPEG" and im.size == (1200, 800), scene
        assert len(data) < 250_000, (scene, len(data))
        grey = im.convert("L")
        assert ImageStat.Stat(grey).stddev[0] > 25, f"{scene} has tones, not one flat colour"
        assert _grain(grey) > 2.0, f"{scene} has grain"
        r, g, b = (ImageStat.Stat(im).mean[i] for i in range(3))
        assert r >= g >= b - 2, f"{scene} is toned warm or neutral, never blue"
    # A flat drawing, like the demo's old placeholders, fails the same grain test.
    flat = Image.new("L", (1200, 800), 200)
    flat.paste(60, (300, 200, 900, 600))
    assert _grain(flat) < 1.0


def test_the_demos_images_are_distinct_jpegs_each_with_alt_text_on_the_page(client, settings):
    settings.DEBUG = True
    seed()
    images = list(PostImage.objects.filter(post__course__slug="soviet-history"))
    assert len(images) >= 5
    contents = set()
    for image in images:
        assert image.alt_text.strip() and image.caption.strip(), image.file.name
        with image.file.open("rb") as f:
            data = f.read()
        assert Image.open(io.BytesIO(data)).format == "JPEG"
        contents.add(data)
    assert len(contents) == len(images), "no picture is used twice"
    seed_post = Post.objects.get(slug="soviet-prisoners-released-not-all-necessarily-free")
    assert seed_post.images.count() == 2
    for post in Post.objects.filter(images__isnull=False).distinct():
        page = BeautifulSoup(client.get(post.get_absolute_url()).content, "html.parser")
        figures = page.select(".post-body figure")
        assert figures, post.title
        for figure in figures:
            assert figure.find("img")["alt"].strip()
            assert figure.find("figcaption").get_text(strip=True)


# --- Comments -------------------------------------------------------------------------------------


def test_comments_talk_to_each_other_and_some_posts_have_none(settings):
    settings.DEBUG = True
    seed()
    course = Course.objects.get(slug="soviet-history")
    replies = Comment.objects.filter(post__course=course, parent__isnull=False).select_related("parent")
    assert replies.count() >= 10
    answered = {reply.parent_id for reply in replies if reply.author_id != reply.parent.author_id}
    assert len(answered) >= 6, "replies answer someone else"
    # A reply goes back and forth: the comment's author answers the one who answered them.
    assert any(reply.author_id == reply.parent.author_id for reply in replies), (
        "an author answers a reply under their own comment"
    )
    published = Post.objects.published().filter(course=course)
    discussed = {
        c.post_id for c in Comment.objects.filter(post__course=course, status=Comment.Status.APPROVED)
    }
    assert len(discussed) >= 8
    assert published.exclude(pk__in=discussed).exists(), "not every post has comments"
    assert Comment.objects.filter(post__course=course, author__username="nelson").count() >= 4
