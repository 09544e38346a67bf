"""The thread under a post, built in Python from the one query of Comment.objects.for_thread."""

import re
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.middleware.csrf import get_token
from django.template.loader import get_template, render_to_string

from posts.caching import cached_fragment

from . import permissions
from .models import Comment

REMOVED_TEXT = "This comment was removed."
HIDDEN_TEXT = "This comment is not shown."


@dataclass
class Node:
    comment: Comment
    children: list["Node"] = field(default_factory=list)
    placeholder: str = ""  # set when the comment itself is not shown but its replies are
    can_edit: bool = False
    can_remove: bool = False


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
            node.can_edit = permissions.can_edit(user, comment)
            node.can_remove = permissions.can_remove_own(user, comment)
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


# --- the thread most readers share ------------------------------------------------------------

READER_SLOT = re.compile(r"<!--reader:(\d+)-->")


@dataclass(frozen=True)
class SharedThread:
    """The thread as a reader who moderates nothing and wrote nothing here sees it.

    `html` holds a slot in every comment's controls where its author's Edit and
    Remove go; `own` lists the approved and pending comments as
    (pk, author id, status, created at), so each reader's controls can be worked
    out without loading the thread again.
    """

    html: str
    own: tuple[tuple[int, int, str, object], ...]


def _render_shared(post, access) -> SharedThread:
    comments = list(Comment.objects.for_thread(post))
    nodes = build_thread(comments, user=AnonymousUser(), moderator=False)
    html = render_to_string(
        "comments/includes/_thread.html",
        {
            "post": post,
            "course": post.course,
            "nodes": nodes,
            "count": post.comment_count,
            "access": access,
            "moderator": False,
            "reader_slots": True,
        },
    )
    own = tuple(
        (c.pk, c.author_id, c.status, c.created_at)
        for c in comments
        if c.author_id is not None and c.status in (Comment.Status.APPROVED, Comment.Status.PENDING)
    )
    return SharedThread(html, own)


def shared_thread_for(request, post, access) -> str | None:
    """The shared thread with this reader's own controls filled in, or None if theirs differs more.

    It differs more when the reader has a comment awaiting moderation here: they
    see it in full, nobody else does. (Moderators never ask: theirs is their own.)
    """
    shared = cached_fragment(
        post.course.slug,
        f"thread:{post.pk}:{int(access.allowed)}",
        lambda: _render_shared(post, access),
        nbytes=lambda thread: len(thread.html),
    )
    user = request.user
    reader_pk = user.pk if user.is_authenticated else None
    mine = [
        Comment(pk=pk, author_id=author_id, status=status, created_at=created_at)
        for pk, author_id, status, created_at in shared.own
        if author_id == reader_pk
    ]
    if any(comment.is_pending for comment in mine):
        return None
    controls = {}
    if mine:
        # A plain context (no context processors) with the token passed in: a few
        # of these render per page, so they must be cheap.
        template = get_template("comments/includes/_own_actions.html")
        csrf_token = get_token(request)
        for comment in mine:
            node = Node(
                comment,
                can_edit=permissions.can_edit(user, comment),
                can_remove=permissions.can_remove_own(user, comment),
            )
            controls[str(comment.pk)] = template.render(
                {"node": node, "c": comment, "course": post.course, "csrf_token": csrf_token}
            )
    return READER_SLOT.sub(lambda match: controls.get(match.group(1), ""), shared.html)
