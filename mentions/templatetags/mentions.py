"""How the post page shows what links to it: {% mentioned_in post %}."""

from dataclasses import dataclass
from datetime import datetime

from django import template
from django.template.loader import render_to_string

from core.cache import cached_fragment
from mentions.models import Mention

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
    if comment.is_guest:
        name = comment.guest_name
    else:
        name = mention.commenter_display_name or comment.author.username
    return Shown(comment.get_absolute_url(), comment.post.title, name, mention.shown_at)


@register.simple_tag
def mentioned_in(post):
    """The posts and comments linking to `post` that its readers may see, newest first.

    The same for every reader of the page, so kept under the course's version
    (core.cache): a mention added or gone, a source unpublished or moderated,
    a commenter renamed, each bumps it. One query when it must be rendered again.
    """
    course = post.course

    def render():
        mentions = list(Mention.objects.shown_on(post)[: MAX_SHOWN + 1])
        shown = [_shown(mention, course) for mention in mentions[:MAX_SHOWN]]
        return render_to_string(
            "mentions/includes/_mentioned_in.html",
            {"mentions": shown, "more": len(mentions) > MAX_SHOWN, "limit": MAX_SHOWN},
        )

    return cached_fragment(course.slug, f"mentioned-in:{post.pk}", render)
