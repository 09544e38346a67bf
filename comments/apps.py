from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("Comments")
    # Moderation is a status: instructors change comments, never delete them.
    instructor_permissions = ("view_comment", "change_comment", "view_commentrevision")

    def ready(self):
        from . import signals  # noqa: F401  (keeps the course's cache version current)
