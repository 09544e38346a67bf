from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from comments.models import Comment
from courses.models import Course
from posts.models import Post

# Tag names never hold a comma (posts.services.tags_from_text splits on them), and no tokenizer keeps one.
TAG_SEPARATOR = ", "


class SearchEntry(models.Model):
    """One thing a reader can find: a published post, or an approved comment on one.

    search/index.py keeps the rows in step with the posts and comments (signals),
    as plain text. Each database searches them its own way (search/backends/):
    SQLite through the FTS5 table search_fts, which triggers keep in step with
    this table; PostgreSQL through `vector`, filled whenever a row is written and
    GIN-indexed. On SQLite `vector` is an unused column.
    """

    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="+")
    # Null for the post's own entry.
    comment = models.OneToOneField(
        Comment, verbose_name=_("comment"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    title = models.TextField(verbose_name=_("title"), blank=True)  # a post's
    body = models.TextField(verbose_name=_("body"), blank=True)  # a post's text
    tags = models.TextField(verbose_name=_("tags"), blank=True)  # a post's
    # A comment's text, apart from a post's so that it counts for less when ranked.
    comment_body = models.TextField(verbose_name=_("comment body"), blank=True)
    vector = SearchVectorField(verbose_name=_("vector"), null=True, editable=False)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(
                fields=["post"], condition=Q(comment__isnull=True), name="one_search_entry_per_post"
            ),
        ]
        indexes = [
            # Created on PostgreSQL only (see the migration): SQLite has its FTS5 table.
            GinIndex(fields=["vector"], name="search_entry_vector"),
        ]

    def __str__(self):
        if self.comment_id:
            return f"Comment {self.comment_id} on post {self.post_id}"
        return f"Post {self.post_id}"

    @property
    def is_comment(self) -> bool:
        return self.comment_id is not None

    @property
    def text(self) -> str:
        return self.comment_body if self.is_comment else self.body

    @property
    def tag_names(self) -> list[str]:
        return self.tags.split(TAG_SEPARATOR) if self.tags else []
