"""Revisions on the post page: "Updated <date>" for every reader, a link to them for who may see them."""

from django import template
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

from core.cache import cached_fragment
from courses.permissions import is_instructor

from ..models import updated_at_of

register = template.Library()


def updated_label(course, moment) -> str:
    """ "December 1, 2026, 10:42 (America/New_York)": in the course's zone, as its other dates are."""
    return f"{date_format(moment.astimezone(course.tz), 'DATETIME_FORMAT')} ({course.tz.key})"


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
        when = format_html('<time datetime="{}">{}</time>', moment.isoformat(), updated_label(course, moment))
        # The sentence is ours (the catalogue), only `when` is filled in, and it is escaped.
        return format_html('<p class="post-updated">{}</p>', format_html(_("Updated {when}"), when=when))

    return cached_fragment(course.slug, f"updated:{post.pk}", render)


@register.simple_tag(takes_context=True)
def revisions_link(context, post):
    """A link to the post's revisions, for its author and the course's instructors only."""
    user = context["request"].user
    if not user.is_authenticated or (post.author_id != user.pk and not is_instructor(user, post.course)):
        return ""
    url = reverse("revisions:list", kwargs={"course_slug": post.course.slug, "slug": post.slug})
    return format_html('<p class="revisions-link"><a href="{}">{}</a></p>', url, _("Revisions of this post"))


@register.simple_tag
def revision_time(revision, course):
    """When a revision was saved, in the course's zone: "December 1, 2026, 10:42"."""
    return date_format(revision.saved_at.astimezone(course.tz), "DATETIME_FORMAT")
