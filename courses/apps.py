from django.apps import AppConfig
from django.db.models.signals import post_migrate

INSTRUCTOR_APPS = {"courses", "posts", "comments", "awards"}


def _sync_instructors_group(sender, using, **kwargs):
    # Runs after each app's post_migrate, so the last call sees every app's permissions.
    from django.contrib.auth.models import Group
    from django.db import router

    if sender.label not in INSTRUCTOR_APPS or not router.allow_migrate_model(using, Group):
        return
    from .services import instructors_group_sync

    instructors_group_sync()


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = "Courses"

    def ready(self):
        post_migrate.connect(_sync_instructors_group, dispatch_uid="courses.sync_instructors_group")
