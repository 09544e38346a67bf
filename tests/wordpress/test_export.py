"""The course as a WordPress export (WXR 1.2): a file WordPress's importer reads, whatever the text."""

import datetime
import io
import re
import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.core.management import CommandError, call_command

from comments.models import Comment
from posts.models import Tag
from tests.factories import (
    CategoryFactory,
    CommentFactory,
    CourseFactory,
    DraftFactory,
    MembershipFactory,
    PostFactory,
    UserFactory,
)
from tests.servers import missing
from wordpress import exporter

from .shared_fixtures import SHARED_WXR

NS = {
    "wp": "http://wordpress.org/export/1.2/",
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
}
NOW = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)
SITE = "https://blog.example.edu"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE + "/"


def export(course, **kwargs) -> bytes:
    return b"".join(exporter.iter_wxr_bytes(course, **kwargs))


def channel_of(data: bytes):
    root = ET.fromstring(data)  # our own file: the standard library's parser is the check
    assert root.tag == "rss" and root.get("version") == "2.0"
    return root.find("channel")


def items(channel, post_type="post"):
    return [
        item for item in channel.findall("item") if item.findtext("wp:post_type", namespaces=NS) == post_type
    ]


def text(element, path):
    return element.findtext(path, namespaces=NS)


def item_titled(channel, title):
    (found,) = [item for item in items(channel) if item.findtext("title") == title]
    return found


@pytest.fixture
def course(db):
    return CourseFactory(title="Soviet History", slug="soviet", time_zone="Europe/Moscow")


@pytest.fixture
def author(course):
    return MembershipFactory(course=course, user=UserFactory(username="kpeters"), display_name="K. P.")


# --- The file as a whole ------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_the_file_is_well_formed_wxr_1_2_with_the_namespaces_wordpress_reads(course, author):
    PostFactory(course=course, author=author.user, title="Thaw")
    data = export(course)

    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8" ?>')
    for prefix, uri in NS.items():
        assert f'xmlns:{prefix}="{uri}"'.encode() in data
    channel = channel_of(data)
    assert text(channel, "wp:wxr_version") == "1.2"
    assert text(channel, "wp:base_site_url") == SITE + "/"
    assert text(channel, "wp:base_blog_url") == SITE + "/c/soviet/"
    assert channel.findtext("title") == "Soviet History"
    assert channel.findtext("link") == SITE + "/c/soviet/"


@time_machine.travel(NOW, tick=False)
def test_counts_posts_comments_terms_authors_and_images(course, author):
    essays = CategoryFactory(course=course, name="Essays", slug="essays")
    CategoryFactory(course=course, name="Unused", slug="unused")
    thaw, gulag = (Tag.objects.create(course=course, name=n, slug=n.lower()) for n in ("Thaw", "Gulag"))
    commenter = MembershipFactory(course=course, display_name="Classmate")
    first = PostFactory(
        course=course,
        author=author.user,
        category=essays,
        body="![A fence](/media/posts/2026/11/fence.jpg)\n\nText.",
    )
    first.tags.add(thaw, gulag)
    second = PostFactory(course=course, author=commenter.user, category=essays)
    CommentFactory(post=first, author=commenter.user)
    CommentFactory(post=second, author=author.user)
    CommentFactory(post=second, author=None, guest_name="A visitor", guest_email="v@example.org")

    counts = exporter.ExportCounts()
    channel = channel_of(export(course, counts=counts))

    assert len(items(channel)) == 2
    assert len(items(channel, "attachment")) == 1
    assert len(channel.findall("item/wp:comment", NS)) == 3
    # Every category of the course, used or not (as WordPress does).
    assert {text(c, "wp:category_nicename") for c in channel.findall("wp:category", NS)} == {
        "essays",
        "unused",
    }
    assert {text(t, "wp:tag_slug") for t in channel.findall("wp:tag", NS)} == {"thaw", "gulag"}
    # Authors of posts and of comments (WordPress maps comment_user_id through them); not guests.
    assert sorted(text(a, "wp:author_display_name") for a in channel.findall("wp:author", NS)) == [
        "Classmate",
        "K. P.",
    ]
    assert counts.as_text() == "2 posts, 3 comments, 1 images, 2 categories, 2 tags, 2 authors"
    # WordPress shares term ids between categories and tags: none is used twice.
    term_ids = [text(term, "wp:term_id") for term in channel.findall("wp:category", NS)]
    term_ids += [text(term, "wp:term_id") for term in channel.findall("wp:tag", NS)]
    assert len(set(term_ids)) == len(term_ids) == 4


