from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountConfig(AppConfig):
    name = "account"
    verbose_name = _("Your account")

    def ready(self):
        from . import signals  # noqa: F401  (in-site notices follow comments and awards)
