"""The thread under a post, built in Python from the one query of Comment.objects.for_thread."""

from dataclasses import dataclass, field

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
