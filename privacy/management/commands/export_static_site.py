from django.core.management.base import BaseCommand, CommandError

from courses.models import Course
from privacy.static_site import export_course


class Command(BaseCommand):
    help = (
        "Write a course as a static website (HTML pages, images, one stylesheet) into a zip that opens "
        "from disk: the way a course blog is kept after the term."
    )

    def add_arguments(self, parser):
        parser.add_argument("--course", required=True, help="The course's slug.")
        parser.add_argument("out", help="The zip file to write, for example soviet-history.zip.")

    def handle(self, *args, course, out, **options):
        found = Course.objects.filter(slug=course).first()
        if found is None:
            raise CommandError(f"No course with the slug “{course}”.")
        written = export_course(found, out)
        for name in written["images_missing"]:
            self.stderr.write(self.style.WARNING(f"Image not found in storage, left out: {name}"))
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {out}: {written['posts']} posts, {written['images']} images, "
                f"{written['categories']} categories, {written['tags']} tags, {written['authors']} authors."
            )
        )
