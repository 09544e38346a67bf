"""Revisions on the post page: "Updated <date>" for every reader, a link to them for who may see them."""

from django import template
from django.urls import reverse
from django.utils import dateformat
from django.utils.html import format_html

from core.cache import cached_fragment
from courses.permissions import is_instructor

from ..models import updated_at_of

register = template.Library()


def updated_label(course, moment) -> str:
    """ "December 1, 2026, 10:42 (America/New_York)": in the course's zone, as its other dates are."""
    return f"{dateformat.format(moment.astimezone(course.tz), 'F j, Y, H:i')} ({course.tz.key})"


@register.simple_tag
def post_updated(post):
    """ "Updated <date>" when the published text changed after publication; the same for every reader.

    Kept under the course's version (bumped by the post's save and by the
    revision's, revisions/signals.py), so a cached page shows it at once.
    """
    course = post.course

    def render():
        moment = updated_at_of(post)
        if moment is None:
            return ""
        return format_html(
            '<p class="post-updated">Updated <time datetime="{}">{}</time></p>',
            moment.isoformat(),
            updated_label(course, moment),
        )

    return cached_fragment(course.slug, f"updated:{post.pk}", render)


@register.simple_tag(takes_context=True)
def revisions_link(context, post):
    """A link to the post's revisions, for its author and the course's instructors only."""
    user = context["request"].user
    if not user.is_authenticated or (post.author_id != user.pk and not is_instructor(user, post.course)):
        return ""
    url = reverse("revisions:list", kwargs={"course_slug": post.course.slug, "slug": post.slug})
    return format_html('<p class="revisions-link"><a href="{}">Revisions of this post</a></p>', url)


@register.simple_tag
def revision_time(revision, course):
    """When a revision was saved, in the course's zone: "December 1, 2026, 10:42"."""
    return dateformat.format(revision.saved_at.astimezone(course.tz), "F j, Y, H:i")
