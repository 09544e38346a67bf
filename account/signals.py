"""In-site notices follow the comments and awards apps' rows, without those apps knowing of this one.

The events are the emails' (comments/notifications.py, awards/services.py): a
comment becomes visible (written approved, or approved later), a held comment
is approved, an award is given. Like the emails, notices are made after the
transaction commits, from a fresh read, and a failure there is logged without
failing the write that caused it.
"""

from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from awards.models import Award
from comments.models import Comment

from . import services

_STATUS_BEFORE = "_account_status_before"


@receiver(pre_save, sender=Comment, dispatch_uid="account-comment-status-before")
def _remember_status_before(sender, instance, raw=False, update_fields=None, **kwargs):
    """Read the stored status when a saved comment is being approved: what it was decides the news.

    Only then, so a comment written, edited or moderated away costs no query.
    The moderation service saves under the post's lock, so this read sees what it saw.
    """
    if raw or instance._state.adding or instance.status != Comment.Status.APPROVED:
        return
    if update_fields is not None and "status" not in update_fields:
        return
    before = Comment.objects.filter(pk=instance.pk).values_list("status", flat=True).first()
    instance.__dict__[_STATUS_BEFORE] = before


@receiver(post_save, sender=Comment, dispatch_uid="account-comment-notices")
def _comment_saved(sender, instance, created, raw=False, **kwargs):
    if raw or instance.status != Comment.Status.APPROVED:
        return
    before = None if created else instance.__dict__.pop(_STATUS_BEFORE, Comment.Status.APPROVED)
    if before == Comment.Status.APPROVED:
        return  # it was visible already: an edit, or a second moderator's click
    held = before == Comment.Status.PENDING
    transaction.on_commit(
        lambda pk=instance.pk: services.notices_for_comment(comment_pk=pk, held=held), robust=True
    )


@receiver(post_save, sender=Award, dispatch_uid="account-award-notice")
def _award_saved(sender, instance, created, raw=False, **kwargs):
    if raw or not created:
        return
    transaction.on_commit(lambda pk=instance.pk: services.notices_for_award(award_pk=pk), robust=True)
