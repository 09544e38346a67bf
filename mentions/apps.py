from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentionsConfig(AppConfig):
    name = "mentions"
    verbose_name = _("Mentions")

    def ready(self):
        from . import signals  # noqa: F401  (recomputes a post's or comment's mentions on save)
