from django.apps import AppConfig


class RevisionsConfig(AppConfig):
    name = "revisions"
    verbose_name = "Revisions"

    def ready(self):
        from . import editor, signals  # noqa: F401  (the editor's hidden version field; cache bumps)
