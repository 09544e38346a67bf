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
