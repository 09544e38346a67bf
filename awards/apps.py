from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("Awards")
    # Awards are given through the award service (which checks the rules), never added by hand.
    instructor_permissions = (
        "view_awardtype",
        "add_awardtype",
        "change_awardtype",
        "view_award",
        "change_award",
        "view_editorialterm",
        "add_editorialterm",
        "change_editorialterm",
        "delete_editorialterm",
    )

    def ready(self):
        from . import signals  # noqa: F401  (keeps the course's cache version current)
