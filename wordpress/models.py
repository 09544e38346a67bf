from django.db import models
from django.utils.translation import gettext_lazy, pgettext_lazy

from courses.models import Course


class ImportedItem(models.Model):
    """What an import made from one item of a WordPress file, so a second import of it changes nothing.

    Keyed by the course and the item's identity in WordPress: a post's GUID, a
    comment's post GUID and comment id, an author's login, an image file's path
    under the uploads folder. A separate table rather than columns on Post,
    Comment and the user: those apps need not know that WordPress exists.
    """

    class Kind(models.TextChoices):
        POST = "post", pgettext_lazy("noun", "Post")
        COMMENT = "comment", gettext_lazy("Comment")
        AUTHOR = "author", gettext_lazy("Author")
        IMAGE = "image", gettext_lazy("Image")

    course = models.ForeignKey(
        Course, verbose_name=gettext_lazy("course"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(verbose_name=gettext_lazy("kind"), max_length=10, choices=Kind.choices)
    key = models.CharField(verbose_name=gettext_lazy("key"), max_length=300)
    object_id = models.PositiveBigIntegerField(verbose_name=gettext_lazy("object id"))
    imported_at = models.DateTimeField(verbose_name=gettext_lazy("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("imported item")
        verbose_name_plural = gettext_lazy("imported items")
        ordering = ["course", "kind", "key"]
        constraints = [
            models.UniqueConstraint(fields=["course", "kind", "key"], name="one_import_per_wordpress_item"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.key} in {self.course_id} -> {self.object_id}"
