"""What an instructor sees after importing a WordPress blog: authors, comments, images, a second run."""

import io
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.urls import reverse
from PIL import Image

from comments.models import Comment
from courses.models import Invitation, Membership
from posts.models import Post, PostImage
from tests.factories import CourseFactory, InstructorFactory, MembershipFactory, UserFactory
from wordpress.importer import import_wxr

User = get_user_model()
SITE = "http://blog.example.edu"


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def comment_xml(cid, *, text, author="Reader", email="", parent=0, approved="1", kind="", date="2014-03-02"):
    return f"""
    <wp:comment>
      <wp:comment_id>{cid}</wp:comment_id>
      <wp:comment_author>{cdata(author)}</wp:comment_author>
      <wp:comment_author_email>{escape(email)}</wp:comment_author_email>
      <wp:comment_date>{date} 10:00:00</wp:comment_date>
      <wp:comment_date_gmt>{date} 15:00:00</wp:comment_date_gmt>
      <wp:comment_content>{cdata(text)}</wp:comment_content>
      <wp:comment_approved>{approved}</wp:comment_approved>
      <wp:comment_type>{kind}</wp:comment_type>
      <wp:comment_parent>{parent}</wp:comment_parent>
      <wp:comment_user_id>0</wp:comment_user_id>
    </wp:comment>"""


def item_xml(
    pid,
    *,
    title="A post",
    content="Some text.",
    creator="kpeters",
    status="publish",
    post_type="post",
    slug=None,
    comments="",
    terms="",
    attachment_url="",
    date="2014-03-01",
):
    return f"""
  <item>
    <title>{cdata(title)}</title>
    <link>{SITE}/?p={pid}</link>
    <guid isPermaLink="false">{SITE}/?p={pid}</guid>
    <dc:creator>{cdata(creator)}</dc:creator>
    <content:encoded>{cdata(content)}</content:encoded>
    <excerpt:encoded>{cdata("")}</excerpt:encoded>
    <wp:post_id>{pid}</wp:post_id>
    <wp:post_date>{date} 09:00:00</wp:post_date>
    <wp:post_date_gmt>{date} 14:00:00</wp:post_date_gmt>
    <wp:post_name>{slug if slug is not None else f"post-{pid}"}</wp:post_name>
    <wp:status>{status}</wp:status>
    <wp:post_type>{post_type}</wp:post_type>
    <wp:attachment_url>{attachment_url}</wp:attachment_url>
    {terms}
    {comments}
  </item>"""


def author_xml(login, email, display):
    return f"""
  <wp:author>
    <wp:author_id>{len(login)}</wp:author_id><wp:author_login>{cdata(login)}</wp:author_login>
    <wp:author_email>{cdata(email)}</wp:author_email>
    <wp:author_display_name>{cdata(display)}</wp:author_display_name>
  </wp:author>"""


def wxr(*parts: str, authors=None) -> bytes:
    if authors is None:
        authors = [("kpeters", "kpeters@example.edu", "K. Peters")]
    head = "".join(author_xml(*a) for a in authors)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Soviet History</title>
  <link>{SITE}</link>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_site_url>{SITE}</wp:base_site_url>
  <wp:base_blog_url>{SITE}</wp:base_blog_url>
  {head}
  {"".join(parts)}
