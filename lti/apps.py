from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LtiConfig(AppConfig):
    name = "lti"
    verbose_name = _("Campus LMS (LTI 1.3)")
    # Instructors set their links' score weights and send rosters and grades from the admin;
    # platforms and keys are the superuser's.
    instructor_permissions = ("view_courselink", "change_courselink", "view_gradesync", "view_lineitem")
