"""A member's private feed link: how a feed reader, which has no session, reads a members-only course."""

import hashlib
import secrets

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from courses.models import Membership

TOKEN_BYTES = 32  # secrets.token_urlsafe(32): 43 characters of [A-Za-z0-9_-]
TOKEN_PATTERN = r"[A-Za-z0-9_-]{43}"


def new_secret() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class FeedTokenQuerySet(models.QuerySet):
    def for_secret(self, secret: str):
        """The link whose secret this is, while its owner is still a member with an open account; else None.

        Looked up by the secret's SHA-256, never by the secret itself: the index
        comparison then says nothing about how much of a guess was right.
        """
        token = (
            self.select_related("membership__course", "membership__user")
            .filter(digest=digest_of(secret))
            .first()
        )
        if token is None or not token.membership.user.is_active:
            return None
        return token


class FeedToken(models.Model):
    """One per membership. Making a new one replaces the secret, so the old link stops at once;
    leaving the course deletes the membership and, with it, the link."""

    membership = models.OneToOneField(
        Membership, verbose_name=_("membership"), on_delete=models.CASCADE, related_name="feed_token"
    )
    # Kept readable so the account page can show the link again (a calendar's "secret address"
    # does the same): it opens only what the same database already holds.
    secret = models.CharField(verbose_name=_("secret"), max_length=64, editable=False)
    digest = models.CharField(
        verbose_name=pgettext_lazy("hash of the secret", "digest"), max_length=64, unique=True, editable=False
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), default=timezone.now)

    objects = FeedTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("feed token")
        verbose_name_plural = _("feed tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"Private feed link of {self.membership}"

    def save(self, *args, **kwargs):
        # The digest is derived from the secret: saved with it, also by update_or_create's update_fields.
        self.digest = digest_of(self.secret)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "secret" in update_fields:
            kwargs["update_fields"] = {*update_fields, "digest"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("feeds:account") + f"#course-{self.membership.course.slug}"
