from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_instructors_group(sender, using, **kwargs):
    # Runs after each app's post_migrate, so the last call sees every app's permissions.
    from django.contrib.auth.models import Group
    from django.db import router

    if not getattr(sender, "instructor_permissions", None) or not router.allow_migrate_model(using, Group):
        return
    from .services import instructors_group_sync

    instructors_group_sync()


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")
    # What instructors may do with this app's models in the admin (courses/services.py
    # gathers every app's list). No adding or deleting courses.
    instructor_permissions = (
        "view_course",
        "change_course",
        "view_membership",
        "add_membership",
        "change_membership",
        "delete_membership",
    )

    def ready(self):
        from . import signals  # noqa: F401  (keeps the course's cache version current)

        post_migrate.connect(_sync_instructors_group, dispatch_uid="courses.sync_instructors_group")
