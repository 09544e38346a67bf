"""A course as a WordPress export file (WXR 1.2), streamed.

The file is what WordPress's own importer reads (Tools › Import › WordPress):
the channel's authors, categories and tags, then one item per post with its
categories, tags and threaded comments, and one attachment item per image a
post shows, pointing at the image's absolute URL (WordPress fetches it from
there). Content is our stored, sanitised body_html with absolute links; every
piece of user text is written as CDATA (or escaped), with characters XML 1.0
cannot carry removed, so no title or comment can break the file.

Who is named how (the file leaves the site, so this is a privacy decision, issue 18's):
- the display name is the member's name in this course (a pseudonym is fine),
  never the account's username or first and last name; someone who has left
  the course is "A former member", as on the site;
- the login is the member's author slug, the random name already in the
  address of their author page here (WordPress puts the login in its author
  pages' addresses too); a former member gets a pseudonym of the same kind,
  stable for the person and course;
- emails are included: both WordPress's importer and ours recognise a person by
  them, and without them every author would come back as a new account. The
  file is personal data, like a backup (README, "Taking a course away");
- the file says nothing of who may read what (WordPress has no members-only
  course, nor students' consent): whoever imports it into a public blog
  decides there what is shown (README).

Queries: four (categories, tags, the highest post id, the people), then three
for every CHUNK_SIZE posts (posts, their tags, their comments), however many
comments or images there are.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC
from email.utils import format_datetime
from html.parser import HTMLParser
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Max, OuterRef, Prefetch, Q, Subquery, prefetch_related_objects
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import slugify

from comments.models import Comment
from courses.models import Course, Membership
from posts.models import FORMER_MEMBER, Category, Post, Tag

CHUNK_SIZE = 200  # posts read at a time: memory stays bounded however large the course

NAMESPACES = {
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "wp": "http://wordpress.org/export/1.2/",
}
WXR_VERSION = "1.2"
NO_DATE = "0000-00-00 00:00:00"  # WordPress's "no date set", e.g. an unscheduled draft's GMT date

# What a comment's status is called in WordPress (wp:comment_approved). A removed
# comment goes to WordPress's trash: its replies keep their place in the thread.
COMMENT_APPROVED = {
    Comment.Status.APPROVED: "1",
    Comment.Status.PENDING: "0",
    Comment.Status.SPAM: "spam",
    Comment.Status.REMOVED: "trash",
}

# Characters XML 1.0 cannot hold, not even as references (control characters, U+FFFE/FFFF).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# A link or image of ours, written site-relative in body_html ("/c/...", "/media/..."). The
# sanitiser writes every attribute in double quotes, with any quote inside as &quot;.
_RELATIVE_URL = re.compile(r'(\s(?:href|src)=")(/(?!/)[^"]*)"')


def xml_text(value) -> str:
    """Text safe between tags: XML's special characters escaped, impossible characters dropped."""
    text = _NOT_XML.sub("", str(value))
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def xml_attribute(value) -> str:
    return xml_text(value).replace('"', "&quot;")


def cdata(value) -> str:
    """Text as CDATA; a "]]>" inside is split over two sections so it cannot end the first."""
    text = _NOT_XML.sub("", str(value))
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def absolute_url(url: str) -> str:
    if url.startswith("/") and not url.startswith("//"):
        return settings.SITE_URL.rstrip("/") + url
    return url


def absolute_links(html: str) -> str:
    """Stored HTML with its site-relative links and images made absolute (they will live elsewhere)."""
    site = settings.SITE_URL.rstrip("/")
    return _RELATIVE_URL.sub(lambda m: f'{m.group(1)}{site}{m.group(2)}"', html)


def wxr_filename(course: Course, today=None) -> str:
    today = today or timezone.localdate(timezone=course.tz)
    return f"{course.slug}.wordpress.{today:%Y-%m-%d}.xml"


# --- What the file says about people, posts and images ---------------------------------------


@dataclass(frozen=True)
class Person:
    wp_id: int
    login: str
    email: str
    display_name: str


def _former_member_login(course: Course, user_id: int) -> str:
    digest = salted_hmac("wordpress.exporter.login", f"{course.pk}:{user_id}").hexdigest()
    return f"former-member-{digest[:10]}"


