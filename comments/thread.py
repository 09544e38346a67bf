"""The thread under a post, built in Python from the one query of Comment.objects.for_thread."""

import hashlib
import re
import secrets
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.middleware.csrf import get_token
from django.template.loader import get_template, render_to_string

from core.cache import cached_fragment

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


# --- the comment section most readers share ------------------------------------------------------

# Where the shared section leaves room for one reader: their Edit and Remove on
# a comment of theirs, and their CSRF token. The CSRF slot is a random word made
# for each render: a fixed one could be typed into a comment, whose readers
# would then each find their token in its link.
# (A reader slot is an HTML comment, which nothing a user writes can produce:
# Markdown shows raw HTML as text and templates escape every other string.)
READER_SLOT = r"<!--reader:\d+-->"

# The controls are rendered once, for this comment number, and copied per comment.
SAMPLE_PK = 987654321987


def _reader_slot(comment_pk) -> str:
    return f"<!--reader:{comment_pk}-->"


@dataclass(frozen=True)
class SharedSection:
    """The thread and a blank "Leave a Reply" form, as a reader who moderates nothing here sees them.

    `parts` is the HTML cut at its slots: text, slot, text, slot, ..., text. There
    is a slot in every comment's controls where its author's Edit and Remove go,
    and `csrf_slot` wherever the CSRF token goes. `own` lists the approved and pending
    comments as (pk, author id, status, created at), so each reader's controls
    can be worked out without loading the thread again; `controls` holds an
    approved comment's own controls for comment SAMPLE_PK, with and without Edit.
    """

    parts: tuple[str, ...]
    own: tuple[tuple[int, int, str, object], ...]
    controls: dict[bool, str]
    csrf_slot: str


def _render_shared(post, access, logged_in, form_class) -> SharedSection:
    csrf_slot = f"csrfslot{secrets.token_hex(16)}"
    comments = list(Comment.objects.for_thread(post))
    nodes = build_thread(comments, user=AnonymousUser(), moderator=False)
    html = render_to_string(
        "comments/includes/_section.html",
        {
            "post": post,
            "course": post.course,
            "nodes": nodes,
            "count": post.comment_count,
            "access": access,
            "moderator": False,
            "form": form_class(),
            "logged_in": logged_in,
            "reader_slots": True,
            "csrf_token": csrf_slot,
        },
    )
    own = tuple(
        (c.pk, c.author_id, c.status, c.created_at)
        for c in comments
        if c.author_id is not None and c.status in (Comment.Status.APPROVED, Comment.Status.PENDING)
    )
    template = get_template("comments/includes/_own_actions.html")
    sample = Comment(pk=SAMPLE_PK, post=post, status=Comment.Status.APPROVED)
    controls = {
        can_edit: template.render(
            {
                "node": Node(sample, can_edit=can_edit, can_remove=True),
                "c": sample,
                "course": post.course,
                "csrf_token": csrf_slot,
            }
        )
        for can_edit in (True, False)
    }
    slots = re.compile(f"({READER_SLOT}|{csrf_slot})")
    return SharedSection(tuple(slots.split(html)), own, controls, csrf_slot)


def shared_section_for(request, post, access, form_class) -> str | None:
    """The shared section with this reader's slots filled in, or None if theirs differs more.

    It differs more when the reader has a comment awaiting moderation here: they
    see it in full, nobody else does. (Moderators never ask: theirs is their own.)
    """
    user = request.user
    logged_in = user.is_authenticated
    # Everything besides the course's data that the shared section depends on.
    variant = hashlib.sha256(repr((access, logged_in, form_class.__name__)).encode()).hexdigest()[:16]
    shared = cached_fragment(
        post.course.slug,
        f"comments:{post.pk}:{variant}",
        lambda: _render_shared(post, access, logged_in, form_class),
        nbytes=lambda section: sum(map(len, section.parts)),
    )
    reader_pk = user.pk if logged_in else None
    mine = [
        Comment(pk=pk, author_id=author_id, status=status, created_at=created_at)
        for pk, author_id, status, created_at in shared.own
        if author_id == reader_pk
    ]
    if any(comment.is_pending for comment in mine):
        return None
    # The token only where the section has a form: asking for it marks the page as
    # carrying a per-visitor token, which keeps it out of the anonymous page cache.
    csrf_slot = shared.csrf_slot
    slots = {csrf_slot: get_token(request)} if (mine or csrf_slot in shared.parts) else {}
    for comment in mine:
        # An approved comment of theirs (a pending one went the long way above):
        # Remove always, Edit within the window. Anything else: the long way.
        if not permissions.can_remove_own(user, comment):
            return None
        controls = shared.controls[permissions.can_edit(user, comment)]
        slots[_reader_slot(comment.pk)] = controls.replace(str(SAMPLE_PK), str(comment.pk)).replace(
            csrf_slot, slots[csrf_slot]
        )
    parts = shared.parts
    return "".join(parts[i] if i % 2 == 0 else slots.get(parts[i], "") for i in range(len(parts)))