def test_a_course_with_no_posts_is_a_valid_empty_export(course):
    channel = channel_of(export(course))
    assert channel.findall("item") == []
    assert text(channel, "wp:wxr_version") == "1.2"


def test_only_the_course_s_own_posts_are_exported(course, author):
    PostFactory(course=course, author=author.user, title="Ours")
    PostFactory(course=CourseFactory(), title="Another course's")
    channel = channel_of(export(course))
    assert [item.findtext("title") for item in items(channel)] == ["Ours"]


# --- A post ------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_a_published_post_keeps_title_slug_dates_author_terms_and_absolute_links(course, author):
    essays = CategoryFactory(course=course, name="Essays & notes", slug="essays")
    thaw = Tag.objects.create(course=course, name="The Thaw", slug="thaw")
    published = datetime.datetime(2026, 10, 1, 21, 30, 15, tzinfo=datetime.UTC)
    post = PostFactory(
        course=course,
        author=author.user,
        category=essays,
        title="Khrushchev's Secret Speech",
        slug="secret-speech",
        published_at=published,
        body="See [the front page](/c/soviet/) and [elsewhere](https://example.org/x?a=1&b=2).",
    )
    post.tags.add(thaw)

    item = item_titled(channel_of(export(course)), "Khrushchev's Secret Speech")

    assert text(item, "wp:post_name") == "secret-speech"
    assert text(item, "wp:status") == "publish"
    assert text(item, "wp:post_type") == "post"
    assert text(item, "wp:post_id") == str(post.pk)
    assert text(item, "wp:post_date_gmt") == "2026-10-01 21:30:15"
    assert text(item, "wp:post_date") == "2026-10-02 00:30:15"  # the course's clock (Moscow, UTC+3)
    assert item.findtext("pubDate") == "Thu, 01 Oct 2026 21:30:15 GMT"
    assert text(item, "dc:creator") == author.author_slug  # the name in their author page's address
    assert item.findtext("link") == SITE + post.get_absolute_url()
    assert item.find("guid").get("isPermaLink") == "false"
    categories = [(c.get("domain"), c.get("nicename"), c.text) for c in item.findall("category")]
    assert categories == [("category", "essays", "Essays & notes"), ("post_tag", "thaw", "The Thaw")]
    content = text(item, "content:encoded")
    assert f'href="{SITE}/c/soviet/"' in content
    assert 'href="https://example.org/x?a=1&amp;b=2"' in content  # HTML as stored, inside CDATA
    assert content == exporter.absolute_links(post.body_html)


@time_machine.travel(NOW, tick=False)
def test_drafts_are_exported_as_drafts_and_scheduled_posts_as_future(course, author):
    draft = DraftFactory(course=course, author=author.user, title="Half written")
    PostFactory(
        course=course,
        author=author.user,
        title="Next week",
        published_at=NOW + datetime.timedelta(days=7),
    )
    channel = channel_of(export(course))

    half = item_titled(channel, "Half written")
    assert text(half, "wp:status") == "draft"
    assert text(half, "wp:post_date_gmt") == "0000-00-00 00:00:00"  # WordPress's "not dated yet"
    assert text(half, "wp:post_date") == draft.created_at.astimezone(course.tz).strftime("%Y-%m-%d %H:%M:%S")
    assert half.findtext("pubDate") == ""
    future = item_titled(channel, "Next week")
    assert text(future, "wp:status") == "future"
    assert text(future, "wp:post_date_gmt") == "2026-11-27 12:00:00"


# --- Comments ----------------------------------------------------------------------------------


