import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.models import Course
from wordpress.exporter import ExportCounts, iter_wxr, write_wxr


class Command(BaseCommand):
    help = (
        "Export a course as a WordPress file (WXR 1.2): posts, categories, tags, authors, threaded "
        "comments and images (as links). WordPress's importer and import_wxr read it. The file names "
        "members' emails: keep it like a backup."
    )

    def add_arguments(self, parser):
        parser.add_argument("--course", required=True, metavar="SLUG", help="The course to export.")
        parser.add_argument(
            "-o", "--output", metavar="FILE", help="Write the file here (default: standard output)."
        )

    def handle(self, *args, course, output, **options):
        try:
            course_obj = Course.objects.get(slug=course)
        except Course.DoesNotExist:
            raise CommandError(f"No course with the slug {course!r}.") from None
        if not output:
            for piece in iter_wxr(course_obj):
                self.stdout.write(piece, ending="")
            return
        target = Path(output)
        if target.is_dir():
            raise CommandError(f"{target} is a folder: name the file to write.")
        # Written beside the target and renamed when complete: a half-written export never
        # sits under the name of a finished one.
        try:
            handle, partial = tempfile.mkstemp(
                dir=target.parent, prefix=f".{target.name}.", suffix=".partial"
            )
        except OSError as error:
            raise CommandError(f"Cannot write in {target.parent}: {error.strerror}.") from None
        try:
            counts = ExportCounts()
            with os.fdopen(handle, "wb") as out:
                size = write_wxr(course_obj, out, counts=counts)
            os.chmod(partial, 0o600)  # it names members' emails
            os.replace(partial, target)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
        self.stdout.write(
            self.style.SUCCESS(f"Exported {course_obj} to {target} ({size:,} bytes): {counts.as_text()}.")
        )
