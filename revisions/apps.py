from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RevisionsConfig(AppConfig):
    name = "revisions"
    verbose_name = _("Revisions")

    def ready(self):
        from . import editor, signals  # noqa: F401  (the editor's hidden version field; cache bumps)
