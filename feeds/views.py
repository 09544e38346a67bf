"""Serving the feeds, and the reader's page of feed links."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from courses import permissions
from courses.models import Membership

from . import services
from .content import absolute
from .feeds import KINDS, CourseCommentsFeed, CoursePostsFeed, DigestsFeed, Moved
from .models import FeedToken


def _serve(request, *, course, kind, format, route_kwargs, members, **kwargs):
    feed = KINDS[kind](course=course, format=format, feed_url=absolute(request.path), members=members)
    try:
        return feed(request, **kwargs)
    except Moved as moved:
        url = reverse(
            request.resolver_match.view_name, kwargs={**route_kwargs, "format": format, **moved.kwargs}
        )
        return redirect(url, permanent=True)


def _keep_private(response):
    # A member's reading: no proxy or shared cache may keep it for someone else.
    patch_cache_control(response, private=True)
    return response


@require_safe
def course_feed(request, course_slug, format, kind, **kwargs):
    """A course's feed at its own address, for whoever may read the course (404 otherwise).

    A feed reader has no session, so for a members-only course this answers only a
    member's browser; feed readers use the member's private link (private_feed).
    """
    course = permissions.readable_course_or_404(request.user, course_slug)
    # A public course's feed is the same for everyone, and the world reads it: consenting authors only.
    response = _serve(
        request,
        course=course,
        kind=kind,
        format=format,
        route_kwargs={"course_slug": course_slug},
        members=not course.is_public,
        **kwargs,
    )
    return response if course.is_public else _keep_private(response)


@require_safe
def private_feed(request, token, format, kind, **kwargs):
    """A feed through a member's private link: its own course only, while its owner is a member."""
    feed_token = FeedToken.objects.for_secret(token)
    if feed_token is None:
        raise Http404(_("No such feed."))  # a revoked, mistyped or made-up link says no more than that
    response = _serve(
        request,
        course=feed_token.membership.course,
        kind=kind,
        format=format,
        route_kwargs={"token": token},
        members=True,
        **kwargs,
    )
    response["X-Robots-Tag"] = "noindex, nofollow"  # the address is a secret: keep it out of search engines
    return _keep_private(response)


# What the account page offers for each course: the course's own feeds (a category's,
# a tag's or a post's are linked from their pages).
ACCOUNT_FEEDS = [
    ("posts", gettext_lazy("Posts"), CoursePostsFeed),
    ("comments", gettext_lazy("Comments"), CourseCommentsFeed),
    ("digests", gettext_lazy("Weekly digests"), DigestsFeed),
]


def _feed_rows(membership):
    course = membership.course
    token = getattr(membership, "feed_token", None)
    if course.is_public:
        prefix, access = "", {"course_slug": course.slug}
    elif token is not None:
        prefix, access = "private-", {"token": token.secret}
    else:
        return []  # no private link yet: the page offers to make one
    return [
        {
            "label": label,
            "title": feed.title_for(course),
            "atom": absolute(reverse(f"feeds:{prefix}{kind}", kwargs={**access, "format": "atom"})),
            "rss": absolute(reverse(f"feeds:{prefix}{kind}", kwargs={**access, "format": "rss"})),
        }
        for kind, label, feed in ACCOUNT_FEEDS
    ]


@require_safe
@login_required
def account_feeds(request):
    """The reader's feed links, per course they belong to: private ones for members-only courses."""
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("course", "feed_token")
        .order_by("course__title")
    )
    courses = [
        {"membership": m, "course": m.course, "token": getattr(m, "feed_token", None), "feeds": _feed_rows(m)}
        for m in memberships
    ]
    response = render(request, "feeds/account_feeds.html", {"courses": courses})
    patch_cache_control(response, private=True, no_store=True)  # the page shows secret addresses
    return response


@require_POST
@login_required
def new_link(request, course_slug):
    """Make the member a new private link for the course; the old one stops working at once."""
    course = permissions.readable_course_or_404(request.user, course_slug)
    membership = permissions.membership_of(request.user, course)
    if membership is None:
        raise PermissionDenied(_("Only members of this course have a private feed link."))
    had_one = FeedToken.objects.filter(membership_id=membership.pk).exists()
    services.feed_token_renew(membership=membership)
    if had_one:
        messages.success(
            request,
            _(
                "Your private feed link for %(course)s is new. The old one has stopped working: "
                "give your feed reader the new one."
            )
            % {"course": course.title},
        )
    else:
        messages.success(
            request,
            _("Your private feed link for %(course)s is ready. Keep it to yourself.")
            % {"course": course.title},
        )
    return redirect(reverse("feeds:account") + f"#course-{course.slug}")
