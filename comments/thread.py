"""The thread under a post, and its comment section put together Russian-doll style.

build_thread() makes the tree from the one query of Comment.objects.for_thread
and decides who sees which comment.

The section is rendered in pieces by small templates (comments/includes/):
each comment up to where its author's own Edit and Remove go
(_comment_before.html), from there to its replies (_comment_after.html) and
after them (_comment_end.html); the section's frame (_section_*.html); the
"Leave a Reply" form up to its CSRF token and after it (_respond_*.html).
join() puts a reader's section together from them in Python, with what the
Reader has of their own in between: Edit and Remove on their comments
(_own_actions.html, rendered per request on those only) and their token.

Most readers share the pieces: shared_section_for() keeps them under the
course's version (core.cache.cached_fragment), rendered from a context with no
reader in it (no user, no request, no token), so nothing of one reader can be
kept for another: per-reader markup put in a piece renders empty from the
cache, and tests/comments/test_shared_thread.py fails. It belongs in Reader.
A moderator, a reader with a comment awaiting moderation here, a reply form
opened without JavaScript (put under its comment) and a form sent back with
errors get the pieces rendered for them alone (reader_section()), by the same
templates and joined by the same join(), so where the shared pieces fit a
reader the two paths give the same bytes by construction.
"""

import datetime
import hashlib
from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.auth.models import AnonymousUser
from django.middleware.csrf import get_token
from django.template import Context
from django.template.context_processors import csrf
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from core.cache import cached_fragment

from . import permissions
from .models import Comment

# Lazy: the placeholder is drawn in the reader's language.
REMOVED_TEXT = gettext_lazy("This comment was removed.")
HIDDEN_TEXT = gettext_lazy("This comment is not shown.")


@dataclass
class Node:
    comment: Comment
    children: list["Node"] = field(default_factory=list)
    placeholder: str = ""  # set when the comment itself is not shown but its replies are


def _shown_in_full(comment: Comment, *, user, moderator: bool) -> bool:
    if comment.status == Comment.Status.APPROVED:
        return True
    if comment.status == Comment.Status.PENDING:
        return moderator or (user.is_authenticated and comment.author_id == user.pk)
    return False  # spam is never shown; removed leaves at most a placeholder


def build_thread(comments, *, user, moderator: bool) -> list[Node]:
    """Top-level nodes in order, each with its replies; hidden leaves are dropped."""
    nodes = {comment.pk: Node(comment) for comment in comments}
    roots = []
    for node in nodes.values():  # comments arrive oldest first, so children keep their order
        parent = nodes.get(node.comment.parent_id)
        (parent.children if parent else roots).append(node)
    return _prune(roots, user=user, moderator=moderator)


def _prune(nodes: list[Node], *, user, moderator: bool) -> list[Node]:
    kept = []
    for node in nodes:
        node.children = _prune(node.children, user=user, moderator=moderator)
        comment = node.comment
        if _shown_in_full(comment, user=user, moderator=moderator):
            kept.append(node)
        elif node.children:
            node.placeholder = REMOVED_TEXT if comment.status != Comment.Status.PENDING else HIDDEN_TEXT
            kept.append(node)
    return kept


def count_nodes(nodes: list[Node]) -> int:
    return sum(1 + count_nodes(node.children) for node in nodes)


def find(nodes: list[Node], pk: int) -> Node | None:
    for node in nodes:
        if node.comment.pk == pk:
            return node
        found = find(node.children, pk)
        if found:
            return found
    return None


# --- the section in pieces -----------------------------------------------------------------------


@dataclass(frozen=True)
class CommentHTML:
    """A comment's pieces and its replies'; its author's own controls go between `before` and `after`.

    pk, author_id, status and created_at are what comments.permissions reads to
    decide those controls, and the URLs are theirs: a reverse() per request
    would cost more than joining the whole section.
    """

    pk: int
    author_id: int | None
    status: str
    created_at: datetime.datetime
    edit_url: str
    remove_url: str
    before: str
    after: str
    replies: tuple["CommentHTML", ...]
    end: str

    def size(self) -> int:
        own = len(self.edit_url) + len(self.remove_url) + len(self.before) + len(self.after) + len(self.end)
        return own + sum(reply.size() for reply in self.replies)


@dataclass(frozen=True)
class FormHTML:
    """The "Leave a Reply" form around its CSRF token; without a form (may not comment), no token."""

    before: str
    after: str
    takes_token: bool

    def join(self, reader: "Reader") -> SafeString:
        # The token only where the form is: asking for it marks the page as carrying a
        # per-visitor token, which keeps it out of the anonymous page cache.
        return self.before + reader.token() + self.after if self.takes_token else self.before + self.after


@dataclass(frozen=True)
class SectionHTML:
    """A comment section in pieces, as one kind of reader sees it."""

    start: str
    comments: tuple[CommentHTML, ...]
    middle: str
    form: FormHTML | None  # None when the form is under the comment replied to
    end: str
    pending_authors: frozenset[int]  # who has a comment here awaiting moderation

    def size(self) -> int:
        form = len(self.form.before) + len(self.form.after) if self.form else 0
        return (
            len(self.start) + len(self.middle) + len(self.end) + form + sum(c.size() for c in self.comments)
        )


def _piece(name: str):
    # The engine's Template, which renders a Context: the pieces share one, as {% include %} does.
    return get_template(f"comments/includes/_{name}.html").template


