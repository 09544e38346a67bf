from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operating the site: the health check, backups, request logs and the media storage's checks."""

    name = "ops"
    verbose_name = "Operations"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
