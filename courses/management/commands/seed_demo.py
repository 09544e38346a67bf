from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import autodiscover_modules

from courses import demo


class Command(BaseCommand):
    help = (
        "Build the demo site: the Soviet History course with the seed post, its images, "
        "comments and red star, and a second course. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--password", default="coursesite", help="Password for every demo user.")
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args, password, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like production. Demo users with a known password "
                "would be created. Pass --force if you really mean it."
            )
        # Each app adds its part of the demo in its own demo.py, in INSTALLED_APPS order.
        autodiscover_modules("demo")
        with transaction.atomic():
            context = demo.build_courses(password=password)
            for seed in demo.registered_seeders():
                seed(context)
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Log in with any of:"))
        for username, role in context.logins():
            self.stdout.write(f"  {username:<12} {role:<10} password: {password}")
