"""A member's own data as a zip: their posts (Markdown, rendered HTML, images), comments, memberships.

Written into the zip one file at a time, posts read in chunks, so memory stays
bounded. Only the person's own writing and what was written on it: the
comments on their posts carry the commenters' display names, as the course
showed them, never usernames or addresses.
"""

import csv
import io
import json
import shutil
import zipfile

from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _

from comments.models import Comment, membership_of_author
from posts.markdown import without_renditions
from posts.models import Post

from .static_site import _ImageSources, _storage_name

CHUNK = 100


def _comment_record(comment) -> dict:
    return {
        "id": comment.pk,
        "post": comment.post.title,
        "course": comment.post.course.slug,
        "author": comment.guest_name
        if comment.is_guest
        else comment.author_display_name or "A former member",
        "reply_to": comment.parent_id,
        "status": comment.status,
        "created_at": comment.created_at,
        "body_markdown": comment.body,
        "body_html": comment.body_html,
    }


def _json(data) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


def export_my_data(user, out) -> dict:
    """Write the user's data into `out` (a path or a binary file)."""
    images_written = set()
    post_count = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        memberships = list(user.memberships.select_related("course").order_by("course__title", "course__pk"))
        rows = [
            {
                "course": m.course.title,
                "course_slug": m.course.slug,
                "term": m.course.term,
                "role": m.role,
                "display_name": m.display_name,
                "joined_at": m.joined_at,
            }
            for m in memberships
        ]
        archive.writestr("memberships.json", _json(rows))
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=list(rows[0]) if rows else ["course"])
        writer.writeheader()
        writer.writerows(rows)
        archive.writestr("memberships.csv", text.getvalue())
        archive.writestr(
            "account.json",
            _json({"username": user.username, "email": user.email, "date_joined": user.date_joined}),
        )

        ids = list(
            Post.objects.filter(author=user)
            .order_by("course__slug", "created_at")
            .values_list("pk", flat=True)
        )
        for start in range(0, len(ids), CHUNK):
            posts = Post.objects.filter(pk__in=ids[start : start + CHUNK]).select_related(
                "course", "category"
            )
            for post in posts.prefetch_related("tags"):
                post_count += 1
                folder = f"posts/{post.course.slug}/{post.slug}"
                archive.writestr(f"{folder}/post.md", post.body)
                archive.writestr(f"{folder}/post.html", without_renditions(post.body_html))
                archive.writestr(
                    f"{folder}/post.json",
                    _json(
                        {
                            "title": post.title,
                            "course": post.course.slug,
                            "status": post.status,
                            "published_at": post.published_at,
                            "created_at": post.created_at,
                            "category": post.category.name,
                            "tags": [t.name for t in post.tags.all()],
                        }
                    ),
                )
                parser = _ImageSources()
                parser.feed(post.body_html)
                for src in dict.fromkeys(parser.sources):
                    name = _storage_name(src)
                    if name is None or name in images_written or not default_storage.exists(name):
                        continue
                    with (
                        default_storage.open(name, "rb") as source,
                        archive.open(f"images/{name}", "w") as out_file,
                    ):
                        shutil.copyfileobj(source, out_file, 64 * 1024)
                    images_written.add(name)

        comments = (
            Comment.objects.approved()  # what readers saw on the posts; held, spam and removed are not theirs
            .filter(post__author=user)
            .select_related("post__course")
            .annotate(author_display_name=membership_of_author("display_name"))
            .order_by("post__course__slug", "created_at", "pk")
        )
        archive.writestr(
            "comments_on_my_posts.json", _json([_comment_record(c) for c in comments.iterator(2000)])
        )
        own = (
            Comment.objects.filter(author=user)
            .select_related("post__course")
            .annotate(author_display_name=membership_of_author("display_name"))
            .order_by("created_at", "pk")
        )
        archive.writestr("my_comments.json", _json([_comment_record(c) for c in own.iterator(2000)]))
        archive.writestr(
            "README.txt",
            _(
                "Your data from coursesite.\n\n"
                "posts/<course>/<post>/post.md   each post as you wrote it (Markdown)\n"
                "posts/<course>/<post>/post.html the same post as the site showed it\n"
                "images/                         the images your posts show\n"
                "comments_on_my_posts.json       the comments on your posts\n"
                "my_comments.json                the comments you wrote\n"
                "memberships.json / .csv         your courses, roles and names in them\n"
            ),
        )
    return {"posts": post_count, "images": len(images_written)}
