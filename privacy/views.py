import tempfile

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core import ratelimit
from courses import permissions as course_permissions

from . import services
from .forms import AccountDeleteForm
from .my_data import export_my_data
from .static_site import audience_warning, export_course

# Every try counts, right or wrong: the password field must not be a way to guess it.
DELETE_LIMITS = (ratelimit.Limit(3600, 5),)


def _private(response):
    patch_cache_control(response, private=True, no_store=True)
    return response


def _own_membership_or_403(request, course_slug):
    course = course_permissions.readable_course_or_404(request.user, course_slug)
    membership = request.user.memberships.select_related("course").filter(course=course).first()
    if membership is None:
        raise PermissionDenied(_("Only members of a course have a name and posts in it."))
    return membership


def _my_data_page(request, *, delete_form=None, status=200):
    memberships = request.user.memberships.select_related("course").order_by("course__title", "course__pk")
    context = {
        "memberships": memberships,
        "plan": services.deletion_plan(request.user),
        "delete_form": delete_form or AccountDeleteForm(user=request.user),
    }
    return _private(render(request, "privacy/my_data.html", context, status=status))


@require_safe
@login_required
def my_data(request):
    return _my_data_page(request)


def _zip_response(write, filename: str) -> FileResponse:
    # On disk, so a large course never sits in memory; FileResponse closes (and so removes) it.
    spooled = tempfile.TemporaryFile()  # noqa: SIM115
    write(spooled)
    spooled.seek(0)
    response = FileResponse(spooled, as_attachment=True, filename=filename, content_type="application/zip")
    return _private(response)


@require_safe
@login_required
def my_data_download(request):
    day = timezone.localdate().isoformat()
    return _zip_response(lambda out: export_my_data(request.user, out), f"my-coursesite-data-{day}.zip")


@require_POST
@login_required
def pseudonym_renew(request, course_slug):
    membership = _own_membership_or_403(request, course_slug)
    name = services.pseudonym_renew(membership=membership)
    messages.success(
        request,
        _("Your name in %(course)s is now %(name)s, on every post and comment.")
        % {"course": membership.course.title, "name": name},
    )
    return redirect("privacy:my-data")


@require_POST
@login_required
def posts_withdraw(request, course_slug):
    membership = _own_membership_or_403(request, course_slug)
    count = services.posts_withdraw(membership=membership)
    if count:
        messages.success(
            request,
            ngettext(
                # The English has one form for every count, as it always had; Russian needs three.
                "%(count)s of your posts in %(course)s are drafts again: only you and the "
                "course's instructors can see them.",
                "%(count)s of your posts in %(course)s are drafts again: only you and the "
                "course's instructors can see them.",
                count,
            )
            % {"count": count, "course": membership.course.title},
        )
    else:
        messages.info(
            request, _("You have no published posts in %(course)s.") % {"course": membership.course.title}
        )
    return redirect("privacy:my-data")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def account_delete(request):
    if request.method != "POST":
        return redirect("privacy:my-data")
    form = AccountDeleteForm(request.POST, user=request.user)
    identities = (f"user:{request.user.pk}", f"ip:{ratelimit.client_address(request)}")
    try:
        ratelimit.check("account-delete", *identities, limits=DELETE_LIMITS)
    except ratelimit.RateLimited as refusal:
        form.refuse(
            _("You tried many times in %(period)s. Please try again later.")
            % {"period": refusal.limit.describe()}
        )
        return _my_data_page(request, delete_form=form, status=429)
    ratelimit.count("account-delete", *identities, limits=DELETE_LIMITS)
    if not form.is_valid():
        return _my_data_page(request, delete_form=form, status=400)
    services.account_delete(user=request.user)
    logout(request)
    messages.success(request, _("Your account is deleted. Your comments stay, signed “a former member”."))
    return redirect("courses:list")


# --- The term's end (instructors) -----------------------------------------------------------


def _taught_course_or_403(request, course_slug):
    course = course_permissions.readable_course_or_404(request.user, course_slug)
    if not course_permissions.is_instructor(request.user, course):
        raise PermissionDenied(_("Only the course's instructors can archive it or download it."))
    return course


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def course_archive(request, course_slug):
    """The term's end: archive (or reopen) the course, after a confirmation page."""
    course = _taught_course_or_403(request, course_slug)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "archive":
            services.course_archive(course=course)
            messages.success(
                request,
                _("%(course)s is archived: read only, for the same readers as before.")
                % {"course": course.title},
            )
            return redirect(course)
        if action == "unarchive":
            services.course_unarchive(course=course)
            messages.success(
                request, _("%(course)s is open again: members can write in it.") % {"course": course.title}
            )
            return redirect(course)
        messages.error(request, _("Choose archive or reopen."))
    return _private(
        render(
            request,
            "privacy/course_archive.html",
            {
                "course": course,
                "warning": audience_warning(course),
                "membership": course_permissions.membership_of(request.user, course),
                "is_instructor": True,
            },
            status=400 if request.method == "POST" else 200,
        )
    )


@require_safe
@login_required
def static_site_download(request, course_slug):
    course = _taught_course_or_403(request, course_slug)
    day = timezone.localdate().isoformat()
    return _zip_response(lambda out: export_course(course, out), f"{course.slug}-site-{day}.zip")
