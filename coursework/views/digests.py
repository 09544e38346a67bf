"""Digest pages: the archive, a week's digest (or the team's preview of it), and the editors' form.

The archive and the digest page are cached for anonymous readers
(coursework/urls.py), so nothing in them depends on who asks but for the
editorial team's links, which anonymous readers never see.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from courses import permissions as course_permissions
from posts.models import reads_as_member

from .. import choice, digests, weeks
from ..forms_digest import DigestForm
from ..models import Digest

DIGESTS_PER_PAGE = 25


def _week_or_404(course, text: str) -> datetime.date:
    week = weeks.parse_week(text)
    if week is None or choice.is_future(course, week):
        raise Http404(_("No such week."))
    return week


def _course_context(request, course, **extra):
    return {
        "course": course,
        "membership": course_permissions.membership_of(request.user, course),
        "is_instructor": course_permissions.is_instructor(request.user, course),
        **extra,
    }


@require_GET
def digest_list(request, course_slug):
    """Published digests, newest week first; the editorial team also sees drafts, marked."""
    course = course_permissions.readable_course_or_404(request.user, course_slug)
    team = digests.may_edit(request.user, course)
    shown = Digest.objects.filter(course=course).order_by("-week")
    if not team:
        shown = shown.filter(status=Digest.Status.PUBLISHED)
    try:
        page = Paginator(shown, DIGESTS_PER_PAGE).page(request.GET.get("page", 1))
    except (EmptyPage, PageNotAnInteger):
        raise Http404(_("No such page.")) from None
    for digest in page.object_list:
        digest.course = course  # its URL names the course: no query per digest
    this_week = weeks.week_of(course)
    context = _course_context(
        request,
        course,
        page_obj=page,
        digests=[
            {
                "digest": d,
                "published_label": weeks.label(course, d.published_at) if d.published_at else "",
            }
            for d in page.object_list
        ],
        team=team,
        this_week=this_week,
        last_week=this_week - weeks.ONE_WEEK,
    )
    return render(request, "coursework/digest_list.html", context)


@require_GET
def digest_detail(request, course_slug, week):
    """A published digest for its readers; any week's digest, as a preview, for the editorial team."""
    course = course_permissions.readable_course_or_404(request.user, course_slug)
    week = _week_or_404(course, week)
    digest = Digest.objects.filter(course=course, week=week).first()
    team = digests.may_edit(request.user, course)
    if not team and (digest is None or not digest.is_published):
        raise Http404(_("No digest for this week yet."))
    context = _course_context(
        request,
        course,
        week=week,
        digest=digest,
        contents=digests.digest_contents(course, week, members=reads_as_member(request.user, course)),
        published_label=weeks.label(course, digest.published_at) if digest and digest.published_at else "",
        team=team,
        preview=digest is None or not digest.is_published,
    )
    return render(request, "coursework/digest_detail.html", context)


@login_required
def digest_edit(request, course_slug, week):
    """The editorial team writes the introduction, picks and orders featured posts, and publishes."""
    course = course_permissions.readable_course_or_404(request.user, course_slug)
    course_permissions.refuse_if_archived(course)
    week = _week_or_404(course, week)
    digests.check_may_edit(request.user, course)
    digest = Digest.objects.filter(course=course, week=week).first()
    posts = digests.week_posts_to_feature(course, week)
    positions = {}
    if digest is not None:
        positions = {f.post_id: n for n, f in enumerate(digest.features.order_by("position", "pk"), start=1)}
    form = DigestForm(
        request.POST if request.method == "POST" else None,
        posts=posts,
        positions=positions,
        initial={"introduction": digest.introduction if digest else ""},
    )
    if request.method == "POST" and form.is_valid():
        result = digests.digest_save(
            course=course,
            week=week,
            introduction=form.cleaned_data["introduction"],
            featured=form.featured(),
            by=request.user,
            publish=request.POST.get("action") == "publish",
        )
        if result.published_now:
            messages.success(
                request, _("The digest is published. Members who get digest emails are being sent it.")
            )
        elif result.digest.is_published:
            messages.success(request, _("The published digest is updated. Nobody is emailed again."))
        else:
            messages.success(request, _("The draft is saved. Only the editorial team can see it."))
        return redirect(result.digest)
    context = _course_context(
        request,
        course,
        week=week,
        digest=digest,
        form=form,
        start_label=weeks.label(course, weeks.bounds(course, week)[0]),
        week_over=weeks.has_ended(course, week),
    )
    return render(
        request, "coursework/digest_edit.html", context, status=400 if request.method == "POST" else 200
    )
