from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = "posts"
    verbose_name = "Posts"
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
        from . import signals  # noqa: F401  (keeps the course's cache version current)
