"""Recompute every "Mentioned in" from the stored posts and comments.

The signals keep mentions current on every save; this is for rows written
without them (bulk imports, a database restored from before the app existed)
or a change of SITE_URL or ALLOWED_HOSTS, which decides which links are ours.
"""

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import pluralize

from courses.models import Course
from mentions.services import mentions_rebuild


class Command(BaseCommand):
    help = "Recompute the mentions (links between posts of a course) from every post and comment."

    def add_arguments(self, parser):
        parser.add_argument("--course", help="only this course (its slug)")
        parser.add_argument("--dry-run", action="store_true", help="count what would change, change nothing")

    def handle(self, *args, course, dry_run, **options):
        courses = None
        if course is not None:
            courses = Course.objects.filter(slug=course)
            if not courses.exists():
                raise CommandError(f"No course with the slug {course!r}.")
        rebuilt = mentions_rebuild(courses=courses, dry_run=dry_run)
        summary = (
            f"{rebuilt.mentions} mention{pluralize(rebuilt.mentions)} from "
            f"{rebuilt.posts} post{pluralize(rebuilt.posts)} and "
            f"{rebuilt.comments} comment{pluralize(rebuilt.comments)}; "
            f"{rebuilt.changed_courses} course{pluralize(rebuilt.changed_courses)} "
        )
        if dry_run:
            self.stdout.write(summary + "would change. Nothing was written (--dry-run).")
        else:
            self.stdout.write(self.style.SUCCESS(summary + "changed."))