def test_comments_keep_their_threading_status_authors_and_dates(course, author):
    post = PostFactory(course=course, author=author.user)
    classmate = MembershipFactory(course=course, display_name="Caitlin")
    top = CommentFactory(post=post, author=classmate.user, body="First, *well* said.")
    reply = CommentFactory(post=post, author=author.user, parent=top, status="pending")
    deeper = CommentFactory(
        post=post, author=None, guest_name="Visitor", guest_email="v@example.org", parent=reply
    )
    spam = CommentFactory(post=post, author=None, guest_name="Buy now", status="spam")
    removed = CommentFactory(post=post, author=classmate.user, status="removed")
    when = datetime.datetime(2026, 10, 5, 8, 0, 1, tzinfo=datetime.UTC)
    Comment.objects.filter(pk=top.pk).update(created_at=when)

    comments = {
        int(text(c, "wp:comment_id")): c for c in channel_of(export(course)).findall("item/wp:comment", NS)
    }

    assert set(comments) == {top.pk, reply.pk, deeper.pk, spam.pk, removed.pk}
    parents = {pk: int(text(c, "wp:comment_parent")) for pk, c in comments.items()}
    assert parents == {top.pk: 0, reply.pk: top.pk, deeper.pk: reply.pk, spam.pk: 0, removed.pk: 0}
    approved = {pk: text(c, "wp:comment_approved") for pk, c in comments.items()}
    assert approved == {top.pk: "1", reply.pk: "0", deeper.pk: "1", spam.pk: "spam", removed.pk: "trash"}
    first = comments[top.pk]
    assert text(first, "wp:comment_author") == "Caitlin"
    assert text(first, "wp:comment_author_email") == classmate.user.email
    assert text(first, "wp:comment_user_id") == str(classmate.user.pk)
    assert text(first, "wp:comment_date_gmt") == "2026-10-05 08:00:01"
    assert text(first, "wp:comment_date") == "2026-10-05 11:00:01"
    assert text(first, "wp:comment_content") == "<p>First, <em>well</em> said.</p>\n"
    guest = comments[deeper.pk]
    assert (text(guest, "wp:comment_author"), text(guest, "wp:comment_author_email")) == (
        "Visitor",
        "v@example.org",
    )
    assert text(guest, "wp:comment_user_id") == "0"


def test_a_reply_always_comes_after_its_parent(course, author):
    """WordPress's importer links a reply only to a parent it has read already."""
    post = PostFactory(course=course, author=author.user)
    parent = CommentFactory(post=post, author=author.user)
    reply = CommentFactory(post=post, author=author.user, parent=parent)
    # The reply dated earlier than its parent (an imported or edited clock): still after it in the file.
    Comment.objects.filter(pk=reply.pk).update(created_at=parent.created_at - datetime.timedelta(days=1))

    order = [int(text(c, "wp:comment_id")) for c in channel_of(export(course)).findall("item/wp:comment", NS)]
    assert order == [parent.pk, reply.pk]


# --- Images ------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_images_are_attachments_of_their_post_with_absolute_urls_alt_and_caption(course, author):
    post = PostFactory(
        course=course,
        author=author.user,
        body=(
            '![Fence at the old Gulag](/media/posts/2026/11/fence.jpg "The fence | Photo: Memorial")\n\n'
            "Text with the same image inline ![again](/media/posts/2026/11/fence.jpg) and"
            " ![a map](/media/posts/2026/11/map.png).\n"
        ),
    )
    channel = channel_of(export(course))

    attachments = items(channel, "attachment")
    assert [text(a, "wp:attachment_url") for a in attachments] == [
        f"{SITE}/media/posts/2026/11/fence.jpg",
        f"{SITE}/media/posts/2026/11/map.png",
    ]
    fence = attachments[0]
    assert text(fence, "wp:post_parent") == str(post.pk)
    assert text(fence, "wp:status") == "inherit"
    assert fence.findtext("title") == "Fence at the old Gulag"
    assert text(fence, "excerpt:encoded") == "The fence Photo: Memorial"
    meta = {text(m, "wp:meta_key"): text(m, "wp:meta_value") for m in fence.findall("wp:postmeta", NS)}
    assert meta == {"_wp_attachment_image_alt": "Fence at the old Gulag"}
    content = text(item_titled(channel, post.title), "content:encoded")
    assert f'src="{SITE}/media/posts/2026/11/fence.jpg"' in content
    # Attachments share WordPress's numbering with posts: no id is used twice.
    ids = [text(item, "wp:post_id") for item in channel.findall("item")]
    assert len(set(ids)) == len(ids) == 3


# --- Text that tries to break the file ----------------------------------------------------------

HOSTILE_TITLES = [
    "Ends the section ]]> early",
    "]]>",
    "<![CDATA[ nested ]]> twice ]]>]]>",
    "</title></item></channel></rss><rss>",
    "Quotes \" and ' and & and <b>tags</b>",
    "Bidi \u202eevil\u202c, emoji \U0001f680 and \u0416\u0443\u043a\u043e\u0432",
]


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_hostile_text_comes_back_exactly_from_the_file(course, title):
    writer = MembershipFactory(course=course, display_name=title[:80])
    post = PostFactory(course=course, author=writer.user, title=title, body=f"`{title}`\n\n{title}")
    CommentFactory(post=post, author=None, guest_name=title[:80], guest_email="x@example.org", body=title)
    category = CategoryFactory(course=course, name=title[:80], slug="hostile")
    post.category = category
    post.save()

    channel = channel_of(export(course))

    item = items(channel)[0]
    assert item.findtext("title") == title
    assert text(item, "content:encoded") == exporter.absolute_links(post.body_html)
    assert text(item, "wp:comment/wp:comment_author") == title[:80]
    assert [c.text for c in item.findall("category")] == [title[:80]]
    assert text(channel, "wp:author/wp:author_display_name") == title[:80]
    assert title[:80] in [text(c, "wp:cat_name") for c in channel.findall("wp:category", NS)]


