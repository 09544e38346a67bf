from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from .models import Course, Membership, new_join_code

User = get_user_model()


class JoinError(Exception):
    """A join the user cannot make; the message is shown to them."""


def course_join(*, user, join_code: str, display_name: str) -> Membership:
    """Enrol the user as a student of the course whose join code they typed."""
    code = join_code.strip().upper()
    try:
        course = Course.objects.get(join_code=code)
    except Course.DoesNotExist:
        raise JoinError("That join code does not match any course. Check it with your instructor.") from None
    existing = Membership.objects.filter(course=course, user=user).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return Membership.objects.create(
                course=course,
                user=user,
                role=Membership.Role.STUDENT,
                display_name=display_name.strip() or user.username,
            )
    except IntegrityError:  # a double submit raced us: the membership exists
        return Membership.objects.get(course=course, user=user)


def user_sign_up(*, username: str, email: str, password: str, join_code: str, display_name: str):
    """Create the account and its first membership together, or neither."""
    with transaction.atomic():
        user = User.objects.create_user(username=username, email=email, password=password)
        membership = course_join(user=user, join_code=join_code, display_name=display_name)
    return user, membership


def course_rotate_join_code(*, course: Course) -> str:
    course.join_code = new_join_code()
    course.save(update_fields=["join_code"])
    return course.join_code


INSTRUCTORS_GROUP = "Instructors"


def instructor_permissions() -> list[tuple[str, str]]:
    """(app label, codename) of every permission an instructor needs in the admin.

    Each app lists its own in its AppConfig (`instructor_permissions`), so this
    module names no model of the apps above it. The admin limits every one of
    them to the courses the instructor teaches (courses/admin_scoping.py).
    """
    from django.apps import apps

    return [
        (config.label, codename)
        for config in apps.get_app_configs()
        for codename in getattr(config, "instructor_permissions", ())
    ]


def instructors_group_sync():
    """The "Instructors" group with every permission of instructor_permissions() that exists yet.

    Called after every `migrate` (courses/apps.py): permissions are created by
    the post_migrate signal, after all migrations ran, so a data migration alone
    could not give them on a fresh database. Adding is idempotent and keeps any
    extra permission a superuser gave the group by hand.
    """
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    group, _ = Group.objects.get_or_create(name=INSTRUCTORS_GROUP)
    wanted = Q(pk__in=[])
    for app_label, codename in instructor_permissions():
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    group.permissions.add(*Permission.objects.filter(wanted))
    return group


def instructor_grant(*, user) -> None:
    """Let an instructor into the admin: staff status and the Instructors group.

    The group is synced here too, so a group deleted by hand comes back whole.
    """
    group = instructors_group_sync()
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.groups.add(group)


def instructor_access_sync(*, user) -> None:
    """Staff status and the Instructors group follow whether the user teaches any course now.

    Called after a membership is added, changed or removed, so an instructor
    moved out of their last course leaves the admin with it (superusers keep
    theirs).
    """
    if Membership.objects.instructors().filter(user=user).exists():
        instructor_grant(user=user)
        return
    user.groups.remove(*user.groups.filter(name=INSTRUCTORS_GROUP))
    if user.is_staff and not user.is_superuser:
        user.is_staff = False
        user.save(update_fields=["is_staff"])
