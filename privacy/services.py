"""The term's end and a student's own data: archiving, a new pseudonym, withdrawing posts, deletion.

This app sits on top of the others: it may import any of them, and none
imports it. Views, the admin and management commands all come through here.
"""

import secrets

from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Value
from django.db.models.functions import Replace
from django.utils import timezone

from account.models import CourseVisit
from comments.models import Comment
from core.cache import bump_course_version
from courses.models import Course, Membership
from coursework.models import Accommodation
from feeds.models import FeedToken
from posts import services as post_services
from posts.models import Post, PostImage, live
from search import index as search_index

User = get_user_model()

FORMER_MEMBER = "a former member"
FORMER_MEMBER_USERNAME_PREFIX = "former-member-"

# A new pseudonym is two plain words and a number: easy to read aloud, says nothing about the person.
_PSEUDONYM_FIRST = (
    "Amber", "Birch", "Cedar", "Coral", "Dune", "Ember", "Fern", "Flint", "Harbor", "Hazel",
    "Indigo", "Juniper", "Linden", "Maple", "Meadow", "Onyx", "Quartz", "Rowan", "Sage", "Willow",
)  # fmt: skip
_PSEUDONYM_SECOND = (
    "Heron", "Otter", "Finch", "Lynx", "Marten", "Plover", "Raven", "Robin", "Sparrow", "Wren",
    "Badger", "Falcon", "Kestrel", "Lark", "Osprey", "Pika", "Stoat", "Swift", "Tern", "Vole",
)  # fmt: skip


# --- The term's end -----------------------------------------------------------------------


def course_archive(*, course: Course) -> Course:
    """Make the course read only for everyone; readers keep reading it. Saving bumps its pages."""
    if course.archived_at is None:
        course.archived_at = timezone.now()
        course.save(update_fields=["archived_at"])
    return course


def course_unarchive(*, course: Course) -> Course:
    if course.archived_at is not None:
        course.archived_at = None
        course.save(update_fields=["archived_at"])
    return course


# --- A new pseudonym, withdrawn posts -----------------------------------------------------


def new_pseudonym(course: Course) -> str:
    """A random name nobody in the course uses yet."""
    taken = set(Membership.objects.filter(course=course).values_list("display_name", flat=True))
    while True:
        name = (
            f"{secrets.choice(_PSEUDONYM_FIRST)} {secrets.choice(_PSEUDONYM_SECOND)} "
            f"{secrets.randbelow(900) + 100}"
        )
        if name not in taken:
            return name


def pseudonym_renew(*, membership: Membership) -> str:
    """Replace the member's name in the course with a new pseudonym.

    Every page reads the name from the membership (posts, comments, mentions,
    feeds), so one row changes it everywhere; saving it bumps the course's pages.
    """
    membership.display_name = new_pseudonym(membership.course)
    membership.save(update_fields=["display_name"])
    return membership.display_name


def posts_withdraw(*, membership: Membership) -> int:
    """Take the member's published posts in the course out of view: they become drafts again.

    Drafts are seen by their author and the course's instructors only, so the
    posts leave the course's pages, feeds, sitemaps and search at once; the
    author can publish them again (while the course is not archived).
    """
    posts = list(Post.objects.filter(course=membership.course, author=membership.user).filter(live()))
    with transaction.atomic():
        for post in posts:
            post_services.post_unpublish(post=post)  # its signals: search index, caches
    return len(posts)


# --- Deleting an account ------------------------------------------------------------------


def deletion_plan(user) -> list[dict]:
    """Per course, what deleting the account does to the user's posts: shown before they confirm."""
    memberships = user.memberships.select_related("course").order_by("course__title", "course__pk")
    counts = {}
    for course_id in Post.objects.filter(author=user).values_list("course_id", flat=True):
        counts[course_id] = counts.get(course_id, 0) + 1
    return [
        {
            "course": m.course,
            "posts": counts.get(m.course_id, 0),
            "removes_posts": m.course.on_member_deletion == Course.OnMemberDeletion.REMOVE,
        }
        for m in memberships
    ]


def _former_member_username() -> str:
    while True:
        name = f"{FORMER_MEMBER_USERNAME_PREFIX}{secrets.token_hex(4)}"
        if not User.objects.filter(username=name).exists():
            return name


