"""A course as a static website: a zip of HTML pages, images and one stylesheet that opens from disk.

The way a course blog is kept after the term. Every link is relative, so the
pages work from file://; no page has a script. Post bodies are the stored,
sanitised body_html, with the images they show copied into the zip. Pages and
images are written into the zip one at a time, and posts are read in chunks,
so memory stays bounded however large the course.
"""

import posixpath
import shutil
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from awards.models import Award
from comments.models import Comment, membership_of_author
from courses.models import Course, Membership
from posts.markdown import without_renditions
from posts.models import Post

CHUNK = 100  # posts read (with their comments and awards) per round trip
TEMPLATES = "privacy/static_site"


def audience_warning(course: Course) -> str:
    """The line every page carries: who the course was for, so a copy is not passed on by mistake."""
    if course.is_public:
        return _("Public course: these posts were published on the web, under their authors' display names.")
    return _(
        "Members only: do not share. This copy holds the writing of the course's members, for them alone."
    )


def exported_posts(course: Course):
    """The posts the course's audience reads: the public ones, or every live post of a members-only course."""
    posts = Post.objects.public() if course.is_public else Post.objects.published()
    return posts.filter(course=course)


class _ImageSources(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.sources: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            for name, value in attrs:
                if name == "src" and value:
                    self.sources.append(value)


def _storage_name(src: str) -> str | None:
    """The storage name of an image of ours (under MEDIA_URL), or None for anything else."""
    prefix = settings.MEDIA_URL
    if not src.startswith(prefix):
        return None
    name = unquote(urlsplit(src[len(prefix) :]).path)
    normal = posixpath.normpath(name)
    if normal.startswith(("../", "/")) or normal in ("", ".", ".."):
        return None
    return normal


@dataclass
class _Site:
    course: Course
    archive: zipfile.ZipFile
    warning: str
    images_written: set = field(default_factory=set)
    images_missing: list = field(default_factory=list)

    def page(self, path: str, template: str, **context) -> None:
        depth = path.count("/")
        root = "../" * depth
        html = render_to_string(
            f"{TEMPLATES}/{template}",
            {"course": self.course, "warning": self.warning, "root": root, "exported_at": timezone.now()}
            | context,
        )
        self.archive.writestr(path, html)

    def body_with_local_images(self, body_html: str, root: str) -> str:
        """The stored body, each of our images pointing at its copy in the zip (copied once)."""
        body_html = without_renditions(body_html)  # the smaller copies stay on the server
        parser = _ImageSources()
        parser.feed(body_html)
        for src in dict.fromkeys(parser.sources):
            name = _storage_name(src)
            if name is None:
                continue
            if name not in self.images_written and name not in self.images_missing:
                if default_storage.exists(name):
                    with (
                        default_storage.open(name, "rb") as source,
                        self.archive.open(f"images/{name}", "w") as out,
                    ):
                        shutil.copyfileobj(source, out, 64 * 1024)
                    self.images_written.add(name)
                else:
                    self.images_missing.append(name)
                    continue
            if name in self.images_written:
                # The sanitiser writes attributes in double quotes, with & as &amp; (escape() agrees).
                body_html = body_html.replace(
                    f'src="{escape(src)}"', f'src="{escape(root + "images/" + name)}"'
                )
        return body_html


def post_path(post: Post) -> str:
    return f"posts/{post.slug}.html"


def author_path(membership_slug: str) -> str:
    return f"authors/{membership_slug}.html"


def _threads(comments: list[Comment]) -> list[dict]:
    """Approved comments in thread order, with depth; a hidden parent of approved replies is a placeholder."""
    children = defaultdict(list)
    for comment in comments:
        children[comment.parent_id].append(comment)

    def has_approved(comment) -> bool:
        return comment.is_approved or any(has_approved(c) for c in children[comment.pk])

    rows = []

    def walk(parent_id, depth):
        for comment in children[parent_id]:
            if not has_approved(comment):
                continue
            # Never the username: a commenter who left the course is "a former member".
            name = (
                comment.guest_name if comment.is_guest else comment.author_display_name or "A former member"
            )
            rows.append(
                {"comment": comment, "name": name, "depth": min(depth, 6), "shown": comment.is_approved}
            )
            walk(comment.pk, depth + 1)

    walk(None, 1)
    return rows


def export_course(course: Course, out) -> dict:
    """Write the static site of `course` into `out` (a path or a binary file). Returns what was written."""
    warning = audience_warning(course)
    posts = exported_posts(course)
    members = {
        m.user_id: m
        for m in Membership.objects.filter(course=course).only("user_id", "display_name", "author_slug")
    }
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        site = _Site(course=course, archive=archive, warning=warning)
        archive.writestr("style.css", render_to_string(f"{TEMPLATES}/style.css"))
        listing = []  # light rows only: title, date, excerpt, author, category, tags
        by_category, by_tag, by_author = defaultdict(list), defaultdict(list), defaultdict(list)
        ids = list(posts.order_by("-published_at", "-pk").values_list("pk", flat=True))
        for start in range(0, len(ids), CHUNK):
            chunk_ids = ids[start : start + CHUNK]
            chunk = (
                Post.objects.filter(pk__in=chunk_ids)
                .for_detail()
                .prefetch_related(
                    Prefetch(
                        "comments",
                        queryset=Comment.objects.select_related(None)
                        .annotate(author_display_name=membership_of_author("display_name"))
                        .order_by("created_at", "pk"),
                        to_attr="all_comments",
                    ),
                    Prefetch(
                        "awards",
                        queryset=Award.objects.active().select_related("award_type"),
                        to_attr="standing_awards",
                    ),
                )
                .order_by("-published_at", "-pk")
            )
            for post in chunk:
                member = members.get(post.author_id)
                author_slug = member.author_slug if member else None
                row = {
                    "title": post.title,
                    "path": post_path(post),
                    "published_at": post.published_at,
                    "excerpt": post.excerpt,
                    "author": post.display_author if member else "A former member",
                    "author_path": author_path(author_slug) if author_slug else None,
                    "awards": [a.award_type.name for a in post.standing_awards],
                }
                listing.append(row)
                if post.category_id:
                    by_category[(post.category.slug, post.category.name)].append(row)
                for tag in post.tags.all():
                    by_tag[(tag.slug, tag.name)].append(row)
                if author_slug:
                    by_author[(author_slug, row["author"])].append(row)
                site.page(
                    post_path(post),
                    "post.html",
                    post=post,
                    row=row,
                    body=site.body_with_local_images(post.body_html, "../"),  # stored, sanitised: |safe
                    threads=_threads(post.all_comments),
                    awards=post.standing_awards,
                    category_path=f"categories/{post.category.slug}.html" if post.category_id else None,
                    tags=[(t.name, f"tags/{t.slug}.html") for t in post.tags.all()],
                )
        site.page("index.html", "index.html", posts=listing)
        for (slug, name), rows in sorted(by_category.items()):
            site.page(
                f"categories/{slug}.html",
                "list.html",
                heading=_("Category: %(name)s") % {"name": name},
                posts=rows,
            )
        for (slug, name), rows in sorted(by_tag.items()):
            site.page(
                f"tags/{slug}.html", "list.html", heading=_("Tag: %(name)s") % {"name": name}, posts=rows
            )
        for (slug, name), rows in sorted(by_author.items()):
            site.page(
                author_path(slug), "list.html", heading=_("Posts by %(name)s") % {"name": name}, posts=rows
            )
        site.page(
            "hall-of-fame.html",
            "list.html",
            heading=_("Hall of fame"),
            posts=[r for r in listing if r["awards"]],
        )
    return {
        "posts": len(listing),
        "images": len(site.images_written),
        "images_missing": site.images_missing,
        "categories": len(by_category),
        "tags": len(by_tag),
        "authors": len(by_author),
    }
