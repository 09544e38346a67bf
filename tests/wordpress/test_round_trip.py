"""Export a course, import the file into an empty course: the same posts, threads, terms and text."""

import datetime
import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from comments.models import Comment
from posts.markdown import plain_text
from posts.models import Post, Tag
from tests.factories import CategoryFactory, CommentFactory, CourseFactory, MembershipFactory, PostFactory
from wordpress.exporter import write_wxr
from wordpress.importer import import_wxr

UTC = datetime.UTC

ESSAY = """\
## The speech

Khrushchev spoke for four hours[^speech] to a closed session.

> Comrades! We must abolish the cult of the individual decisively, once and for all.

| Year | Event |
|:-----|------:|
| 1953 | Stalin dies |
| 1956 | The secret speech[^date] |

See [the front page](/c/{course}/) and [the archive](https://example.org/archive?year=1956&lang=en).
Some *emphasis*, **strength**, ~~a strike~~ and `code`.

- one
- two

[^speech]: Taubman, *Khrushchev*, p. 270.
[^date]: 25 February 1956.
"""

FIGURE = """\
Before the image.

![The fence at Perm-36](/media/posts/2026/10/fence.jpg "The fence at Perm-36 | Photo: Memorial")

After the image.
"""


def _store_image(name):
    picture = io.BytesIO()
    Image.new("RGB", (40, 30), "darkred").save(picture, "JPEG")
    stored = default_storage.save(name, ContentFile(picture.getvalue()))
    assert stored == name


def when(day, hour=10, minute=0, second=0):
    return datetime.datetime(2026, 10, day, hour, minute, second, tzinfo=UTC)


def comment(post, *, at, **kwargs):
    made = CommentFactory(post=post, **kwargs)
    Comment.objects.filter(pk=made.pk).update(created_at=at)  # WXR dates carry whole seconds
    return made


@pytest.fixture
def original(db):
    _store_image("posts/2026/10/fence.jpg")
    course = CourseFactory(slug="soviet", title="Soviet History", time_zone="America/New_York")
    instructor = MembershipFactory(course=course, role="instructor", display_name="Prof. Nelson").user
    kate = MembershipFactory(course=course, display_name="Kate P.").user
    caitlin = MembershipFactory(course=course, display_name="Caitlin").user
    essays = CategoryFactory(course=course, name="Essays", slug="essays")
    sources = CategoryFactory(course=course, name="Primary sources", slug="primary-sources")
    thaw = Tag.objects.create(course=course, name="The Thaw", slug="thaw")
    gulag = Tag.objects.create(course=course, name="Gulag", slug="gulag")

    speech = PostFactory(
        course=course,
        author=kate,
        title="The Secret Speech",
        slug="the-secret-speech",
        category=essays,
        published_at=when(1, 14, 30, 15),
        body=ESSAY.format(course=course.slug),
    )
    speech.tags.add(thaw, gulag)
    fence = PostFactory(
        course=course,
        author=caitlin,
        title="A fence & a camp",
        slug="a-fence",
        category=sources,
        published_at=when(9, 2, 30, 59),  # 22:30 on the 8th in New York: the file's two dates differ
        body=FIGURE,
    )
    fence.tags.add(gulag)
    PostFactory(
        course=course,
        author=kate,
        title="Half written",
        slug="half-written",
        category=essays,
        status=Post.Status.DRAFT,
        published_at=None,
        body="Notes for *later*.",
    )

    top = comment(speech, at=when(2, 9), author=caitlin, body="A careful reading, *well* sourced.")
    reply = comment(speech, at=when(2, 11), author=kate, parent=top, body="Thank you! See p. 270.")
    comment(
        speech,
        at=when(3, 8, 15, 1),
        author=None,
        guest_name="A visitor",
        guest_email="visitor@example.org",
        parent=reply,
        status="approved",
        body="Depth three, from outside.",
    )
    comment(speech, at=when(3, 12), author=instructor, body="Good thread.", parent=top)
    comment(speech, at=when(4, 9), author=caitlin, status="pending", body="Waiting for a moderator.")
    comment(speech, at=when(4, 10), author=None, guest_name="Spammer", body="Buy now", status="spam")
    comment(fence, at=when(9, 7, 0, 30), author=kate, body="Where was this taken?")
    return course


def _round_trip(course, tmp_path):
    path = tmp_path / "soviet.xml"
    with path.open("wb") as out:
        write_wxr(course, out)
    copy = CourseFactory(slug="soviet-copy", title="Soviet History again", time_zone=course.time_zone)
    report = import_wxr(path, course=copy)
    return copy, report, path


def _words(html: str) -> str:
    return " ".join(plain_text(html).split())


def _posts(course):
    posts = Post.objects.filter(course=course).select_related("category").prefetch_related("tags")
    return {
        post.slug: {
            "title": post.title,
            "status": post.status,
            "published_at": post.published_at,
            "category": (post.category.slug, post.category.name),
            "tags": sorted((tag.slug, tag.name) for tag in post.tags.all()),
            "author": post.author_id,
        }
        for post in posts
    }