def account_delete(*, user) -> None:
    """Remove the person from the site; keep the threads they took part in readable.

    The user row is anonymised, not deleted: posts PROTECT their author, and
    comments keep theirs so that replies stay in place, shown as "a former
    member". Posts are kept (signed the same way) or removed, as each course's
    policy says. Everything else that names or reaches the person goes.
    """
    user = User.objects.get(pk=user.pk)
    old_names = {user.username, user.email, user.get_full_name(), user.first_name, user.last_name}
    memberships = list(Membership.objects.filter(user=user).select_related("course"))
    old_names |= {m.display_name for m in memberships}
    slugs = {m.course.slug for m in memberships}
    with transaction.atomic():
        files = []
        for membership in memberships:
            if membership.course.on_member_deletion == Course.OnMemberDeletion.REMOVE:
                removed = Post.objects.filter(course=membership.course, author=user)
                files += PostImage.objects.filter(post__in=removed).values_list("file", flat=True)
                for post in removed:
                    post.delete()  # its comments, awards, images' rows and search entries go with it
        # Uploads no post shows were only ever the person's.
        unused = PostImage.objects.filter(uploader=user, post__isnull=True)
        files += unused.values_list("file", flat=True)
        unused.delete()
        transaction.on_commit(lambda: _delete_files(files))
        # Posts of a course one has left (no membership) follow the site's default: kept, anonymised.
        FeedToken.objects.filter(membership__user=user).delete()
        CourseVisit.objects.filter(membership__user=user).delete()
        Accommodation.objects.filter(member__user=user).delete()  # reasons are about the person
        _delete_rows_owned_by(user)
        Membership.objects.filter(user=user).update(display_name=FORMER_MEMBER)
        _forget_in_admin_log(user, old_names)
        _forget_tasks(old_names)
        user.username = _former_member_username()
        user.email = ""
        user.first_name = ""
        user.last_name = ""
        user.is_active = False
        user.is_staff = False
        user.is_superuser = False
        # A new password hash also ends every session the person still has (Django checks it per request).
        user.set_unusable_password()
        user.save()
        user.groups.clear()
        user.user_permissions.clear()
        for slug in slugs:
            bump_course_version(slug)  # Membership.update() sent no signal
    _reindex(user)


# Rows hanging on the user that are kept, anonymised: the memberships carry "a former member",
# and images stay for the posts that are kept (they carry no name; EXIF was stripped at upload).
_KEPT_WITH_THE_USER = {Membership, PostImage}


def _delete_rows_owned_by(user) -> None:
    """Every row that belongs to the person alone and would go with the account (on_delete=CASCADE).

    Read from the models, not listed by hand, so an app added later (notices,
    preferences, mutes, invitations, LTI identities...) is covered without an edit here.
    """
    for relation in User._meta.related_objects:
        model = relation.related_model
        if model in _KEPT_WITH_THE_USER or relation.on_delete is not models.CASCADE:
            continue
        if relation.many_to_many:
            continue
        model._base_manager.filter(**{relation.field.name: user}).delete()


def _delete_files(names) -> None:
    for name in names:
        if name:
            default_storage.delete(name)


def _distinctive(names) -> list[str]:
    # A name of two or three letters would match inside other people's words.
    return [name for name in names if name and len(name) >= 4]


def _forget_in_admin_log(user, old_names) -> None:
    """The admin's history keeps each object's name as it was ("Kim in soviet-history (student)")."""
    LogEntry.objects.filter(user=user).delete()
    people = ContentType.objects.get_for_model(User)
    LogEntry.objects.filter(content_type=people, object_id=str(user.pk)).delete()
    for name in _distinctive(old_names):
        LogEntry.objects.filter(object_repr__contains=name).update(
            object_repr=Replace("object_repr", Value(name), Value(FORMER_MEMBER))
        )
        LogEntry.objects.filter(change_message__contains=name).update(
            change_message=Replace("change_message", Value(name), Value(FORMER_MEMBER))
        )


def _forget_tasks(old_names) -> None:
    """Queued and finished emails keep their addresses and names in the task's arguments."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another tasks backend keeps no rows here
        return
    for name in _distinctive(old_names):
        DBTaskResult.objects.filter(args_kwargs__icontains=name).delete()


def _reindex(user) -> None:
    """Search entries hold titles and texts, never names; rewrite the person's anyway, on the new rows."""
    for post in Post.objects.filter(author=user, status=Post.Status.PUBLISHED):
        search_index.sync_post(post)
    for comment in Comment.objects.filter(author=user).select_related("post"):
        search_index.sync_comment(comment)
