"""Giving and taking back consent to publish: only the student, from their own account, with a record."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from courses.consent import text_digest
from courses.models import Membership, PublishConsent
from tests.factories import (
    CourseFactory,
    InstructorFactory,
    MembershipFactory,
    UserFactory,
    student_without_consent,
)

from .conftest import give, revoke


def give_url(course):
    return reverse("courses:consent-give", args=[course.slug])


def revoke_url(course):
    return reverse("courses:consent-revoke", args=[course.slug])


def test_a_student_gives_consent_to_the_courses_text_and_it_is_recorded(client, course):
    course.consent_text = "My posts may be read by anyone, under my course name."
    course.save()
    student = student_without_consent(course)
    client.force_login(student.user)
    response = client.post(give_url(course), {"text_digest": text_digest(course.consent_text)})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#publishing-{course.slug}")
    [consent] = PublishConsent.objects.filter(membership=student)
    assert consent.text == "My posts may be read by anyone, under my course name."
    assert consent.revoked_at is None
    student.refresh_from_db()
    assert student.publish_consent_at == consent.given_at
    # Giving it twice keeps the first record.
    client.post(give_url(course), {"text_digest": text_digest(course.consent_text)})
    assert PublishConsent.objects.filter(membership=student).count() == 1


def test_revoking_keeps_the_history(course):
    student = student_without_consent(course)
    give(student)
    revoke(student)
    give(student)
    consents = list(PublishConsent.objects.filter(membership=student).order_by("pk"))
    assert len(consents) == 2
    assert consents[0].revoked_at is not None and consents[0].revoked_at >= consents[0].given_at
    assert consents[1].revoked_at is None


def test_a_changed_text_records_nothing_until_read_again(client, course):
    student = student_without_consent(course)
    seen = text_digest(course.consent_text)
    course.consent_text = "A new text the student has not read."
    course.save()
    client.force_login(student.user)
    response = client.post(give_url(course), {"text_digest": seen}, follow=True)
    assert "changed since you opened the page" in response.content.decode()
    assert not PublishConsent.objects.filter(membership=student).exists()
    student.refresh_from_db()
    assert student.publish_consent_at is None


def test_an_instructor_cannot_give_consent_for_anyone(client, course):
    teacher = InstructorFactory(course=course)
    student = student_without_consent(course)
    client.force_login(teacher.user)
    response = client.post(give_url(course), {"text_digest": text_digest(course.consent_text)})
    assert response.status_code == 403
    assert "need no consent" in response.content.decode()
    student.refresh_from_db()
    assert student.publish_consent_at is None
    assert not PublishConsent.objects.exists()


def test_the_views_answer_each_kind_of_reader(client, course, members_only_course):
    outsider = UserFactory()
    client.force_login(outsider)
    # Not a member of a public course: refused with a reason; of a members-only one: it does not exist.
    assert client.post(give_url(course), {"text_digest": "x"}).status_code == 403
    assert client.post(revoke_url(course)).status_code == 403
    assert client.post(give_url(members_only_course), {"text_digest": "x"}).status_code == 404
    client.logout()
    response = client.post(give_url(course), {"text_digest": "x"})
    assert response.status_code == 302 and reverse("login") in response["Location"]
    student = student_without_consent(course)
    client.force_login(student.user)
    assert client.get(give_url(course)).status_code == 405
    assert client.get(revoke_url(course)).status_code == 405
    # A members-only course has nothing public to consent to.
    closed = student_without_consent(members_only_course)
    client.force_login(closed.user)
    response = client.post(give_url(members_only_course), {"text_digest": text_digest("x")})
    assert response.status_code == 403
    assert "members only" in response.content.decode()


def test_a_revoke_of_nothing_is_harmless(client, course):
    student = student_without_consent(course)
    client.force_login(student.user)
    assert client.post(revoke_url(course)).status_code == 302
    assert not PublishConsent.objects.exists()


def test_the_admin_offers_no_way_to_give_consent(db):
    """Membership's consent is not editable (no admin form has it), and its history has no admin page."""
    superuser = UserFactory(is_staff=True, is_superuser=True)
    request = RequestFactory().get("/admin/")
    request.user = superuser
    membership_admin = admin.site._registry[Membership]
    form = membership_admin.get_form(request)
    assert "publish_consent_at" not in form.base_fields
    assert "author_slug" not in form.base_fields
    if PublishConsent in admin.site._registry:
        consent_admin = admin.site._registry[PublishConsent]
        assert not consent_admin.has_add_permission(request)
        assert not consent_admin.has_change_permission(request)


@pytest.mark.parametrize("visibility", ["public", "members"])
def test_the_account_page_shows_the_control_in_public_courses(db, client, visibility):
    course = CourseFactory(visibility=visibility, title="Soviet History")
    course.consent_text = "Anyone may read my posts here."
    course.save()
    student = student_without_consent(course)
    client.force_login(student.user)
    page = client.get(reverse("account:home")).content.decode()
    if visibility == "members":
        assert "Publishing in Soviet History" not in page
        return
    assert "Publishing in Soviet History" in page
    assert "Anyone may read my posts here." in page
    assert give_url(course) in page and revoke_url(course) not in page
    give(student)
    page = client.get(reverse("account:home")).content.decode()
    assert "You gave consent on" in page
    assert revoke_url(course) in page and give_url(course) not in page


def test_an_instructor_sees_no_consent_control(client, course):
    teacher = InstructorFactory(course=course)
    client.force_login(teacher.user)
    assert "Publishing in" not in client.get(reverse("account:home")).content.decode()


def test_a_member_who_gave_no_name_gets_a_pseudonym_never_the_username(course):
    user = UserFactory(username="kpeters-real")
    membership = Membership.objects.create(course=course, user=user, display_name="")
    assert membership.display_name.startswith("Student ")
    assert "kpeters" not in membership.display_name
    assert "kpeters" not in membership.author_slug
    teacher = InstructorFactory(course=course, display_name=" ")
    teacher.refresh_from_db()
    assert teacher.display_name.startswith("Instructor ")


def test_author_slugs_are_unique_in_a_course_and_never_the_username(course):
    members = MembershipFactory.create_batch(20, course=course)
    slugs = {m.author_slug for m in members}
    assert len(slugs) == 20
    assert all(m.user.username not in m.author_slug for m in members)
