"""How other apps' templates show comments: the post page's thread and the count in lists."""

from django import template
from django.utils.html import format_html
from django.utils.translation import ngettext

from comments import permissions
from comments.forms import CommentForm, GuestCommentForm
from comments.models import Comment
from comments.thread import build_thread, find, reader_section, shared_section_for
from core.cache import is_enabled as caching_is_enabled

register = template.Library()


@register.simple_tag
def comment_count_link(post):
    count = post.comment_count
    label = ngettext("%(count)s Response", "%(count)s Responses", count) % {"count": count}
    return format_html('<a href="{}#comments">{}</a>', post.get_absolute_url(), label)


def _requested_reply_to(request, form):
    """The comment the reader is replying to: a failed form's parent, or ?replyto= in the URL."""
    raw = form.data.get("parent") if form is not None and form.is_bound else request.GET.get("replyto")
    try:
        return int(raw) if raw else None
    except (TypeError, ValueError):
        return None


@register.simple_tag(takes_context=True)
def comment_section(context, post):
    """The thread and the "Leave a Reply" form under a post, from one query however many comments.

    Most readers see the same section, so its pieces come from the course's
    fragment cache (comments/thread.py), joined with the reader's own controls
    and token. A moderator, a reader with a comment awaiting moderation here, a
    reply opened without JavaScript and a form sent back with errors get the
    pieces rendered for them alone, joined the same way.
    """
    request = context["request"]
    user = request.user
    course = post.course
    moderator = permissions.can_moderate(user, course)
    access = permissions.comment_access(user, post)
    form = context.get("comment_form")
    reply_to_pk = _requested_reply_to(request, form)

    if form is None and reply_to_pk is None and not moderator and caching_is_enabled():
        shared = shared_section_for(request, post, access, _form_class(access))
        if shared is not None:
            return shared

    comments = list(Comment.objects.for_thread(post))
    nodes = build_thread(comments, user=user, moderator=moderator)
    reply_to = None
    if reply_to_pk and access.allowed:
        node = find(nodes, reply_to_pk)
        if node and node.comment.is_approved and not node.placeholder:
            reply_to = node.comment
    return reader_section(
        request,
        post,
        nodes=nodes,
        access=access,
        moderator=moderator,
        pending_count=sum(1 for c in comments if c.is_pending) if moderator else 0,
        form=form or _blank_form(access, reply_to),
        reply_to=reply_to,
    )


def _form_class(access):
    return GuestCommentForm if access.as_guest else CommentForm


def _blank_form(access, reply_to):
    return _form_class(access)(initial={"parent": reply_to.pk if reply_to else None})
