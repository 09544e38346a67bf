from django.apps import AppConfig


class AccountConfig(AppConfig):
    name = "account"
    verbose_name = "Your account"

    def ready(self):
        from . import signals  # noqa: F401  (in-site notices follow comments and awards)
