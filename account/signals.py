"""In-site notices follow the comments and awards apps' events, without those apps knowing of this one.

The events are the emails' (comments/notifications.py, awards/services.py): a
comment becomes visible (written approved, or approved after a hold), an award
is given. A comment's news comes from the comments app's own background task,
with the comment it has just read (comment_became_visible), so posting a
comment pays nothing here. An award's, rare, is made after the commit from a
fresh read. A failure here is logged without failing what caused it.
"""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from awards.models import Award
from comments.models import Comment
from comments.notifications import comment_became_visible

from . import services


@receiver(comment_became_visible, sender=Comment, dispatch_uid="account-comment-notices")
def _comment_became_visible(sender, comment, held, **kwargs):
    services.notices_for_comment(comment=comment, held=held)


@receiver(post_save, sender=Award, dispatch_uid="account-award-notice")
def _award_saved(sender, instance, created, raw=False, **kwargs):
    if raw or not created:
        return
    transaction.on_commit(lambda pk=instance.pk: services.notices_for_award(award_pk=pk), robust=True)
