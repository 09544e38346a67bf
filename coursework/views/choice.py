"""Students' Choice pages: the week's posts to vote for, the vote itself, and an instructor's early close.

Not cached for anonymous readers: the page carries vote forms, and it is cheap
(a fixed handful of queries). Before the close it shows no number to anyone.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from courses import permissions as course_permissions
from posts.models import Post, consented, reads_as_member

from .. import choice, weeks
from ..choice import VoteRefused
from ..models import Digest, Vote

MAX_ID = 2**31 - 1  # an id past any row's: bigger numbers would overflow the database's integers


def _week_or_404(course, text: str) -> datetime.date:
    """The week named in the URL: a Monday that has come (a future week has nothing to show)."""
    week = weeks.parse_week(text)
    if week is None or choice.is_future(course, week):
        raise Http404(_("No such week."))
    return week


def _to_week(course, week: datetime.date) -> str:
    return redirect("coursework:choice-week", course_slug=course.slug, week=week.isoformat())


@require_GET
def this_week(request, course_slug):
    course = course_permissions.readable_course_or_404(request.user, course_slug)
    return _to_week(course, weeks.week_of(course))


@require_GET
def week_page(request, course_slug, week):
    course = course_permissions.readable_course_or_404(request.user, course_slug)
    week = _week_or_404(course, week)
    now = timezone.now()
    membership = course_permissions.membership_of(request.user, course)
    is_student = membership is not None and not membership.is_instructor
    start, end = weeks.bounds(course, week)
    close = choice.close_of(course, week)
    ended = weeks.has_ended(course, week, now)
    # Readers who are not members see consenting authors' posts only (issue 18); the tally still
    # counts every post, so the winners are the class's.
    every_post = list(choice.week_posts(course, week).annotate(author_public=consented()))
    member_reader = reads_as_member(request.user, course)
    posts = [p for p in every_post if member_reader or p.author_public]
    my_vote = None
    if is_student:
        my_vote = (
            Vote.objects.filter(course=course, week=week, voter=membership)
            .values_list("post", flat=True)
            .first()
        )
    rows = choice.tally(course, week, every_post) if close else []
    rows = [row for row in rows if member_reader or row.post.author_public]
    # Over but not closed yet (`tick` closes it in a few minutes, if anyone voted).
    awaiting_close = ended and close is None and Vote.objects.filter(course=course, week=week).exists()
    this_week = weeks.week_of(course, now)
    context = {
        "course": course,
        "membership": membership,
        "is_instructor": course_permissions.is_instructor(request.user, course),
        "is_student": is_student,
        "week": week,
        "opens_label": weeks.label(course, start),
        "last_label": weeks.label(course, end - datetime.timedelta(minutes=1)),
        "closes_label": weeks.label(course, end),
        "close": close,
        "closed_label": weeks.label(course, close.closed_at) if close else "",
        "ended": ended,
        "awaiting_close": awaiting_close,
        "voting_open": close is None and not ended,
        "posts": posts,
        "my_vote": my_vote,
        "rows": rows,
        "winners": [row for row in rows if row.winner],
        "previous_week": week - weeks.ONE_WEEK,
        "next_week": week + weeks.ONE_WEEK if week < this_week else None,
        "this_week": this_week,
        "digest_published": close is not None
        and Digest.objects.filter(course=course, week=week, status=Digest.Status.PUBLISHED).exists(),
    }
    return render(request, "coursework/choice_week.html", context)


@require_POST
@login_required
def vote(request, course_slug, week):
    """Vote for a post of the week (field "post": its id), or take the vote back (field "withdraw")."""
    course = course_permissions.readable_course_or_404(request.user, course_slug)
    course_permissions.refuse_if_archived(course)
    week = _week_or_404(course, week)
    membership = course_permissions.membership_of(request.user, course)
    if membership is None:
        raise VoteRefused(
            _("Only the course's students vote for the Students' Choice. Join the course first.")
        )
    membership.course = course  # loaded already: the services read it
    choice.check_voter(membership)
    back = _to_week(course, week)
    if "withdraw" in request.POST:
        if choice.withdraw_vote(voter_membership=membership, week=week):
            messages.success(request, _("Your vote is withdrawn. You can vote again until the week closes."))
        else:
            messages.info(request, _("You had not voted this week."))
        return back
    try:
        post_id = int(request.POST.get("post", ""))
    except ValueError:
        post_id = 0
    if not 0 < post_id <= MAX_ID:
        messages.error(request, _("Choose a post to vote for: press “Vote for this” beside it."))
        return back
    post = Post.objects.visible_in(course, request.user).select_related("course").filter(pk=post_id).first()
    if post is None:
        raise Http404(_("No such post in this course."))
    choice.cast_vote(voter_membership=membership, post=post, week=week)
    messages.success(
        request,
        _("Your vote for “%(title)s” is in. You can change it until the week closes.")
        % {"title": post.title},
    )
    return back


@require_POST
@login_required
def close_early(request, course_slug, week):
    """An instructor closes the week's vote before its end: the count and the award happen now."""
    course = course_permissions.readable_course_or_404(request.user, course_slug)
    course_permissions.refuse_if_archived(course)
    week = _week_or_404(course, week)
    if not course_permissions.is_instructor(request.user, course):
        raise VoteRefused(_("Only the course's instructors can close the vote early."))
    result = choice.close_week(course=course, week=week, closed_by=request.user)
    if not result.created:
        messages.info(request, _("This week's vote was closed already."))
    elif not result.winners:
        messages.success(
            request, _("The vote is closed. Nobody voted, so there is no Students' Choice this week.")
        )
    elif result.problem:
        messages.warning(request, _("The vote is closed, but %(problem)s.") % {"problem": result.problem})
    else:
        titles = ", ".join(
            pgettext("a quoted title", "“%(title)s”") % {"title": post.title} for post in result.winners
        )
        messages.success(
            request, _("The vote is closed. The Students' Choice: %(titles)s.") % {"titles": titles}
        )
    return _to_week(course, week)
