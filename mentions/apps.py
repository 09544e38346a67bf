from django.apps import AppConfig


class MentionsConfig(AppConfig):
    name = "mentions"
    verbose_name = "Mentions"

    def ready(self):
        from . import signals  # noqa: F401  (recomputes a post's or comment's mentions on save)
