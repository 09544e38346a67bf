from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _create_cache_tables(sender, using, **kwargs):
    # The rate limiter's fallback lives in a database cache table (core/ratelimit.py):
    # made by every `migrate`, so no deployment step can forget it. Sent once per app
    # with models; creating a table that exists does nothing.
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Shared machinery")

    def ready(self):
        post_migrate.connect(_create_cache_tables, dispatch_uid="core.create_cache_tables")
