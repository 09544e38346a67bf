from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.models import Course
from wordpress.importer import import_wxr
from wordpress.wxr import WXRRefused


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR file) into a course: posts, pages, comments, authors, categories, "
        "tags and images (from --media, the blog's wp-content/uploads folder; nothing is fetched). "
        "Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xml file WordPress's Tools → Export made")
        parser.add_argument("--course", required=True, help="the course's slug")
        parser.add_argument("--media", help="the blog's wp-content/uploads folder, to bring the images over")
        parser.add_argument(
            "--dry-run", action="store_true", help="read everything and report, but save nothing"
        )

    def handle(self, *args, file, course, media=None, dry_run=False, **options):
        target = Course.objects.filter(slug=course).first()
        if target is None:
            raise CommandError(f"No course has the slug {course!r}.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file.")
        if media is not None and not Path(media).is_dir():
            raise CommandError(f"--media {media}: no such folder.")
        try:
            report = import_wxr(path, course=target, media_dir=media, dry_run=dry_run)
        except WXRRefused as refusal:
            raise CommandError(f"{file}: {refusal}") from None
        style = self.style.WARNING if report.errors else self.style.SUCCESS
        self.stdout.write(style(report.as_text()))
