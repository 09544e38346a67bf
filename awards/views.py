import datetime
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from courses import permissions as course_permissions
from posts.models import Post

from . import services
from .forms import AwardForm
from .models import Award, AwardType
from .permissions import AwardRefused, check_can_award_post, givable_types, on_team

HALL_OF_FAME_PER_PAGE = 30


def _course_context(request, course, **extra):
    return {
        "course": course,
        "membership": course_permissions.membership_of(request.user, course),
        "is_instructor": course_permissions.is_instructor(request.user, course),
        **extra,
    }


def _monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


@login_required
def award_give(request, course_slug, slug):
    """The award form (also embedded in the post page's footer). Refusals are 403s with the reason."""
    course = course_permissions.readable_course_or_404(request.user, course_slug)
    post = get_object_or_404(
        Post.objects.visible_to(request.user).filter(course=course).select_related("course", "author"),
        slug=slug,
    )
    check_can_award_post(request.user, post)
    form = AwardForm(request.POST or None, course=course, givable=givable_types(request.user, course))
    if request.method == "POST" and form.is_valid():
        award_type = form.cleaned_data["award_type"]
        try:
            services.award_grant(
                post=post,
                award_type=award_type,
                by=request.user,
                note=form.cleaned_data["note"],
                note_public=form.cleaned_data["note_public"],
            )
        except ValidationError as error:
            form.add_error("note", error)
        else:
            messages.success(
                request,
                _("You awarded this post a “%(award)s”. Its author will get an email.")
                % {"award": award_type.name},
            )
            return redirect(post)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "awards/award_form.html",
        _course_context(request, course, form=form, post=post),
        status=status,
    )


@require_POST
@login_required
def award_revoke(request, course_slug, pk):
    course = course_permissions.readable_course_or_404(request.user, course_slug)
    award = get_object_or_404(
        Award.objects.select_related("award_type", "post__course"),
        pk=pk,
        award_type__course=course,
        post__in=Post.objects.visible_to(request.user),
    )
    services.award_revoke(award=award, by=request.user)
    messages.success(
        request, _("The “%(award)s” was revoked. Its record is kept.") % {"award": award.award_type.name}
    )
    return redirect(award.post)


@require_GET
def hall_of_fame(request, course_slug):
    """Awarded posts, grouped by the week they were published, newest first."""
    course = course_permissions.readable_course_or_404(request.user, course_slug)
    award_types = list(AwardType.objects.filter(course=course))
    chosen = None
    if request.GET.get("type"):
        chosen = next((t for t in award_types if t.slug == request.GET["type"]), None)
        if chosen is None:
            raise Http404(_("No such award in this course."))
    awards = Award.objects.in_hall_of_fame(course)
    if chosen is not None:
        awards = awards.filter(award_type=chosen)
    posts = (
        Post.objects.listed_in(course, request.user)  # consenting authors' only, for non-members (issue 18)
        .filter(pk__in=awards.values("post"))
        .for_listing()
        .order_by("-published_at", "-pk")
    )
    # A page at a time, so the page costs the same however many posts a course has awarded
    # (its template fetches the page's awards in one query: {% prefetch_awards %}).
    try:  # the page cache accepts only page numbers written one way; past the last one is a 404
        page = Paginator(posts, HALL_OF_FAME_PER_PAGE).page(request.GET.get("page", 1))
    except (EmptyPage, PageNotAnInteger):
        raise Http404(_("No such page.")) from None
    weeks = [
        {"start": start, "posts": list(group)}
        for start, group in groupby(
            page.object_list, key=lambda p: _monday(timezone.localdate(p.published_at))
        )
    ]
    context = _course_context(
        request,
        course,
        award_types=award_types,
        chosen=chosen,
        weeks=weeks,
        page_obj=page,
        page_query=f"type={chosen.slug}&" if chosen else "",
        on_team=request.user.is_authenticated and on_team(request.user, course),
    )
    return render(request, "awards/hall_of_fame.html", context)


@require_GET
@login_required
def to_read(request, course_slug):
    """For the editorial team: the week's published posts with no award yet, with their comment counts."""
    course = course_permissions.readable_course_or_404(request.user, course_slug)
    if not on_team(request.user, course):
        raise AwardRefused(_("Only the editorial team has a reading list."))
    this_week = _monday(timezone.localdate())
    try:
        week_start = _monday(datetime.date.fromisoformat(request.GET.get("week", "")))
        week_start + datetime.timedelta(days=7) - datetime.timedelta(days=14)  # the links below must exist
    except (ValueError, OverflowError):  # no date, or one at the end of the calendar
        week_start = this_week
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(week_start, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(week_start + datetime.timedelta(days=7), datetime.time.min, tzinfo=tz)
    posts = (
        Post.objects.published()
        .filter(course=course, published_at__gte=start, published_at__lt=end)
        .exclude(pk__in=Award.objects.active().values("post"))
        .for_listing()
        .order_by("published_at", "pk")
    )
    context = _course_context(
        request,
        course,
        posts=list(posts),
        week_start=week_start,
        previous_week=week_start - datetime.timedelta(days=7),
        next_week=week_start + datetime.timedelta(days=7) if week_start < this_week else None,
    )
    return render(request, "awards/to_read.html", context)
