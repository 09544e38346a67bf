"""Autosave (JSON), and a post's revisions: the list, a word diff of two, restore.

Who: the author and the course's instructors read the revisions; anyone else
gets a 404 (they may not know the post has any). Only the author writes:
autosave and restore answer others with a 403 and say why.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core import ratelimit
from core.cpu_budget import CpuBudgetExceeded, cpu_time_limit
from courses import permissions
from courses.models import Membership
from posts.models import Post
from posts.services import PublishRefused

from . import diff, services
from .editor import storage_key
from .models import Revision

# An autosave a few seconds after typing stops, all day: room for one every
# 2 seconds in a minute, and for an hour of it at one every 4 seconds.
AUTOSAVE_LIMITS = (ratelimit.Limit(60, 30), ratelimit.Limit(3600, 900))
DIFF_CPU_SECONDS = 2.0


def _autosave_limits():
    configured = getattr(settings, "RATE_LIMITS", {}).get("autosave")
    return tuple(ratelimit.Limit(*pair) for pair in configured) if configured is not None else AUTOSAVE_LIMITS


def _refusal(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _own_post_or_404(request, course, slug) -> Post:
    post = get_object_or_404(Post.objects.visible_in(course, request.user), slug=slug)
    if post.author_id != request.user.pk:
        raise PermissionDenied(_("You can edit only your own posts."))
    return post


def _saved_by_name(revision: Revision) -> str:
    if revision.saved_by is None:
        return _("a deleted account")
    name = getattr(revision, "saved_by_name", None)
    return name or revision.saved_by.username


@require_POST
@login_required
def autosave(request, course_slug, slug=None):
    """Save the editor's title and body now. Never publishes; a published post gets a pending revision."""
    course = permissions.readable_course_or_404(request.user, course_slug)
    permissions.refuse_if_archived(course)
    if not permissions.is_member(request.user, course):
        raise PermissionDenied(_("Only members of this course can write here."))
    post = _own_post_or_404(request, course, slug) if slug is not None else None
    title, body = request.POST.get("title", ""), request.POST.get("body", "")
    marker = services.Marker.parse(request.POST.get("marker", ""))
    if marker is None:
        return _refusal(_("The editor's version mark is missing or damaged. Reload the page."), 400)
    if len(body) > settings.POST_BODY_MAX_CHARS or len(title) > 200:
        return _refusal(_("This text is longer than a post may be: it is kept on this device only."), 400)
    identities = (f"user:{request.user.pk}", f"ip:{ratelimit.client_address(request)}")
    try:
        ratelimit.check("autosave", *identities, limits=_autosave_limits())
        ratelimit.check("render-ms", identities[0])
    except ratelimit.RateLimited:
        return _refusal(_("Autosave paused for a moment: your words are kept on this device."), 429)
    ratelimit.count("autosave", *identities, limits=_autosave_limits())
    try:
        with cpu_time_limit(1.0):
            post, revision = services.autosave(
                course=course, post=post, user=request.user, title=title, body=body, marker=marker
            )
    except services.StaleVersion as stale:
        theirs = stale.newest
        return JsonResponse(
            {
                "error": _("This post was changed in another window."),
                "conflict": {
                    "marker": str(services.Marker(theirs.version, marker.window)),
                    "title": theirs.title,
                    "body": theirs.body,
                    "saved_at": theirs.saved_at.isoformat(),
                    "saved_by": _saved_by_name(theirs),
                },
                "yours": {"title": title, "body": body},
            },
            status=409,
        )
    except CpuBudgetExceeded:
        return _refusal(_("This text takes too long to format; it is kept on this device."), 400)
    here = {"course_slug": course.slug, "slug": post.slug}
    return JsonResponse(
        {
            "marker": str(services.Marker(revision.version, marker.window)),
            "saved_at": revision.saved_at.isoformat(),
            "pending": revision.is_pending,
            "edit_url": post.get_edit_url(),
            "autosave_url": reverse("revisions:autosave", kwargs=here),
            "storage_key": storage_key(course, post),
            "revisions_url": reverse("revisions:list", kwargs=here),
        }
    )


def _readable_revisions_post_or_404(request, course_slug, slug):
    """The post, for its author and the course's instructors; a 404 for anyone else."""
    course = permissions.readable_course_or_404(request.user, course_slug)
    post = get_object_or_404(
        Post.objects.visible_in(course, request.user).select_related("author"), slug=slug
    )
    post.course = course
    if post.author_id != request.user.pk and not permissions.is_instructor(request.user, course):
        raise Http404(_("No such post."))
    return course, post


