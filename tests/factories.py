import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from courses.models import Course, Membership
from posts.models import Category, Post

User = get_user_model()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.edu")
    password = factory.django.Password("pass-for-tests-1")


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    slug = factory.Sequence(lambda n: f"course-{n}")
    title = factory.Sequence(lambda n: f"Course {n}")
    term = "Fall 2026"
    visibility = Course.Visibility.PUBLIC


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    course = factory.SubFactory(CourseFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.STUDENT
    display_name = factory.LazyAttribute(lambda m: f"Display {m.user.username}")


class InstructorFactory(MembershipFactory):
    role = Membership.Role.INSTRUCTOR


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("course", "slug")

    course = factory.SubFactory(CourseFactory)
    name = "Uncategorized"
    slug = "uncategorized"


class PostFactory(factory.django.DjangoModelFactory):
    """A published post by a member of its course."""

    class Meta:
        model = Post

    course = factory.SubFactory(CourseFactory)
    author = factory.LazyAttribute(lambda p: MembershipFactory(course=p.course).user)
    title = factory.Sequence(lambda n: f"Post number {n}")
    slug = factory.Sequence(lambda n: f"post-number-{n}")
    body = "Some *Markdown* text about the week's source."
    status = Post.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(hours=1))
    category = factory.LazyAttribute(lambda p: CategoryFactory(course=p.course))


class DraftFactory(PostFactory):
    status = Post.Status.DRAFT
    published_at = None
