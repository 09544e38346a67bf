"""How the post page shows what links to it: {% mentioned_in post %}."""

from dataclasses import dataclass
from datetime import datetime

from django import template
from django.template.loader import render_to_string
from django.utils.translation import gettext

from core.cache import cached_fragment
from mentions.models import Mention
from posts.models import FORMER_MEMBER, reads_as_member

register = template.Library()

# The newest are what a reader follows; a post linked from everywhere keeps a short list.
MAX_SHOWN = 50


@dataclass(frozen=True)
class Shown:
    url: str
    post_title: str
    commenter: str | None  # None: the linking post itself
    at: datetime


def _shown(mention, course) -> Shown:
    if mention.source_post_id:
        source = mention.source_post
        source.course = course  # the same course: no query for its slug
        return Shown(source.get_absolute_url(), source.title, None, mention.shown_at)
    comment = mention.source_comment
    comment.post.course = course
    # A member's name in the course, never their username (issue 18).
    name = (
        comment.guest_name if comment.is_guest else mention.commenter_display_name or gettext(FORMER_MEMBER)
    )
    return Shown(comment.get_absolute_url(), comment.post.title, name, mention.shown_at)


@register.simple_tag(takes_context=True)
def mentioned_in(context, post):
    """The posts and comments linking to `post` that its readers may see, newest first.

    The same for every member, and for every other reader (issue 18: they see
    consenting authors' posts only), so kept under the course's version
    (core.cache): a mention added or gone, a source unpublished or moderated,
    a commenter renamed, a consent given or taken back, each bumps it. One
    query when it must be rendered again.
    """
    course = post.course
    request = context.get("request")
    user = getattr(request, "user", None)
    members = user is not None and reads_as_member(user, course)

    def render():
        mentions = list(Mention.objects.shown_on(post, members=members)[: MAX_SHOWN + 1])
        shown = [_shown(mention, course) for mention in mentions[:MAX_SHOWN]]
        return render_to_string(
            "mentions/includes/_mentioned_in.html",
            {"mentions": shown, "more": len(mentions) > MAX_SHOWN, "limit": MAX_SHOWN},
        )

    audience = "members" if members else "world"
    return cached_fragment(course.slug, f"mentioned-in:{audience}:{post.pk}", render)
