"""Bump the course's cache version when a part of its week changes (core/cache.py).

Prompts, closes and digests are shown on cached pages (the front page's "This
week", the prompt and digest pages); a response moves a prompt's count. Votes
are not shown until the close, which bumps.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from courses.signals import bump_course_of
from posts.signals import bump_course_of_post

from .models import (
    Accommodation,
    ChoiceClose,
    Digest,
    DigestFeature,
    Prompt,
    PromptResponse,
    ReaderAssignment,
)


@receiver(post_save, sender=Accommodation, dispatch_uid="pagecache-accommodation-saved")
@receiver(post_delete, sender=Accommodation, dispatch_uid="pagecache-accommodation-deleted")
def _accommodation_changed(sender, instance, raw=False, **kwargs):
    if not raw:  # a late mark on the post page is cached with the course
        bump_course_of(instance.prompt)


@receiver(post_save, sender=Prompt, dispatch_uid="pagecache-prompt-saved")
@receiver(post_delete, sender=Prompt, dispatch_uid="pagecache-prompt-deleted")
@receiver(post_save, sender=ChoiceClose, dispatch_uid="pagecache-choice-close-saved")
@receiver(post_delete, sender=ChoiceClose, dispatch_uid="pagecache-choice-close-deleted")
@receiver(post_save, sender=Digest, dispatch_uid="pagecache-digest-saved")
@receiver(post_delete, sender=Digest, dispatch_uid="pagecache-digest-deleted")
@receiver(post_save, sender=ReaderAssignment, dispatch_uid="pagecache-assignment-saved")
@receiver(post_delete, sender=ReaderAssignment, dispatch_uid="pagecache-assignment-deleted")
def _course_part_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        bump_course_of(instance)


@receiver(post_save, sender=PromptResponse, dispatch_uid="pagecache-response-saved")
@receiver(post_delete, sender=PromptResponse, dispatch_uid="pagecache-response-deleted")
def _response_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        bump_course_of_post(instance)


@receiver(post_save, sender=DigestFeature, dispatch_uid="pagecache-feature-saved")
@receiver(post_delete, sender=DigestFeature, dispatch_uid="pagecache-feature-deleted")
def _feature_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        bump_course_of_post(instance)
