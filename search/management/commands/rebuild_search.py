import time

from django.core.management.base import BaseCommand, CommandError

from comments.models import Comment
from courses.models import Course
from search import index


class Command(BaseCommand):
    help = (
        "Rebuild the search index from the posts and comments: every course (the engine's own index "
        "included, so a dropped or damaged one comes back), or the courses named with --course. "
        "Searches see the old index until the new one is committed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--course", action="append", default=[], metavar="SLUG", help="Only this course (repeatable)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be indexed; write nothing."
        )

    def handle(self, *args, course, dry_run, **options):
        courses = None
        if course:
            courses = list(Course.objects.filter(slug__in=course))
            missing = sorted(set(course) - {c.slug for c in courses})
            if missing:
                raise CommandError(f"No such course: {', '.join(missing)}.")
        if dry_run:
            posts = index.indexed_posts()
            if courses is not None:
                posts = posts.filter(course__in=courses)
            comments = Comment.objects.approved().filter(post__in=posts)
            where = "every course" if courses is None else ", ".join(c.slug for c in courses)
            self.stdout.write(
                f"Dry run: would index {posts.count()} posts and {comments.count()} comments ({where})."
            )
            return
        started = time.perf_counter()
        done = index.rebuild(courses=courses, log=self.stdout.write)
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(f"Indexed {done.posts} posts and {done.comments} comments in {seconds:.1f} s.")
        )