def _revisions_of(post):
    names = Membership.objects.filter(course_id=post.course_id, user=OuterRef("saved_by")).order_by()
    return (
        Revision.objects.filter(post=post)
        .select_related("saved_by", "restored_from")
        .annotate(saved_by_name=Subquery(names.values("display_name")[:1]))
        .order_by("-version")
    )


def _context(request, course, post, **extra):
    return {
        "course": course,
        "post": post,
        "membership": permissions.membership_of(request.user, course),
        "is_instructor": permissions.is_instructor(request.user, course),
        "is_author": post.author_id == request.user.pk,
        **extra,
    }


@require_GET
@login_required
def revision_list(request, course_slug, slug):
    course, post = _readable_revisions_post_or_404(request, course_slug, slug)
    revisions = list(_revisions_of(post).defer("body", "restored_from__body"))
    for revision in revisions:
        revision.saved_by_label = _saved_by_name(revision)
    return render(
        request,
        "revisions/revision_list.html",
        _context(request, course, post, revisions=revisions, newest=revisions[0] if revisions else None),
    )


def _revision_id(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 19 else None


@require_GET
@login_required
def revision_diff(request, course_slug, slug):
    """The words that changed between two revisions (?from=<id>&to=<id>, by default the last change).

    An id that is not one of this post's revisions is a 404.
    """
    course, post = _readable_revisions_post_or_404(request, course_slug, slug)
    if "from" not in request.GET and "to" not in request.GET:
        # No choice made: the last change, the newest version against the one before it.
        newest_two = list(_revisions_of(post)[:2])
        if len(newest_two) < 2:
            return render(request, "revisions/revision_diff.html", _context(request, course, post, old=None))
        new, old = newest_two
    else:
        from_id, to_id = _revision_id(request.GET.get("from")), _revision_id(request.GET.get("to"))
        if from_id is None or to_id is None:
            raise Http404(_("Choose two revisions of this post to compare."))
        chosen = {r.pk: r for r in _revisions_of(post).filter(pk__in={from_id, to_id})}
        if from_id not in chosen or to_id not in chosen:
            raise Http404(_("No such revision of this post."))
        old, new = chosen[from_id], chosen[to_id]
    if old.version > new.version:
        old, new = new, old  # always older on the left, newer on the right
    for revision in (old, new):
        revision.saved_by_label = _saved_by_name(revision)
    try:
        with cpu_time_limit(DIFF_CPU_SECONDS):
            title_diff = diff.diff_html(old.title, new.title)
            body_diff = diff.diff_html(old.body, new.body)
            removed, added = diff.counts(old.body, new.body)
        too_long = False
    except CpuBudgetExceeded:
        title_diff = body_diff = ""
        removed = added = 0
        too_long = True
    return render(
        request,
        "revisions/revision_diff.html",
        _context(
            request,
            course,
            post,
            old=old,
            new=new,
            title_diff=title_diff,
            body_diff=body_diff,
            removed=removed,
            added=added,
            too_long=too_long,
        ),
    )


@require_POST
@login_required
def revision_restore(request, course_slug, slug, revision_id):
    course, post = _readable_revisions_post_or_404(request, course_slug, slug)
    permissions.refuse_if_archived(course)
    revision = get_object_or_404(Revision, post=post, pk=revision_id)
    if post.author_id != request.user.pk:
        raise PermissionDenied(_("Only the post's author can restore a version. Instructors can read them."))
    try:
        restored = services.revision_restore(revision=revision, user=request.user)
    except PublishRefused as refusal:
        messages.error(
            request,
            _("This version cannot be restored while the post is published: %(reason)s")
            % {"reason": refusal},
        )
        return redirect("revisions:list", course_slug=course.slug, slug=post.slug)
    when = dateformat.format(timezone.localtime(revision.saved_at, course.tz), "j E Y, H:i")
    if restored.pk == revision.pk or restored.version == revision.version:
        messages.info(request, _("That version is the post's text already."))
    elif post.is_published:
        messages.success(
            request, _("Restored the version of %(when)s: it is the published text now.") % {"when": when}
        )
    else:
        messages.success(request, _("Restored the version of %(when)s into your draft.") % {"when": when})
    return redirect(post.get_edit_url())
