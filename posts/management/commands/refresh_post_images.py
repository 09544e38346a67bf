"""Make the narrower copies of images stored before they existed, and give old posts' images their sizes.

New images get their copies when stored, and a post's images their size when it is saved
(posts.images). Posts saved before that keep HTML without width, height or srcset until
this runs. It can run again at any time: it writes only what is missing or out of date,
and reads rows in chunks, so memory stays the same however many there are.
"""

from django.core.management.base import BaseCommand
from django.db.models import Q
from django.template.defaultfilters import pluralize

from core.cache import bump_course_version
from posts.images import image_url_prefixes, make_renditions, render_with_image_sizes, rendition_names
from posts.models import Post, PostImage

CHUNK = 200


def _in_chunks(queryset):
    """The rows in pk order, CHUNK at a time: by key, so rows written meanwhile are not read twice."""
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last).order_by("pk")[:CHUNK])
        yield from rows
        if len(rows) < CHUNK:
            return
        last = rows[-1].pk


class Command(BaseCommand):
    help = (
        "Make the missing narrower copies of stored post images, and re-render the posts that show "
        "images so they carry their sizes and copies."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count what would change, change nothing")

    def handle(self, *args, dry_run, **options):
        copies, failed = self._make_copies(dry_run)
        posts, courses = self._rerender(dry_run)
        summary = (
            f"{copies} image cop{pluralize(copies, 'y,ies')} and "
            f"{posts} post{pluralize(posts)} in {courses} course{pluralize(courses)} "
        )
        if dry_run:
            self.stdout.write(summary + "would be written. Nothing was written (--dry-run).")
        else:
            self.stdout.write(self.style.SUCCESS(summary + "written."))
        if failed:
            self.stderr.write(f"{failed} image{pluralize(failed)} could not be read; see the log.")

    def _make_copies(self, dry_run: bool) -> tuple[int, int]:
        images = PostImage.objects.filter(width__gt=0).only("file", "width", "height")
        made = failed = 0
        for image in _in_chunks(images):
            storage = image.file.storage
            copies = rendition_names(image.file.name, image.width).values()
            missing = [name for name in copies if not storage.exists(name)]
            if not missing:
                continue
            if dry_run:
                made += len(missing)
                continue
            try:
                made += len(make_renditions(image, only_missing=True))
            except Exception:
                failed += 1
                self.stderr.write(f"Could not make the copies of {image.file.name}.")
        return made, failed

    def _rerender(self, dry_run: bool) -> tuple[int, int]:
        shows_an_image = Q()
        for prefix in image_url_prefixes():
            shows_an_image |= Q(body__contains=prefix)  # a few more than show one: their HTML stays the same
        posts = Post.objects.filter(shows_an_image).select_related("course")
        posts = posts.only("body", "body_html", "course__slug")
        changed, courses = 0, set()
        for post in _in_chunks(posts):
            html = render_with_image_sizes(post.body)
            if html == post.body_html:
                continue
            changed += 1
            courses.add(post.course.slug)
            if not dry_run:
                # Only the derived column: no new "updated" time, no going-live work, no signals.
                Post.objects.filter(pk=post.pk).update(body_html=html)
        if not dry_run:
            for slug in courses:
                bump_course_version(slug)  # their cached pages hold the old HTML
        return changed, len(courses)
