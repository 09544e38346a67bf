"""Consent to publish (issue 18): a student's own yes to the world reading their posts in a public course.

The rule lives in posts.models (public(), consented(), Post.readable_by): in a
public course, a reader who is not a member sees a student's live post only
while the student's membership has consent now. Only the student gives or
takes it back, here, from their own account (views in courses/consent_views.py);
nothing else writes Membership.publish_consent_at, and the admin cannot.

Saving the membership bumps the course's cache version (courses/signals.py),
so cached pages, feeds and search results follow on the next request.
"""

import hashlib

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.cache import cached_row

from .models import Membership, PublishConsent


class ConsentRefused(PermissionDenied):
    """Consent asked of the wrong person or the wrong course: views answer 403 with the message."""


class ConsentTextChanged(Exception):
    """The course's consent text changed after the student read it: they must read it again."""


def author_membership(course, user_id) -> Membership | None:
    """The membership of a post's author, kept under the course's version (a consent change bumps it).

    The same key as courses.permissions.membership_of, so a reader who is the author shares it.
    """
    return cached_row(course.slug, f"member:{user_id}", Membership, course=course, user_id=user_id)


def text_digest(text: str) -> str:
    """A short fingerprint of a consent text: the form carries it, so a student consents to what they read."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _lock(membership: Membership) -> Membership:
    return Membership.objects.select_for_update().select_related("course").get(pk=membership.pk)


def consent_give(*, membership: Membership, by, text_digest_seen: str) -> PublishConsent:
    """Record the student's consent to the course's current text; giving it twice keeps the first."""
    if by.pk != membership.user_id:
        raise ConsentRefused(_("Only the student can give consent to publish, from their own account."))
    if membership.is_instructor:
        raise ConsentRefused(_("Instructors' posts are public in a public course: they need no consent."))
    with transaction.atomic():
        locked = _lock(membership)
        course = locked.course
        if not course.is_public:
            raise ConsentRefused(
                _(
                    "This course is for members only: nothing in it is public, "
                    "so there is nothing to consent to."
                )
            )
        if text_digest(course.consent_text) != text_digest_seen:
            raise ConsentTextChanged()
        standing = locked.publish_consents.filter(revoked_at__isnull=True).first()
        if standing is not None:
            return standing
        now = timezone.now()
        consent = PublishConsent.objects.create(membership=locked, text=course.consent_text, given_at=now)
        locked.publish_consent_at = now
        locked.save(update_fields=["publish_consent_at"])  # the signal bumps the course's cache version
    membership.publish_consent_at = locked.publish_consent_at
    return consent


def consent_revoke(*, membership: Membership, by) -> PublishConsent | None:
    """Take the consent back: from the next request on, the student's posts are for members only."""
    if by.pk != membership.user_id:
        raise ConsentRefused(_("Only the student can take back their consent to publish."))
    with transaction.atomic():
        locked = _lock(membership)
        standing = locked.publish_consents.filter(revoked_at__isnull=True).first()
        if standing is not None:
            standing.revoked_at = max(timezone.now(), standing.given_at)
            standing.save(update_fields=["revoked_at"])
        locked.publish_consent_at = None
        locked.save(update_fields=["publish_consent_at"])  # bumps even with no open row, to be sure
    membership.publish_consent_at = None
    return standing
