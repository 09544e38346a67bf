"""`manage.py tick`: the site's time-based work, run by cron or a systemd timer every few minutes.

One command for cron, not periodic tasks: the tasks backport has no scheduler,
cron is on every server, and each step below may run late or twice without harm.
The course's time-based features (scheduled posts going live, the week's
closes and reminders) add their step here.
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

FINISHED_TASKS_KEPT_DAYS = 14
FAILED_TASKS_KEPT_DAYS = 90  # failed emails stay in the admin's list long enough to be looked at


class Command(BaseCommand):
    help = "Run the site's time-based upkeep: expired sessions, old task results. Safe to run at any time."

    def handle(self, *args, **options):
        call_command("clearsessions")
        if settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend":
            call_command(
                "prune_db_task_results",
                min_age_days=FINISHED_TASKS_KEPT_DAYS,
                failed_min_age_days=FAILED_TASKS_KEPT_DAYS,
                verbosity=0,
            )
        self.stdout.write(self.style.SUCCESS("Upkeep done."))
