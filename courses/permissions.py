"""Who may do what in a course. Views and other apps ask here, never inline."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.cache import cached_row

from .models import Course, Membership


def membership_of(user, course) -> Membership | None:
    """The user's membership in the course, cached on the user for the request."""
    if not user.is_authenticated:
        return None
    cache = user.__dict__.setdefault("_course_memberships", {})
    if course.pk not in cache:
        # Kept under the course's version: joining, leaving or a new role shows at once.
        cache[course.pk] = cached_row(course.slug, f"member:{user.pk}", Membership, course=course, user=user)
    return cache[course.pk]


def can_read(user, course) -> bool:
    if course.is_public or (user.is_authenticated and user.is_superuser):
        return True
    return membership_of(user, course) is not None


def is_member(user, course) -> bool:
    return membership_of(user, course) is not None


def is_instructor(user, course) -> bool:
    if user.is_authenticated and user.is_superuser:
        return True
    membership = membership_of(user, course)
    return membership is not None and membership.is_instructor


def readable_course_or_404(user, course_slug) -> Course:
    """The course, or 404 for anyone who may not read it (a members-only course stays hidden)."""
    # Kept under the course's own version: a rename or a change of visibility bumps it.
    course = cached_row(course_slug, "course", Course, slug=course_slug)
    if course is None:
        raise Http404(_("No such course."))
    if not can_read(user, course):
        raise Http404(_("No such course."))
    return course


# Kept a plain str (tests and other apps compare it); translated where it is raised: _(ARCHIVED_MESSAGE).
ARCHIVED_MESSAGE = gettext_noop(
    "This course is archived: it is read only. Nothing can be written, changed or voted in it."
)


def is_archived(course) -> bool:
    return course.archived_at is not None


def can_write(user, course) -> bool:
    """Members write in a course while it is not archived (the term's end makes it read only)."""
    return not is_archived(course) and is_member(user, course)


def refuse_if_archived(course) -> None:
    """Every write path calls this first: an archived course answers 403 with the reason."""
    if is_archived(course):
        raise PermissionDenied(_(ARCHIVED_MESSAGE))
