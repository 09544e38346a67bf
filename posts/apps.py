from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = "posts"
    verbose_name = "Posts"

    def ready(self):
        from . import cache_invalidation  # noqa: F401  (connects the page-cache signal receivers)