def test_characters_xml_cannot_hold_are_dropped_and_the_file_still_parses(course):
    title = "Bell\x07 vertical\x0btab escape\x1b and \ufffe end"
    post = PostFactory(course=course, title=title)
    post.refresh_from_db()
    assert post.title == title  # stored as typed

    channel = channel_of(export(course))
    assert items(channel)[0].findtext("title") == "Bell verticaltab escape and  end"


def test_cdata_splits_every_end_marker():
    for value in ["]]>", "a]]>b]]>c", "]]]]>", "]]>]]>"]:
        wrapped = f"<x>{exporter.cdata(value)}</x>"
        assert ET.fromstring(wrapped).text == value


# --- People and privacy ------------------------------------------------------------------------


@pytest.mark.parametrize("visibility", ["public", "members"])
def test_people_are_named_by_their_name_and_author_slug_in_the_course_never_their_username(db, visibility):
    course = CourseFactory(visibility=visibility)
    user = UserFactory(username="kpeters", email="k@example.edu", first_name="Katherine", last_name="Peters")
    membership = MembershipFactory(course=course, user=user, display_name="K.")
    PostFactory(course=course, author=user)

    data = export(course)

    author = channel_of(data).find("wp:author", NS)
    assert text(author, "wp:author_login") == membership.author_slug
    assert text(channel_of(data).find("item"), "dc:creator") == membership.author_slug
    assert text(author, "wp:author_display_name") == "K."
    assert text(author, "wp:author_email") == "k@example.edu"  # how importers recognise the person
    assert text(author, "wp:author_first_name") == text(author, "wp:author_last_name") == ""
    for private in (b"kpeters", b"Katherine", b"Peters"):
        assert private not in data


def test_an_author_who_left_the_course_is_a_former_member_under_a_stable_pseudonym(course):
    post = PostFactory(course=course, author=UserFactory(username="gone", email="left@example.edu"))
    post.author.memberships.all().delete()

    author = channel_of(export(course)).find("wp:author", NS)

    assert text(author, "wp:author_display_name") == "A former member"
    login = text(author, "wp:author_login")
    assert re.fullmatch(r"former-member-[0-9a-f]{10}", login)
    assert login == text(channel_of(export(course)).find("wp:author", NS), "wp:author_login")
    assert b"gone" not in export(course)


# --- Against what WordPress itself writes ------------------------------------------------------


def _shape(element, skip=()):
    names = set()
    for child in element:
        match = re.fullmatch(r"\{([^}]*)\}(.*)", child.tag)
        if match is None:
            names.add(child.tag)
            continue
        uri, local = match.groups()
        prefix = next(
            (
                p
                for p, pattern in (
                    ("excerpt", r"https?://wordpress\.org/export/[\d.]+/excerpt/"),
                    ("wp", r"https?://wordpress\.org/export/[\d.]+/"),
                    ("content", re.escape(NS["content"])),
                    ("dc", re.escape(NS["dc"])),
                    ("wfw", re.escape(NS["wfw"])),
                )
                if re.fullmatch(pattern, uri)
            ),
            uri,
        )
        names.add(f"{prefix}:{local}")
    return names - set(skip)


def test_every_element_wordpress_writes_for_a_post_and_a_comment_is_in_ours(course, author):
    """WordPress's own export (the importer's test data) names what its importer may read."""
    sample = SHARED_WXR / "small-export.xml"
    if not sample.exists():
        missing(f"{sample} is not there", "the shared WXR fixtures live in ../shared/wxr")
    wordpress_channel = ET.parse(sample).getroot().find("channel")
    wordpress_post = next(
        item for item in wordpress_channel.findall("item") if _shape(item) >= {"wp:comment"}
    )
    post = PostFactory(course=course, author=author.user)
    CommentFactory(post=post, author=author.user)
    ours = channel_of(export(course))

    content_dependent = {"wp:postmeta", "wp:comment", "category"}
    assert _shape(wordpress_post, content_dependent) <= _shape(items(ours)[0])
    wordpress_comment = wordpress_post.find("{http://wordpress.org/export/1.1/}comment")
    assert _shape(wordpress_comment, {"wp:commentmeta"}) <= _shape(items(ours)[0].find("wp:comment", NS))
    channel_level = {"wp:author", "wp:category", "wp:tag", "wp:term", "item"}
    assert _shape(wordpress_channel, channel_level) <= _shape(ours)
    author_fields = _shape(wordpress_channel.find("{http://wordpress.org/export/1.1/}author"))
    assert author_fields <= _shape(ours.find("wp:author", NS))


