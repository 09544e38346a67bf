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
    """A student of a course. Students have given consent to publish (issue 18) unless consented=False:
    tests of what the world reads say so; the consent tests (tests/privacy_consent/) make them without."""

    class Meta:
        model = Membership
        skip_postgeneration_save = True

    class Params:
        consented = True

    course = factory.SubFactory(CourseFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.STUDENT
    display_name = factory.LazyAttribute(lambda m: f"Display {m.user.username}")
    publish_consent_at = factory.LazyAttribute(
        lambda m: timezone.now() if m.consented and m.role == Membership.Role.STUDENT else None
    )

    @factory.post_generation
    def consent_record(membership, create, extracted, **kwargs):
        if create and membership.publish_consent_at is not None:
            membership.publish_consents.create(
                text=membership.course.consent_text, given_at=membership.publish_consent_at
            )


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


# --- awards ---


class AwardTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "awards.AwardType"

    course = factory.SubFactory(CourseFactory)
    name = "Red star"
    slug = factory.Sequence(lambda n: f"red-star-{n}")
    symbol = "star"
    colour = "#b71c1c"


class EditorialTermFactory(factory.django.DjangoModelFactory):
    """A student on the editorial team this week (today included)."""

    class Meta:
        model = "awards.EditorialTerm"

    member = factory.SubFactory(MembershipFactory)
    course = factory.LazyAttribute(lambda t: t.member.course)
    starts = factory.LazyFunction(lambda: timezone.localdate() - timezone.timedelta(days=1))
    ends = factory.LazyFunction(lambda: timezone.localdate() + timezone.timedelta(days=5))


class AwardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "awards.Award"

    post = factory.SubFactory(PostFactory)
    award_type = factory.LazyAttribute(lambda a: AwardTypeFactory(course=a.post.course))
    given_by = factory.LazyAttribute(lambda a: InstructorFactory(course=a.post.course).user)
    note = "A careful reading of the sources."


# Comments (appended by the comments app)


class CommentFactory(factory.django.DjangoModelFactory):
    """An approved comment by a member of the post's course. Bypasses the services on purpose:
    tests that need the count or emails call comments.services instead."""

    class Meta:
        model = "comments.Comment"

    post = factory.SubFactory(PostFactory)
    author = factory.LazyAttribute(lambda c: MembershipFactory(course=c.post.course).user)
    body = factory.Sequence(lambda n: f"Comment number {n} about the source.")
    status = "approved"
    depth = factory.LazyAttribute(lambda c: c.parent.depth + 1 if c.parent else 1)
    parent = None


# --- coursework: Students' Choice and the digest (part B) ---


def _week_of(course, moment):
    from coursework import weeks  # tests only: factories import the apps they build rows of

    return weeks.week_of(course, moment)


class VoteFactory(factory.django.DjangoModelFactory):
    """A classmate's vote for a post, in the post's week (in the course's zone)."""

    class Meta:
        model = "coursework.Vote"

    post = factory.SubFactory(PostFactory)
    course = factory.LazyAttribute(lambda v: v.post.course)
    voter = factory.LazyAttribute(lambda v: MembershipFactory(course=v.post.course))
    week = factory.LazyAttribute(lambda v: _week_of(v.post.course, v.post.published_at))


class DigestFactory(factory.django.DjangoModelFactory):
    """A draft digest of this week."""

    class Meta:
        model = "coursework.Digest"

    course = factory.SubFactory(CourseFactory)
    week = factory.LazyAttribute(lambda d: _week_of(d.course, timezone.now()))
    introduction = "The editors' word on the week."


# --- coursework: prompts (part A) ---


class PromptFactory(factory.django.DjangoModelFactory):
    """A prompt open now: it opened a day ago and is due in five days."""

    class Meta:
        model = "coursework.Prompt"

    course = factory.SubFactory(CourseFactory)
    title = factory.Sequence(lambda n: f"Prompt number {n}")
    slug = factory.Sequence(lambda n: f"prompt-number-{n}")
    body = "Read the *sources* and answer."
    opens_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(days=1))
    due_at = factory.LazyAttribute(lambda p: p.opens_at + timezone.timedelta(days=6))


class PromptResponseFactory(factory.django.DjangoModelFactory):
    """A post answering a prompt of its course."""

    class Meta:
        model = "coursework.PromptResponse"

    post = factory.SubFactory(PostFactory)
    prompt = factory.LazyAttribute(lambda r: PromptFactory(course=r.post.course))


# --- feeds: private feed links (issue 16, feeds part) ---


class FeedTokenFactory(factory.django.DjangoModelFactory):
    """A member's private feed link; its secret is the token in the link's address."""

    class Meta:
        model = "feeds.FeedToken"

    membership = factory.SubFactory(MembershipFactory)
    secret = factory.LazyFunction(lambda: _new_feed_secret())


def _new_feed_secret():
    from feeds.models import new_secret  # tests only, as _week_of above

    return new_secret()


# --- account: the reader's in-site notices (issue 16, a reader's own corner) ---


class NoticeFactory(factory.django.DjangoModelFactory):
    """An unread notice to a post's author of a comment on it (the comment is a classmate's)."""

    class Meta:
        model = "account.Notice"

    post = factory.SubFactory(PostFactory)
    recipient = factory.LazyAttribute(lambda n: n.post.author)
    kind = "comment_on_post"
    comment = factory.LazyAttribute(lambda n: CommentFactory(post=n.post))


# --- privacy: consent to publish and author slugs (issue 18, consent part) ---


def student_without_consent(course, **kwargs):
    """A student of `course` who never gave consent to publish: their posts are for members only."""
    return MembershipFactory(course=course, consented=False, **kwargs)


def post_without_consent(course, **kwargs):
    """A live post by a student of `course` who never gave consent."""
    return PostFactory(course=course, author=student_without_consent(course).user, **kwargs)


# --- revisions: saved versions of a post (issue 17, "Never lose a word" and "Revisions") ---


def _next_revision_version(post):
    newest = post.revisions.order_by("-version").values_list("version", flat=True).first()
    return (newest or 0) + 1


class RevisionFactory(factory.django.DjangoModelFactory):
    """A saved version of a post, by its author: the post's own text, as its next version."""

    class Meta:
        model = "revisions.Revision"

    post = factory.SubFactory(PostFactory)
    version = factory.LazyAttribute(lambda r: _next_revision_version(r.post))
    kind = "saved"
    title = factory.LazyAttribute(lambda r: r.post.title)
    body = factory.LazyAttribute(lambda r: r.post.body)
    saved_by = factory.LazyAttribute(lambda r: r.post.author)
