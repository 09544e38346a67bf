from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PostsConfig(AppConfig):
    name = "posts"
    verbose_name = _("Posts")
    # Instructors never delete posts: they unpublish them.
    instructor_permissions = (
        "view_post",
        "add_post",
        "change_post",
        "view_category",
        "add_category",
        "change_category",
        "view_tag",
        "add_tag",
        "change_tag",
        "delete_tag",
    )

    def ready(self):
        from core.cache import register_clock_change

        from . import (
            images,  # noqa: F401  (links a saved post's images to it)
            signals,  # noqa: F401  (keeps the course's cache version current)
        )
        from .models import next_going_live

        # A post scheduled for later changes its course's pages at its time, with no write.
        register_clock_change(next_going_live)