# --- Queries ------------------------------------------------------------------------------------


def _course_with_posts(n: int):
    course = CourseFactory()
    author = MembershipFactory(course=course)
    category = CategoryFactory(course=course, name="Essays", slug="essays")
    tag = Tag.objects.create(course=course, name="Thaw", slug="thaw")
    for i in range(n):
        post = PostFactory(
            course=course,
            author=MembershipFactory(course=course).user if i % 2 else author.user,
            category=category,
            body=f"![Image {i}](/media/posts/2026/11/{i}.jpg)\n\nText {i}.",
        )
        post.tags.add(tag)
        top = CommentFactory(post=post, author=author.user)
        CommentFactory(post=post, author=None, guest_name="Guest", parent=top)
    DraftFactory(course=course, author=author.user, category=category)
    return course


@pytest.mark.parametrize("posts", [1, 40])
def test_the_export_runs_a_fixed_number_of_queries(db, posts, django_assert_num_queries):
    course = _course_with_posts(posts)
    # Categories, tags, the highest post id, the authors; then per chunk the posts, their tags and
    # their comments (one chunk here: both sizes are below CHUNK_SIZE).
    with django_assert_num_queries(7):
        data = export(course)
    assert len(items(channel_of(data))) == posts + 1


def test_chunks_read_the_posts_in_pieces_and_change_nothing_in_the_file(db, django_assert_num_queries):
    course = _course_with_posts(4)  # 5 posts with the draft
    with time_machine.travel(NOW, tick=False):
        whole = export(course)
        with django_assert_num_queries(4 + 3 * 3):  # three chunks of at most 2 posts
            pieces = export(course, chunk_size=2)
    assert pieces == whole


def test_what_is_written_while_the_file_streams_waits_for_the_next_export(course, author):
    """A post or comment saved mid-download is left out whole: no id clash, no author the file lacks."""
    post = PostFactory(course=course, author=author.user, title="Before")
    pieces = exporter.iter_wxr_bytes(course)
    head = next(pieces)  # the channel: people, categories and tags are read
    with time_machine.travel(datetime.timedelta(seconds=5)):
        newcomer = MembershipFactory(course=course, display_name="Newcomer")
        PostFactory(course=course, author=newcomer.user, title="During")
        CommentFactory(post=post, author=newcomer.user)
    channel = channel_of(head + b"".join(pieces))

    assert [item.findtext("title") for item in channel.findall("item")] == ["Before"]
    assert channel.findall("item/wp:comment", NS) == []


# --- The command --------------------------------------------------------------------------------


def test_the_command_writes_the_file_and_says_what_is_in_it(course, author, tmp_path):
    PostFactory(course=course, author=author.user, title="Thaw")
    target = tmp_path / "soviet.xml"
    out = io.StringIO()

    call_command("export_wxr", "--course", "soviet", "-o", str(target), stdout=out)

    channel = channel_of(target.read_bytes())
    assert [item.findtext("title") for item in items(channel)] == ["Thaw"]
    assert f"Exported Soviet History (Fall 2026) to {target}" in out.getvalue()
    assert "1 posts, 0 comments" in out.getvalue()
    assert target.stat().st_mode & 0o777 == 0o600  # it names members' emails
    assert list(tmp_path.iterdir()) == [target]  # no partial file left beside it


def test_the_command_writes_to_standard_output_without_o(course, author):
    PostFactory(course=course, author=author.user, title="Thaw")
    out = io.StringIO()
    call_command("export_wxr", "--course", "soviet", stdout=out)
    assert [item.findtext("title") for item in items(channel_of(out.getvalue().encode()))] == ["Thaw"]


def test_the_command_refuses_an_unknown_course(db):
    with pytest.raises(CommandError, match="No course with the slug 'nope'"):
        call_command("export_wxr", "--course", "nope")
