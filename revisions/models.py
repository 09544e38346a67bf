"""Every saved version of a post, and the autosaves between them.

A revision's `version` is the post's version it made: the editor carries the
version it was opened at, and a save from a window that has not seen a newer
one (written from another window) is refused (revisions/services.py). Versions
only grow; an autosave run rewrites its own row under the next version rather
than adding a row every few seconds.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from posts.models import Post


class Revision(models.Model):
    class Kind(models.TextChoices):
        SAVED = "saved", gettext_lazy("Saved")
        AUTOSAVE = "autosave", gettext_lazy("Autosaved draft")
        # A published post's edit, kept aside: the live text changes only when the writer presses Update.
        PENDING = "pending", gettext_lazy("Autosaved, not yet published")

    post = models.ForeignKey(
        Post, verbose_name=gettext_lazy("post"), on_delete=models.CASCADE, related_name="revisions"
    )
    version = models.PositiveIntegerField(verbose_name=gettext_lazy("version"))
    kind = models.CharField(
        verbose_name=gettext_lazy("kind"), max_length=10, choices=Kind.choices, default=Kind.SAVED
    )
    title = models.CharField(verbose_name=gettext_lazy("title"), max_length=200)
    body = models.TextField(verbose_name=gettext_lazy("body"), blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("saved by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="post_revisions",
    )
    saved_at = models.DateTimeField(verbose_name=gettext_lazy("saved at"), default=timezone.now)
    # When an autosave run began: a run is one row for at most services.AUTOSAVE_RUN.
    started_at = models.DateTimeField(verbose_name=gettext_lazy("started at"), default=timezone.now)
    # The editor window (a random id per opened page) that wrote it; "" for restores and the demo.
    window = models.CharField(verbose_name=gettext_lazy("window"), max_length=32, blank=True, db_index=True)
    # The text readers see changed after publication: the post page says "Updated <date>".
    edits_published = models.BooleanField(verbose_name=gettext_lazy("edits published"), default=False)
    restored_from = models.ForeignKey(
        "self",
        verbose_name=gettext_lazy("restored from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="restorations",
    )

    class Meta:
        verbose_name = gettext_lazy("revision")
        verbose_name_plural = gettext_lazy("revisions")
        ordering = ["post", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["post", "version"], name="one_revision_per_post_version"),
        ]

    def __str__(self):
        return _("%(post)s (version %(version)s)") % {"post": self.post, "version": self.version}

    def get_absolute_url(self):
        return (
            reverse("revisions:list", kwargs={"course_slug": self.post.course.slug, "slug": self.post.slug})
            + f"#revision-{self.pk}"
        )

    @property
    def is_pending(self) -> bool:
        return self.kind == self.Kind.PENDING


def updated_at_of(post) -> "timezone.datetime | None":
    """When the post's published text last changed after publication, or None."""
    if post.published_at is None:
        return None
    return (
        Revision.objects.filter(post=post, edits_published=True, saved_at__gt=post.published_at)
        .order_by("-saved_at")
        .values_list("saved_at", flat=True)
        .first()
    )
