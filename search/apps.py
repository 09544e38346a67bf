from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _index_a_site_that_had_none(sender, using, plan=None, **kwargs):
    """A site with posts before search was installed gets their index on its first migrate."""
    from django.db import connections

    from .index import indexed_posts
    from .models import SearchEntry

    connection = connections[using]
    if using != "default" or SearchEntry._meta.db_table not in connection.introspection.table_names():
        return  # migrated back past this app, or another database
    if not SearchEntry.objects.exists() and indexed_posts().exists():
        from .index import rebuild

        rebuild()


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self):
        from . import signals  # noqa: F401  (the index follows every post, comment and tag)

        post_migrate.connect(_index_a_site_that_had_none, sender=self, dispatch_uid="search.index_existing")