</channel>
</rss>""".encode()


def run(data: bytes, course, **options):
    return import_wxr(io.BytesIO(data), course=course, **options)


@pytest.fixture
def course(db):
    return CourseFactory(slug="soviet", max_comment_depth=3)


def test_an_author_with_an_account_is_matched_by_email_and_keeps_one_account(course):
    existing = UserFactory(username="kp", email="KPeters@example.edu")
    report = run(wxr(item_xml(1)), course)
    post = Post.objects.get(course=course)
    assert post.author == existing
    assert User.objects.filter(email__iexact="kpeters@example.edu").count() == 1
    assert Membership.objects.get(course=course, user=existing).display_name == "K. Peters"
    assert report.imported["authors"] == 1


def test_a_new_author_is_an_invited_account_with_their_display_name(
    course, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run(wxr(item_xml(1), authors=[("Jane Doe", "jane@example.edu", "Jane D.")]), course)
    user = User.objects.get(email="jane@example.edu")
    assert user.username == "Jane-Doe"
    assert not user.has_usable_password()
    membership = Membership.objects.get(course=course, user=user)
    assert (membership.display_name, membership.role) == ("Jane D.", Membership.Role.STUDENT)
    assert [m.to for m in mail.outbox] == [["jane@example.edu"]]
    assert "Choose a password" in mail.outbox[0].body


def test_an_instructors_import_invites_an_existing_account_instead_of_enrolling_it(course):
    instructor = InstructorFactory(course=course).user
    outsider = UserFactory(email="kpeters@example.edu")
    report = run(wxr(item_xml(1)), course, by=instructor)
    assert not Membership.objects.filter(course=course, user=outsider).exists()
    assert Invitation.objects.pending().filter(course=course, user=outsider).exists()
    assert "invited" in report.as_text()


def test_comments_keep_threading_status_dates_and_guests(course):
    member = MembershipFactory(course=course, user=UserFactory(email="cpurvis@example.edu"))
    comments = "".join(
        [
            comment_xml(1, text="First!", author="Caitlin", email="cpurvis@example.edu"),
            comment_xml(2, text="A reply", author="Guest Person", email="guest@example.org", parent=1),
            comment_xml(
                3, text="Reply to the reply", author="Caitlin", email="cpurvis@example.edu", parent=2
            ),
            comment_xml(4, text="Too deep", author="Guest Person", parent=3),
            comment_xml(5, text="Held one", author="Someone", approved="0"),
            comment_xml(6, text="Buy pills", author="Spammer", approved="spam"),
            comment_xml(7, text="Linked here", author="Other blog", kind="pingback"),
        ]
    )
    report = run(wxr(item_xml(1, comments=comments)), course)
    post = Post.objects.get(course=course)
    by_text = {c.body: c for c in Comment.objects.filter(post=post)}
    assert set(by_text) == {"First!", "A reply", "Reply to the reply", "Too deep", "Held one", "Buy pills"}
    assert by_text["First!"].author == member.user
    assert by_text["A reply"].author is None
    assert (by_text["A reply"].guest_name, by_text["A reply"].guest_email) == (
        "Guest Person",
        "guest@example.org",
    )
    assert by_text["A reply"].parent == by_text["First!"]
    assert by_text["Reply to the reply"].parent == by_text["A reply"]
    # The course allows 3 levels: the fourth is attached at the deepest level, as the site does.
    assert by_text["Too deep"].parent == by_text["A reply"] and by_text["Too deep"].depth == 3
    assert by_text["Held one"].status == Comment.Status.PENDING
    assert by_text["Buy pills"].status == Comment.Status.SPAM
    assert by_text["First!"].created_at.isoformat() == "2014-03-02T15:00:00+00:00"
    post.refresh_from_db()
    assert post.comment_count == 4  # approved ones
    assert report.skipped["comments"]["pingbacks and trackbacks are not imported"] == 1
    assert "deeper than the course's 3 levels" in report.as_text()
    # Years-old comments make no emails and no in-site notices.
    assert mail.outbox == [] or all("comment" not in m.subject.lower() for m in mail.outbox)


def test_the_post_keeps_title_slug_dates_status_categories_and_tags(course):
    terms = (
        '<category domain="category" nicename="week-1"><![CDATA[Week 1]]></category>'
        '<category domain="category" nicename="essays"><![CDATA[Essays]]></category>'
        '<category domain="post_tag" nicename="gulag"><![CDATA[Gulag]]></category>'
    )
    parent_child = (
        "<wp:category><wp:category_nicename>course</wp:category_nicename><wp:category_parent></wp:category_parent>"
        "<wp:cat_name>Course</wp:cat_name></wp:category>"
        "<wp:category><wp:category_nicename>week-1</wp:category_nicename>"
        "<wp:category_parent>course</wp:category_parent><wp:cat_name>Week 1</wp:cat_name></wp:category>"
    )
    run(
        wxr(
            parent_child,
            item_xml(1, title="Tom &amp; Jerry", slug="the-slug", terms=terms),
            item_xml(2, title="Later", slug="the-slug", status="future", date="2031-05-01"),
            item_xml(3, title="A page", post_type="page"),
            item_xml(4, title="Binned", status="trash"),
        ),
        course,
    )
    first = Post.objects.get(course=course, title="Tom & Jerry")
    assert first.slug == "the-slug" and first.is_published
    assert first.published_at.isoformat() == "2014-03-01T14:00:00+00:00"
    assert first.category.name == "Course › Week 1"
    assert sorted(t.name for t in first.tags.all()) == ["Essays", "Gulag"]
    later = Post.objects.get(course=course, title="Later")
    assert later.slug == "the-slug-2"
    assert later.is_published and not later.is_live  # scheduled, as in WordPress
    assert later.published_at.isoformat() == "2031-05-01T14:00:00+00:00"
    assert Post.objects.get(course=course, title="A page").category.name == "Pages"
    assert not Post.objects.filter(title="Binned").exists()


def test_content_is_converted_to_markdown_with_captions_and_unknown_shortcodes_listed(course, tmp_path):
    uploads = tmp_path / "uploads" / "2014" / "03"
    uploads.mkdir(parents=True)
    Image.new("RGB", (40, 30), "red").save(uploads / "fence.jpg", "JPEG")
    content = (
        "<!-- wp:paragraph -->First paragraph with <strong>bold</strong>.\n\n"
        "Second paragraph.<!-- /wp:paragraph -->"
        f'\n\n[caption id="attachment_9" width="300"]<a href="{SITE}/wp-content/uploads/2014/03/fence.jpg">'
        f'<img src="{SITE}/wp-content/uploads/2014/03/fence-300x200.jpg" alt="A fence" /></a> '
        "Fence at the old Gulag[/caption]"
        '\n\n[gallery ids="1,2"]'
        f'\n\n<img src="{SITE}/wp-content/uploads/2014/03/gone.jpg" alt="Gone">'
        '\n\n<img src="http://elsewhere.example.com/wp-content/uploads/x.jpg" alt="Far">'
    )
    report = run(wxr(item_xml(1, content=content)), course, media_dir=tmp_path / "uploads")
    post = Post.objects.get(course=course)
    image = PostImage.objects.get()
    assert "First paragraph with **bold**." in post.body
    assert "<!--" not in post.body
    assert f'![A fence]({image.file.url} "Fence at the old Gulag")' in post.body
    assert f'<figure><img src="{image.file.url}" alt="A fence"' in post.body_html
    assert "<figcaption>Fence at the old Gulag</figcaption>" in post.body_html
    assert '[gallery ids="1,2"]' in post.body_html
    assert report.unknown_shortcodes == {"gallery": 1}
    assert report.imported["images"] == 1
    text = report.as_text()
    assert "2014/03/gone.jpg (not found in the media folder)" in text
    assert "elsewhere.example.com/wp-content/uploads/x.jpg (not in this blog's uploads folder" in text
    assert 'href="http://blog.example.edu/wp-content/uploads/2014/03/gone.jpg"' in post.body_html


def test_running_it_again_changes_nothing(course, tmp_path):
    (tmp_path / "2014").mkdir()
    Image.new("RGB", (10, 10), "blue").save(tmp_path / "2014" / "a.png", "PNG")
    data = wxr(
        item_xml(
            1,
            content=f'<img src="{SITE}/wp-content/uploads/2014/a.png" alt="Blue">',
            comments=comment_xml(1, text="Hi") + comment_xml(2, text="Re", parent=1),
        ),
        item_xml(
            2,
            post_type="attachment",
            status="inherit",
            attachment_url=f"{SITE}/wp-content/uploads/2014/a.png",
        ),
    )
    first = run(data, course, media_dir=tmp_path)
    counts = lambda: (  # noqa: E731
        Post.objects.count(),
        Comment.objects.count(),
        PostImage.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    )
    before = counts()
    second = run(data, course, media_dir=tmp_path)
    assert counts() == before
    assert first.imported["posts"] == 1 and first.imported["comments"] == 2 and first.imported["images"] == 1
    assert sum(second.imported.values()) == 0
    assert second.skipped["posts"]["already imported"] == 1
    assert second.skipped["comments"]["already imported"] == 2
    # A later export with one more reply brings only that one.
    more = data.replace(
        b"</wp:comment>\n  </item>",
        b"</wp:comment>" + comment_xml(3, text="New", parent=2).encode() + b"\n  </item>",
        1,
    )
    third = run(more, course, media_dir=tmp_path)
    assert third.imported["comments"] == 1
    assert Comment.objects.get(body="New").parent == Comment.objects.get(body="Re")


def test_a_dry_run_changes_nothing_and_says_what_would_happen(course, tmp_path, settings):
    Image.new("RGB", (10, 10), "blue").save(tmp_path / "a.png", "PNG")
    data = wxr(
        item_xml(
            1,
            content=f'<img src="{SITE}/wp-content/uploads/a.png" alt="x">',
            comments=comment_xml(1, text="Hi"),
        )
    )
    users = User.objects.count()
    report = run(data, course, media_dir=tmp_path, dry_run=True)
    assert (Post.objects.count(), Comment.objects.count(), PostImage.objects.count()) == (0, 0, 0)
    assert User.objects.count() == users
    assert mail.outbox == []
    assert (
        report.imported["posts"] == 1 and report.imported["comments"] == 1 and report.imported["images"] == 1
    )
    assert report.as_text().startswith("Would import into")
    assert not any(p.is_file() for p in Path(settings.MEDIA_ROOT).rglob("*"))


def test_the_command_prints_the_report(course, tmp_path):
    path = tmp_path / "export.xml"
    path.write_bytes(wxr(item_xml(1, comments=comment_xml(1, text="Hi"))))
    out = io.StringIO()
    call_command("import_wxr", str(path), "--course", "soviet", stdout=out)
    text = out.getvalue()
    assert "Imported into" in text and "posts: 1" in text and "comments: 1" in text and "authors: 1" in text
    out = io.StringIO()
    call_command("import_wxr", str(path), "--course", "soviet", stdout=out)
    assert "posts: 0" in out.getvalue() and "posts: 1 (already imported)" in out.getvalue()


def test_the_command_refuses_clearly(course, tmp_path):
    broken = tmp_path / "broken.xml"
    broken.write_bytes(wxr(item_xml(1))[:-40])
    with pytest.raises(
        CommandError, match=r"broken.xml: The file is not well-formed XML .* line \d+, column \d+"
    ):
        call_command("import_wxr", str(broken), "--course", "soviet")
    with pytest.raises(CommandError, match="No course has the slug"):
        call_command("import_wxr", str(broken), "--course", "nope")
    with pytest.raises(CommandError, match="no such folder"):
        call_command("import_wxr", str(broken), "--course", "soviet", "--media", str(tmp_path / "none"))
    assert not Post.objects.exists()


def test_an_image_without_alt_text_takes_the_media_librarys_or_keeps_the_post_a_draft(course, tmp_path):
    for name in ("described.png", "bare.png"):
        Image.new("RGB", (10, 10), "green").save(tmp_path / name, "PNG")
    library = (
        "<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key>"
        "<wp:meta_value><![CDATA[A green square]]></wp:meta_value></wp:postmeta>"
    )
    attachment = item_xml(
        9, post_type="attachment", status="inherit", attachment_url=f"{SITE}/wp-content/uploads/described.png"
    ).replace("</item>", library + "</item>")
    report = run(
        wxr(
            attachment,
            item_xml(1, title="Described", content=f'<img src="{SITE}/wp-content/uploads/described.png">'),
            item_xml(2, title="Bare", content=f'<img src="{SITE}/wp-content/uploads/bare.png" alt="">'),
        ),
        course,
        media_dir=tmp_path,
    )
    described = Post.objects.get(title="Described")
    assert described.is_published and 'alt="A green square"' in described.body_html
    bare = Post.objects.get(title="Bare")
    assert bare.status == Post.Status.DRAFT
    assert "“Bare” was published in WordPress, but an image has no alt text" in report.as_text()


def test_imported_posts_and_comments_are_found_by_the_course_search(course, client):
    comments = comment_xml(1, text="Collectivisation in Ukraine") + comment_xml(2, text="Held", approved="0")
    run(wxr(item_xml(1, title="Magnitogorsk", content="Steel town.", comments=comments)), course)
    client.force_login(MembershipFactory(course=course).user)
    found = client.get(
        reverse("search:results", kwargs={"course_slug": course.slug}), {"q": "collectivisation"}
    )
    assert found.status_code == 200
    assert "Magnitogorsk" in found.content.decode()
    held = client.get(reverse("search:results", kwargs={"course_slug": course.slug}), {"q": "held"})
    assert "Magnitogorsk" not in held.content.decode()


def test_block_editor_figures_and_footnotes_become_ours(course, tmp_path):
    Image.new("RGB", (10, 10), "white").save(tmp_path / "snow.jpg", "JPEG")
    content = (
        '<!-- wp:image --><figure class="wp-block-image"><img src="/wp-content/uploads/snow.jpg" alt="Snow">'
        '<figcaption class="wp-element-caption">Siberia <span class="credit">Photo: Memorial</span>'
        "</figcaption>"
        "</figure><!-- /wp:image -->"
        '<!-- wp:paragraph --><p>Winter came early<sup data-fn="abc" class="fn">'
        '<a href="#abc" id="abc-link">1</a></sup>.</p><!-- /wp:paragraph -->'
        '<!-- wp:footnotes --><ol class="wp-block-footnotes"><li id="abc">Conquest, <em>Harvest</em>, p. 12. '
        '<a href="#abc-link" aria-label="Jump to footnote reference 1">↩︎</a></li></ol><!-- /wp:footnotes -->'
    )
    run(wxr(item_xml(1, content=content)), course, media_dir=tmp_path)
    post = Post.objects.get(course=course)
    image = PostImage.objects.get()
    assert f'![Snow]({image.file.url} "Siberia | Photo: Memorial")' in post.body
    assert '<figcaption>Siberia <span class="credit">Photo: Memorial</span></figcaption>' in post.body_html
    assert "Winter came early[^1]." in post.body
    assert "[^1]: Conquest, *Harvest*, p. 12." in post.body
    assert 'class="footnote-ref"' in post.body_html and "↩︎</a>" in post.body_html
    assert post.body.count("↩︎") == 0


def test_an_image_already_in_our_storage_is_shown_again_not_copied(course, settings):
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10), "black").save(buffer, "PNG")
    name = default_storage.save("posts/2026/10/ours.png", ContentFile(buffer.getvalue()))
    content = f'<img src="{settings.SITE_URL}{settings.MEDIA_URL}{name}" alt="Ours">'
    elsewhere = f'<img src="http://evil.example.com{settings.MEDIA_URL}{name}" alt="Theirs">'
    report = run(wxr(item_xml(1, content=content + elsewhere)), course)
    post = Post.objects.get(course=course)
    assert f"![Ours]({settings.MEDIA_URL}{name})" in post.body
    assert "evil.example.com" in report.as_text()  # another host's "media" is never taken for ours
    assert report.imported["images"] == 0 and not PostImage.objects.exists()


def test_a_password_protected_post_is_not_published_to_everyone(course):
    protected = item_xml(1, title="Secret").replace(
        "</item>", "<wp:post_password>hunter2</wp:post_password></item>"
    )
    report = run(wxr(protected), course)
    assert Post.objects.get(title="Secret").status == Post.Status.DRAFT
    assert "“Secret” had a password in WordPress: imported as a draft." in report.as_text()
