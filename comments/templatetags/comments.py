"""How other apps' templates show comments: the post page's thread and the count in lists."""

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from comments import permissions
from comments.forms import CommentForm, GuestCommentForm
from comments.models import Comment
from comments.thread import build_thread, find, shared_thread_for
from posts import caching

register = template.Library()


@register.simple_tag
def comment_count_link(post):
    count = post.comment_count
    label = "Response" if count == 1 else "Responses"
    return format_html('<a href="{}#comments">{} {}</a>', post.get_absolute_url(), count, label)


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

    Most readers see the same thread, so it comes from the course's fragment
    cache (comments/thread.py), with the reader's own controls filled in. A
    moderator, a reader with a comment awaiting moderation here, and a reply
    opened without JavaScript get it rendered for them alone.
    """
    request = context["request"]
    user = request.user
    course = post.course
    moderator = permissions.can_moderate(user, course)
    access = permissions.comment_access(user, post)
    form = context.get("comment_form")
    reply_to_pk = _requested_reply_to(request, form)
    section = {"post": post, "course": course, "access": access, "reply_to": None, "reply_to_pk": None}

    thread_html = None
    if not moderator and reply_to_pk is None and caching.is_enabled():
        thread_html = shared_thread_for(request, post, access)
    if thread_html is None:
        comments = list(Comment.objects.for_thread(post))
        nodes = build_thread(comments, user=user, moderator=moderator)
        if reply_to_pk and access.allowed:
            node = find(nodes, reply_to_pk)
            if node and node.comment.is_approved and not node.placeholder:
                section.update(reply_to=node.comment, reply_to_pk=node.comment.pk)
        pending_count = sum(1 for c in comments if c.is_pending) if moderator else 0
        section["form"] = form or _blank_form(access, section["reply_to"])  # a reply form sits in the thread
        thread_html = render_to_string(
            "comments/includes/_thread.html",
            {
                **section,
                "nodes": nodes,
                "count": post.comment_count,
                "moderator": moderator,
                "pending_count": pending_count,
            },
            request=request,
        )
    section.setdefault("form", form or _blank_form(access, None))
    # Rendered by our templates (which escape) and filled only with our own controls.
    section["thread_html"] = mark_safe(thread_html)  # noqa: S308
    return render_to_string("comments/includes/_section.html", section, request=request)


def _blank_form(access, reply_to):
    form_class = GuestCommentForm if access.as_guest else CommentForm
    return form_class(initial={"parent": reply_to.pk if reply_to else None})
