"""The student's two buttons for consent to publish (issue 18), shown on their account page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import consent, permissions


def _own_membership(request, course_slug):
    course = permissions.readable_course_or_404(request.user, course_slug)
    membership = permissions.membership_of(request.user, course)
    if membership is None:
        raise PermissionDenied(
            _("Only a student of this course can give or take back consent to publish in it.")
        )
    membership.course = course
    return membership


def _back_to_account(course):
    return redirect(reverse("account:home") + f"#publishing-{course.slug}")


@require_POST
@login_required
def consent_give(request, course_slug):
    membership = _own_membership(request, course_slug)
    course = membership.course
    try:
        consent.consent_give(
            membership=membership, by=request.user, text_digest_seen=request.POST.get("text_digest", "")
        )
    except consent.ConsentTextChanged:
        messages.error(
            request,
            _(
                "The consent text of %(course)s changed since you opened the page. "
                "Nothing was recorded: read it again below, and give consent if you agree."
            )
            % {"course": course.title},
        )
        return _back_to_account(course)
    messages.success(
        request,
        _("Thank you. Your published posts in %(course)s can now be read by anyone, under the name %(name)s.")
        % {"course": course.title, "name": membership.display_name},
    )
    return _back_to_account(course)


@require_POST
@login_required
def consent_revoke(request, course_slug):
    membership = _own_membership(request, course_slug)
    course = membership.course
    if membership.is_instructor:
        raise PermissionDenied(_("Instructors' posts need no consent, so there is none to take back."))
    consent.consent_revoke(membership=membership, by=request.user)
    messages.success(
        request, _("Done. Your posts in %(course)s are now for its members only.") % {"course": course.title}
    )
    return _back_to_account(course)