def _people(course: Course) -> dict[int, Person]:
    """Everyone who wrote a post or a comment in the course, in one query."""
    membership = Membership.objects.filter(course=course, user=OuterRef("pk")).order_by()
    # Two subqueries, not joins: a join would repeat each person once per post and comment.
    wrote_post = Q(pk__in=Post.objects.filter(course=course).order_by().values("author"))
    wrote_comment = Q(
        pk__in=Comment.objects.filter(post__course=course, author__isnull=False).order_by().values("author")
    )
    users = (
        get_user_model()
        .objects.filter(wrote_post | wrote_comment)
        .annotate(
            course_display_name=Subquery(membership.values("display_name")[:1]),
            course_author_slug=Subquery(membership.values("author_slug")[:1]),
        )
        .only("pk", "email")
        .order_by("pk")
    )
    people = {}
    for user in users:
        if user.course_author_slug:
            login, name = user.course_author_slug, user.course_display_name or user.course_author_slug
        else:
            login, name = _former_member_login(course, user.pk), FORMER_MEMBER
        people[user.pk] = Person(wp_id=user.pk, login=login, email=user.email, display_name=name)
    return people


@dataclass
class Image:
    src: str
    alt: str = ""
    caption: str = ""


class _ImageFinder(HTMLParser):
    """The images of a post's HTML, each with its alt text and its figure's caption."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.images: list[Image] = []
        self._figure_image: Image | None = None
        self._in_figure = False
        self._caption: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "img" and attributes.get("src"):
            image = Image(src=attributes["src"], alt=attributes.get("alt") or "")
            self.images.append(image)
            if self._in_figure:
                self._figure_image = image
        elif tag == "figure":
            self._in_figure = True
        elif tag == "figcaption" and self._in_figure:
            self._caption = []

    def handle_data(self, data):
        if self._caption is not None:
            self._caption.append(data)

    def handle_endtag(self, tag):
        if tag == "figcaption" and self._caption is not None:
            if self._figure_image is not None:
                self._figure_image.caption = " ".join("".join(self._caption).split())
            self._caption = None
        elif tag == "figure":
            self._in_figure = False
            self._figure_image = None


def images_of(html: str) -> list[Image]:
    finder = _ImageFinder()
    finder.feed(html)
    finder.close()
    seen, images = set(), []
    for image in finder.images:
        if image.src not in seen:  # one attachment per image, however often the post shows it
            seen.add(image.src)
            images.append(image)
    return images


def _threaded(comments: list[Comment]) -> list[Comment]:
    """Comments in time order, each after its parent: WordPress's importer links a reply
    only to a parent it has already read."""
    by_parent: dict[int | None, list[Comment]] = {}
    ids = {comment.pk for comment in comments}
    for comment in comments:
        parent = comment.parent_id if comment.parent_id in ids else None
        by_parent.setdefault(parent, []).append(comment)
    ordered, stack = [], list(reversed(by_parent.get(None, [])))
    while stack:
        comment = stack.pop()
        ordered.append(comment)
        stack.extend(reversed(by_parent.get(comment.pk, [])))
    return ordered


# --- Writing ------------------------------------------------------------------------------


def _wp_date(moment, zone) -> str:
    return timezone.localtime(moment, zone).strftime("%Y-%m-%d %H:%M:%S")


def _gmt_date(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def _post_status(post: Post, now) -> str:
    if not post.is_published:
        return "draft"
    return "future" if post.published_at > now else "publish"


@dataclass
class ExportCounts:
    """What a file holds, filled in as it is written."""

    authors: int = 0
    categories: int = 0
    tags: int = 0
    posts: int = 0
    comments: int = 0
    attachments: int = 0

    def as_text(self) -> str:
        return (
            f"{self.posts} posts, {self.comments} comments, {self.attachments} images, "
            f"{self.categories} categories, {self.tags} tags, {self.authors} authors"
        )


@dataclass
class _Export:
    course: Course
    people: dict[int, Person]
    categories: dict[int, tuple[int, Category]]  # our id -> (term id in the file, category)
    tags: dict[int, tuple[int, Tag]]
    next_attachment_id: int
    counts: ExportCounts
    now: object = field(default_factory=timezone.now)

    @property
    def zone(self):
        return self.course.tz

    def person(self, user_id) -> Person:
        if user_id not in self.people:  # an account the people query did not see (written meanwhile)
            login = _former_member_login(self.course, user_id)
            self.people[user_id] = Person(wp_id=user_id, login=login, email="", display_name=FORMER_MEMBER)
        return self.people[user_id]


def _channel_head(export: _Export) -> str:
    course = export.course
    namespaces = "".join(f'\n\txmlns:{prefix}="{uri}"' for prefix, uri in NAMESPACES.items())
    lines = [
        '<?xml version="1.0" encoding="UTF-8" ?>',
        "<!-- A WordPress eXtended RSS (WXR) file: one course of coursesite, for WordPress's importer",
        "     (Tools > Import > WordPress) or coursesite's own (manage.py import_wxr). -->",
        f'<rss version="2.0"{namespaces}\n>',
        "<channel>",
        f"\t<title>{xml_text(course.title)}</title>",
        f"\t<link>{xml_text(absolute_url(course.get_absolute_url()))}</link>",
        f"\t<description>{xml_text(course.description)}</description>",
        f"\t<pubDate>{format_datetime(export.now.astimezone(UTC), usegmt=True)}</pubDate>",
        f"\t<language>{xml_text(settings.LANGUAGE_CODE)}</language>",
        f"\t<wp:wxr_version>{WXR_VERSION}</wp:wxr_version>",
        f"\t<wp:base_site_url>{xml_text(settings.SITE_URL.rstrip('/') + '/')}</wp:base_site_url>",
        f"\t<wp:base_blog_url>{xml_text(absolute_url(course.get_absolute_url()))}</wp:base_blog_url>",
    ]
    for person in export.people.values():
        lines.append(
            "\t<wp:author>"
            f"<wp:author_id>{person.wp_id}</wp:author_id>"
            f"<wp:author_login>{cdata(person.login)}</wp:author_login>"
            f"<wp:author_email>{cdata(person.email)}</wp:author_email>"
            f"<wp:author_display_name>{cdata(person.display_name)}</wp:author_display_name>"
            "<wp:author_first_name><![CDATA[]]></wp:author_first_name>"
            "<wp:author_last_name><![CDATA[]]></wp:author_last_name>"
            "</wp:author>"
        )
    for term_id, category in export.categories.values():
        lines.append(
            "\t<wp:category>"
            f"<wp:term_id>{term_id}</wp:term_id>"
            f"<wp:category_nicename>{cdata(category.slug)}</wp:category_nicename>"
            "<wp:category_parent><![CDATA[]]></wp:category_parent>"
            f"<wp:cat_name>{cdata(category.name)}</wp:cat_name>"
            "</wp:category>"
        )
    for term_id, tag in export.tags.values():
        lines.append(
            "\t<wp:tag>"
            f"<wp:term_id>{term_id}</wp:term_id>"
            f"<wp:tag_slug>{cdata(tag.slug)}</wp:tag_slug>"
            f"<wp:tag_name>{cdata(tag.name)}</wp:tag_name>"
            "</wp:tag>"
        )
    lines.append("\t<generator>coursesite</generator>")
    return "\n".join(lines) + "\n"


def _comment_xml(export: _Export, comment: Comment) -> str:
    if comment.author_id is None:
        name, email, user_id = comment.guest_name, comment.guest_email, 0
    else:
        person = export.person(comment.author_id)
        name, email, user_id = person.display_name, person.email, person.wp_id
    return "\n".join(
        [
            "\t\t<wp:comment>",
            f"\t\t\t<wp:comment_id>{comment.pk}</wp:comment_id>",
            f"\t\t\t<wp:comment_author>{cdata(name)}</wp:comment_author>",
            f"\t\t\t<wp:comment_author_email>{cdata(email)}</wp:comment_author_email>",
            "\t\t\t<wp:comment_author_url></wp:comment_author_url>",
            "\t\t\t<wp:comment_author_IP></wp:comment_author_IP>",
            f"\t\t\t<wp:comment_date>{_wp_date(comment.created_at, export.zone)}</wp:comment_date>",
            f"\t\t\t<wp:comment_date_gmt>{_gmt_date(comment.created_at)}</wp:comment_date_gmt>",
            f"\t\t\t<wp:comment_content>{cdata(absolute_links(comment.body_html))}</wp:comment_content>",
            f"\t\t\t<wp:comment_approved>{COMMENT_APPROVED[comment.status]}</wp:comment_approved>",
            "\t\t\t<wp:comment_type>comment</wp:comment_type>",
            f"\t\t\t<wp:comment_parent>{comment.parent_id or 0}</wp:comment_parent>",
            f"\t\t\t<wp:comment_user_id>{user_id}</wp:comment_user_id>",
            "\t\t</wp:comment>",
        ]
    )


def _item_dates(export: _Export, post: Post) -> tuple[str, str, str]:
    """pubDate, post_date (the course's wall clock) and post_date_gmt."""
    if post.published_at is None:
        # A draft never given a date: WordPress dates it when it is published.
        return "", _wp_date(post.created_at, export.zone), NO_DATE
    return (
        format_datetime(post.published_at.astimezone(UTC), usegmt=True),
        _wp_date(post.published_at, export.zone),
        _gmt_date(post.published_at),
    )


def _post_xml(export: _Export, post: Post) -> str:
    author = export.person(post.author_id)
    pub_date, post_date, post_date_gmt = _item_dates(export, post)
    url = absolute_url(post.get_absolute_url())
    lines = [
        "\t<item>",
        f"\t\t<title>{cdata(post.title)}</title>",
        f"\t\t<link>{xml_text(url)}</link>",
        f"\t\t<pubDate>{pub_date}</pubDate>",
        f"\t\t<dc:creator>{cdata(author.login)}</dc:creator>",
        f'\t\t<guid isPermaLink="false">{xml_text(post_guid(post))}</guid>',
        "\t\t<description></description>",
        f"\t\t<content:encoded>{cdata(absolute_links(post.body_html))}</content:encoded>",
        # Our excerpts are made from the text, as WordPress makes its own when this is empty.
        "\t\t<excerpt:encoded><![CDATA[]]></excerpt:encoded>",
        f"\t\t<wp:post_id>{post.pk}</wp:post_id>",
        f"\t\t<wp:post_date>{post_date}</wp:post_date>",
        f"\t\t<wp:post_date_gmt>{post_date_gmt}</wp:post_date_gmt>",
        f"\t\t<wp:post_modified>{_wp_date(post.updated_at, export.zone)}</wp:post_modified>",
        f"\t\t<wp:post_modified_gmt>{_gmt_date(post.updated_at)}</wp:post_modified_gmt>",
        "\t\t<wp:comment_status>open</wp:comment_status>",
        "\t\t<wp:ping_status>closed</wp:ping_status>",
        f"\t\t<wp:post_name>{cdata(post.slug)}</wp:post_name>",
        f"\t\t<wp:status>{_post_status(post, export.now)}</wp:status>",
        "\t\t<wp:post_parent>0</wp:post_parent>",
        "\t\t<wp:menu_order>0</wp:menu_order>",
        "\t\t<wp:post_type>post</wp:post_type>",
        "\t\t<wp:post_password></wp:post_password>",
        "\t\t<wp:is_sticky>0</wp:is_sticky>",
    ]
    _, category = export.categories[post.category_id]
    lines.append(
        f'\t\t<category domain="category" nicename="{xml_attribute(category.slug)}">'
        f"{cdata(category.name)}</category>"
    )
    for tag in post.tags.all():
        nicename = xml_attribute(tag.slug)
        lines.append(f'\t\t<category domain="post_tag" nicename="{nicename}">{cdata(tag.name)}</category>')
    for comment in _threaded(list(post.comments.all())):
        lines.append(_comment_xml(export, comment))
    lines.append("\t</item>")
    return "\n".join(lines) + "\n"


def post_guid(post: Post) -> str:
    """Stable for the post whatever its slug or date: an importer recognises it on a second run."""
    return f"{settings.SITE_URL.rstrip('/')}/?p={post.pk}"


def _attachment_xml(export: _Export, post: Post, image: Image) -> str:
    url = absolute_url(image.src)
    name = PurePosixPath(image.src.split("?")[0]).name
    attachment_id = export.next_attachment_id
    export.next_attachment_id += 1
    author = export.person(post.author_id)
    pub_date, post_date, post_date_gmt = _item_dates(export, post)
    lines = [
        "\t<item>",
        f"\t\t<title>{cdata(image.alt or name)}</title>",
        f"\t\t<link>{xml_text(url)}</link>",
        f"\t\t<pubDate>{pub_date}</pubDate>",
        f"\t\t<dc:creator>{cdata(author.login)}</dc:creator>",
        f'\t\t<guid isPermaLink="false">{xml_text(url)}</guid>',
        "\t\t<description></description>",
        "\t\t<content:encoded><![CDATA[]]></content:encoded>",
        # WordPress keeps an image's caption as the attachment's excerpt.
        f"\t\t<excerpt:encoded>{cdata(image.caption)}</excerpt:encoded>",
        f"\t\t<wp:post_id>{attachment_id}</wp:post_id>",
        f"\t\t<wp:post_date>{post_date}</wp:post_date>",
        f"\t\t<wp:post_date_gmt>{post_date_gmt}</wp:post_date_gmt>",
        "\t\t<wp:comment_status>closed</wp:comment_status>",
        "\t\t<wp:ping_status>closed</wp:ping_status>",
        f"\t\t<wp:post_name>{cdata(slugify(PurePosixPath(name).stem) or attachment_id)}</wp:post_name>",
        "\t\t<wp:status>inherit</wp:status>",
        f"\t\t<wp:post_parent>{post.pk}</wp:post_parent>",
        "\t\t<wp:menu_order>0</wp:menu_order>",
        "\t\t<wp:post_type>attachment</wp:post_type>",
        "\t\t<wp:post_password></wp:post_password>",
        "\t\t<wp:is_sticky>0</wp:is_sticky>",
        f"\t\t<wp:attachment_url>{cdata(url)}</wp:attachment_url>",
        "\t\t<wp:postmeta>",
        "\t\t\t<wp:meta_key><![CDATA[_wp_attachment_image_alt]]></wp:meta_key>",
        f"\t\t\t<wp:meta_value>{cdata(image.alt)}</wp:meta_value>",
        "\t\t</wp:postmeta>",
        "\t</item>",
    ]
    return "\n".join(lines) + "\n"


def iter_wxr(
    course: Course, *, chunk_size: int = CHUNK_SIZE, counts: ExportCounts | None = None
) -> Iterator[str]:
    """The course's WXR file, piece by piece (a post and its attachments at a time).

    `counts`, if given, is filled in as the file is written.
    """
    counts = counts if counts is not None else ExportCounts()
    # What exists when the export starts: a post or comment written meanwhile waits for the next one
    # (and cannot name someone the file's authors leave out, nor take an attachment's id).
    now = timezone.now()
    categories = Category.objects.filter(course=course).order_by("pk")
    tags = Tag.objects.filter(course=course).order_by("pk")
    category_terms = {category.pk: (n, category) for n, category in enumerate(categories, start=1)}
    # Term ids are shared by categories and tags in WordPress: tags are numbered after.
    tag_terms = {tag.pk: (n, tag) for n, tag in enumerate(tags, start=len(category_terms) + 1)}
    # Through the course: each post knows its course (for its URL) without a query.
    posts = course.posts.defer("body").order_by("pk")
    highest = posts.aggregate(highest=Max("pk"))["highest"] or 0
    posts = posts.filter(pk__lte=highest)
    export = _Export(
        course=course,
        people=_people(course),
        categories=category_terms,
        tags=tag_terms,
        next_attachment_id=highest + 1,  # attachments share WordPress's numbering with posts
        counts=counts,
        now=now,
    )
    counts.authors, counts.categories, counts.tags = len(export.people), len(category_terms), len(tag_terms)
    yield _channel_head(export)

    comments = Prefetch(
        "comments", queryset=Comment.objects.filter(created_at__lte=now).order_by("created_at", "pk")
    )
    after = 0
    while True:
        # Keyset pages by primary key: each page is one indexed query, whatever its place.
        chunk = list(posts.filter(pk__gt=after)[:chunk_size])
        if not chunk:
            break
        prefetch_related_objects(chunk, "tags", comments)
        for post in chunk:
            images = images_of(post.body_html)
            parts = [_post_xml(export, post)]
            parts.extend(_attachment_xml(export, post, image) for image in images)
            counts.posts += 1
            counts.comments += len(post.comments.all())
            counts.attachments += len(images)
            yield "".join(parts)
        if len(chunk) < chunk_size:
            break
        after = chunk[-1].pk
    yield "</channel>\n</rss>\n"


def iter_wxr_bytes(course: Course, **kwargs) -> Iterator[bytes]:
    for piece in iter_wxr(course, **kwargs):
        yield piece.encode("utf-8")


def write_wxr(course: Course, out, *, counts: ExportCounts | None = None) -> int:
    """Write the course's WXR to a binary file; the number of bytes written."""
    written = 0
    for piece in iter_wxr_bytes(course, counts=counts):
        out.write(piece)
        written += len(piece)
    return written
