from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CourseworkConfig(AppConfig):
    name = "coursework"
    verbose_name = _("Coursework")
    # Instructors write prompts and grant accommodations in the admin; votes and
    # closes are the class's and the clock's, seen but never edited there.
    instructor_permissions = (
        "view_prompt",
        "add_prompt",
        "change_prompt",
        "delete_prompt",
        "view_accommodation",
        "add_accommodation",
        "change_accommodation",
        "delete_accommodation",
        "view_digest",
        "view_vote",
        "view_choiceclose",
    )

    def ready(self):
        from . import editor, signals  # noqa: F401  (the editor's prompt field; the course's cache version)
