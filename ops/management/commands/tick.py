"""`manage.py tick`: the site's time-based work, run by cron or a systemd timer every minute
(a scheduled post goes live on the first tick after its time).

One command for cron, not periodic tasks: the tasks backport has no scheduler,
cron is on every server, and each step below may run late or twice without harm.
Apps add their time-based steps (the week's openings and closes) in their own
tick.py, registered with core.tick_steps; they run first, then the upkeep.
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from core import tick_steps

FINISHED_TASKS_KEPT_DAYS = 14
FAILED_TASKS_KEPT_DAYS = 90  # failed emails stay in the admin's list long enough to be looked at


class Command(BaseCommand):
    help = (
        "Run the site's time-based work: the week's openings and closes, expired sessions, "
        "old task results. Safe to run at any time."
    )

    def handle(self, *args, **options):
        autodiscover_modules("tick")  # each app's tick.py registers its steps
        now = timezone.now()
        for step in tick_steps.steps():
            for line in step(now):
                self.stdout.write(line)
        call_command("clearsessions")
        if settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend":
            call_command(
                "prune_db_task_results",
                min_age_days=FINISHED_TASKS_KEPT_DAYS,
                failed_min_age_days=FAILED_TASKS_KEPT_DAYS,
                verbosity=0,
            )
        self.stdout.write(self.style.SUCCESS("Upkeep done."))