class Reader:
    """What one reader has of their own in a section: Edit and Remove on their comments, a CSRF token."""

    def __init__(self, request):
        self.request, self.user, self.now = request, request.user, timezone.now()
        self.user_pk = self.user.pk if self.user.is_authenticated else None  # read once, not per comment

    @cached_property
    def context(self) -> Context:
        # Made on first use: the token is asked for only where a form needs it.
        return Context({"csrf_token": get_token(self.request)})

    def controls(self, comment: CommentHTML) -> str:
        if self.user_pk is None or comment.author_id != self.user_pk:
            return ""
        can_edit = permissions.can_edit(self.user, comment, now=self.now)
        can_remove = permissions.can_remove_own(self.user, comment)
        if not (can_edit or can_remove):
            return ""
        with self.context.push(c=comment, can_edit=can_edit, can_remove=can_remove):
            return _piece("own_actions").render(self.context)

    def token(self) -> str:
        return _piece("csrf_input").render(self.context)


def join(section: SectionHTML, reader: Reader) -> SafeString:
    """The section for one reader: its pieces, with the reader's controls and token in between."""

    def pieces(comments):
        for comment in comments:
            yield comment.before
            yield reader.controls(comment)
            yield comment.after
            yield from pieces(comment.replies)
            yield comment.end

    form = section.form.join(reader) if section.form else ""
    parts = (section.start, *pieces(section.comments), section.middle, form, section.end)
    # Every part is the output of our templates, which escape everything users write but
    # the sanitized body_html, so the whole is as safe as they are.
    return mark_safe("".join(parts))  # noqa: S308


def _section_context(post, nodes: list[Node], access, logged_in: bool, form) -> dict:
    return {
        "post": post,
        "course": post.course,
        "nodes": nodes,
        "count": post.comment_count,
        "access": access,
        "logged_in": logged_in,
        "form": form,
    }


def _render_form(context: Context) -> FormHTML:
    before, after = _piece("respond_before").render(context), _piece("respond_after").render(context)
    return FormHTML(before, after, takes_token=context["access"].allowed)


def _render(
    context: Context, nodes: list[Node], form: FormHTML | None, pending_authors=frozenset()
) -> SectionHTML:
    before, after, end = _piece("comment_before"), _piece("comment_after"), _piece("comment_end")
    course_slug = context["course"].slug

    def render(node: Node) -> CommentHTML:
        replies = tuple(map(render, node.children))
        c = node.comment
        urls = ("", "")
        if c.author_id is not None:
            kwargs = {"course_slug": course_slug, "pk": c.pk}
            urls = reverse("comments:edit", kwargs=kwargs), reverse("comments:remove", kwargs=kwargs)
        with context.push(node=node, c=c):
            pieces = before.render(context), after.render(context), replies, end.render(context)
        return CommentHTML(c.pk, c.author_id, c.status, c.created_at, *urls, *pieces)

    comments = tuple(map(render, nodes))
    return SectionHTML(
        start=_piece("section_start").render(context),
        comments=comments,
        middle=_piece("section_middle").render(context),
        form=form,
        end=_piece("section_end").render(context),
        pending_authors=pending_authors,
    )


def reader_section(request, post, *, nodes, access, moderator, pending_count, form, reply_to) -> SafeString:
    """The section rendered for this reader alone: the same pieces as the shared one, joined the same way."""
    reader = Reader(request)
    context = Context(
        {
            **_section_context(post, nodes, access, reader.user.is_authenticated, form),
            "user": reader.user,
            "moderator": moderator,
            "pending_count": pending_count,
            "reply_to": reply_to,
            "reply_to_pk": reply_to.pk if reply_to else None,
            **csrf(request),  # lazy, as in a RequestContext: a token only if a form asks for one
        }
    )
    form_html = _render_form(context)
    if reply_to is not None:
        # A reply opened without JavaScript: the form goes under its comment (_comment_after.html).
        context["reply_form"] = form_html.join(reader)
        form_html = None
    return join(_render(context, nodes, form_html), reader)


# --- the section most readers share --------------------------------------------------------------


def _render_shared(post, access, logged_in: bool, form_class) -> SectionHTML:
    comments = list(Comment.objects.for_thread(post))
    nodes = build_thread(comments, user=AnonymousUser(), moderator=False)
    # What every reader of this kind shares, and nothing else: no user, no request, no CSRF
    # token (a {% csrf_token %} in a piece renders nothing), so no reader's data can be kept.
    context = Context(_section_context(post, nodes, access, logged_in, form_class()))
    pending = frozenset(c.author_id for c in comments if c.is_pending and c.author_id is not None)
    return _render(context, nodes, _render_form(context), pending)


def shared_section_for(request, post, access, form_class) -> SafeString | None:
    """The shared section joined for this reader, or None if theirs differs more.

    It differs more when the reader has a comment awaiting moderation here: they
    see it in full, nobody else does. (Moderators never ask: theirs is their own.)
    """
    user = request.user
    logged_in = user.is_authenticated
    # Everything besides the course's data (and the language, in every fragment's key) that the shared
    # section depends on; str(reason): a lazy reason's repr names its address in memory, not its words.
    kind = (access.allowed, access.as_guest, str(access.reason), logged_in, form_class.__name__)
    variant = hashlib.sha256(repr(kind).encode()).hexdigest()[:16]
    shared = cached_fragment(
        post.course.slug,
        f"comments:{post.pk}:{variant}",
        lambda: _render_shared(post, access, logged_in, form_class),
        nbytes=SectionHTML.size,
    )
    if logged_in and user.pk in shared.pending_authors:
        return None
    return join(shared, Reader(request))