def _threads(course):
    """Each post's comments as (path of bodies from the top, status, who, when): threading made visible."""
    threads = {}
    for post in Post.objects.filter(course=course):
        comments = {c.pk: c for c in post.comments.all()}

        def path(c, comments=comments):
            return (*path(comments[c.parent_id]), c.body) if c.parent_id else (c.body,)

        threads[post.slug] = sorted(
            (path(c), c.depth, c.status, c.author_id, c.guest_name, c.guest_email, c.created_at)
            for c in comments.values()
        )
    return threads


def test_posts_come_back_with_their_titles_slugs_dates_statuses_categories_and_tags(original, tmp_path):
    copy, report, _ = _round_trip(original, tmp_path)

    assert _posts(copy) == _posts(original)
    assert report.imported["posts"] == 3
    # Only the categories and tags the course had (no "Uncategorized" made on the way).
    assert sorted(copy.categories.values_list("slug", "name")) == sorted(
        original.categories.values_list("slug", "name")
    )
    assert sorted(copy.tags.values_list("slug", "name")) == sorted(original.tags.values_list("slug", "name"))


def test_comments_come_back_with_the_same_threading_statuses_authors_and_dates(original, tmp_path):
    copy, report, _ = _round_trip(original, tmp_path)

    assert _threads(copy) == _threads(original)
    assert report.imported["comments"] == 7
    speech = Post.objects.get(course=copy, slug="the-secret-speech")
    assert speech.comments.filter(depth=3).get().guest_name == "A visitor"
    assert speech.comment_count == 4  # the approved ones, counted for the copy's lists


def test_the_people_are_the_same_accounts_with_the_same_names_in_the_new_course(original, tmp_path):
    copy, _, _ = _round_trip(original, tmp_path)

    writers = set(Post.objects.filter(course=original).values_list("author", flat=True))
    writers |= set(
        Comment.objects.filter(post__course=original, author__isnull=False).values_list("author", flat=True)
    )
    names = dict(original.memberships.filter(user__in=writers).values_list("user", "display_name"))
    assert dict(copy.memberships.values_list("user", "display_name")) == names


@pytest.mark.parametrize("slug", ["the-secret-speech", "a-fence", "half-written"])
def test_the_text_of_every_post_comes_back(original, tmp_path, slug):
    copy, _, _ = _round_trip(original, tmp_path)

    before = Post.objects.get(course=original, slug=slug)
    after = Post.objects.get(course=copy, slug=slug)
    assert _words(after.body_html) == _words(before.body_html)


def test_comment_text_comes_back(original, tmp_path):
    copy, _, _ = _round_trip(original, tmp_path)

    def texts(course):
        return sorted(_words(c.body_html) for c in Comment.objects.filter(post__course=course))

    assert texts(copy) == texts(original)


def test_the_structure_of_the_essay_survives(original, tmp_path):
    """Heading, quotation, table, list, links and emphasis are still what they were."""
    copy, _, _ = _round_trip(original, tmp_path)
    html = Post.objects.get(course=copy, slug="the-secret-speech").body_html

    assert re.search(r"<h2[^>]*>The speech</h2>", html)
    assert re.search(r"<blockquote>\s*<p>Comrades! We must abolish the cult", html)
    assert "<table>" in html and re.search(r"<td[^>]*>Stalin dies</td>", html)
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert "<em>emphasis</em>" in html and "<strong>strength</strong>" in html and "<s>a strike</s>" in html
    assert 'href="https://example.org/archive?year=1956&amp;lang=en"' in html


def test_footnotes_come_back_as_footnotes(original, tmp_path):
    """A citation still leads to its note: the notes keep their ids, the markers their links."""
    copy, _, _ = _round_trip(original, tmp_path)
    html = Post.objects.get(course=copy, slug="the-secret-speech").body_html

    assert '<section class="footnotes">' in html
    assert html.count('class="footnote-ref"') == 2
    assert '<li id="user-content-fn1" class="footnote-item"><p>Taubman, <em>Khrushchev</em>, p. 270.' in html


def test_importing_the_file_again_changes_nothing(original, tmp_path):
    copy, _, path = _round_trip(original, tmp_path)
    posts, threads = _posts(copy), _threads(copy)

    again = import_wxr(path, course=copy)

    assert again.imported["posts"] == again.imported["comments"] == 0
    assert (_posts(copy), _threads(copy)) == (posts, threads)


def test_the_image_comes_back_as_the_same_figure(original, tmp_path, settings):
    """The image is this site's own: the copy shows the same stored file, with its caption and credit."""
    copy, report, _ = _round_trip(original, tmp_path)

    html = Post.objects.get(course=copy, slug="a-fence").body_html
    assert f'<img src="{settings.MEDIA_URL}posts/2026/10/fence.jpg" alt="The fence at Perm-36"' in html
    assert '<figcaption>The fence at Perm-36 <span class="credit">Photo: Memorial</span></figcaption>' in html
    assert report.missing_media == []
