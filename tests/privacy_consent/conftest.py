import pytest
from django.urls import reverse

from courses.models import Membership
from tests.factories import (
    CourseFactory,
    InstructorFactory,
    MembershipFactory,
    UserFactory,
    post_without_consent,
)

# Issue 18's audiences: who reads a course's pages.
AUDIENCES = ["anonymous", "outsider", "member", "author", "other_instructor"]
# What the world may read of a student's live post: never consented, consenting now, consent taken back.
CONSENTS = ["never", "given", "revoked"]


@pytest.fixture
def caching(request, settings):
    """Run a test with the anonymous page cache on (the page and fragments kept) or off."""
    settings.ANONYMOUS_PAGE_CACHE = getattr(request, "param", True)
    return settings.ANONYMOUS_PAGE_CACHE


def give(membership):
    """The student gives consent as the account page does: through the view, as themselves."""
    from django.test import Client

    from courses.consent import text_digest

    client = Client()
    client.force_login(membership.user)
    course = membership.course
    course.refresh_from_db()
    response = client.post(
        reverse("courses:consent-give", args=[course.slug]), {"text_digest": text_digest(course.consent_text)}
    )
    assert response.status_code == 302, response.content
    membership.refresh_from_db()
    assert membership.publish_consent_at is not None


def revoke(membership):
    from django.test import Client

    client = Client()
    client.force_login(membership.user)
    response = client.post(reverse("courses:consent-revoke", args=[membership.course.slug]))
    assert response.status_code == 302, response.content
    membership.refresh_from_db()
    assert membership.publish_consent_at is None


class Scene:
    """A course (public or members-only), a student's live post with the consent state asked, and readers."""

    def __init__(self, visibility: str, consent: str):
        self.course = CourseFactory(visibility=visibility, title="Soviet History", slug="soviet-history")
        self.post = post_without_consent(self.course, title="The Thaw in Print", slug="the-thaw-in-print")
        self.author_membership = Membership.objects.get(course=self.course, user=self.post.author)
        if consent in ("given", "revoked"):
            if visibility == "members":  # consent is given while the course is public, then it closes
                self.course.visibility = "public"
                self.course.save()
            give(self.author_membership)
            if visibility == "members":
                self.course.visibility = "members"
                self.course.save()
        if consent == "revoked":
            revoke(self.author_membership)
        self.users = {
            "anonymous": None,
            "outsider": UserFactory(),
            "member": MembershipFactory(course=self.course, consented=False).user,
            "author": self.post.author,
            "other_instructor": InstructorFactory(course=CourseFactory()).user,
        }

    def client_for(self, audience):
        from django.test import Client

        client = Client()
        if self.users[audience] is not None:
            client.force_login(self.users[audience])
        return client


def world_sees(visibility, consent) -> bool:
    return visibility == "public" and consent == "given"


def reader_sees(audience, visibility, consent) -> bool:
    """Issue 18's one rule: members (the author among them) read every live post; the rest, consented ones
    in public courses only."""
    if audience in ("member", "author"):
        return True
    return world_sees(visibility, consent)


@pytest.fixture
def scene(db):
    return Scene
