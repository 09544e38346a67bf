"""Instructors get into the admin through the Instructors group; the join code is shown and rotated."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse

from courses.models import Course
from courses.services import INSTRUCTORS_GROUP, instructor_grant, instructor_permissions
from tests.admin.conftest import soup
from tests.factories import InstructorFactory, MembershipFactory, UserFactory


@pytest.mark.django_db
def test_migrations_leave_the_group_with_its_permissions():
    group = Group.objects.get(name=INSTRUCTORS_GROUP)
    granted = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert granted == set(instructor_permissions())
    # Each app's own list is gathered: moderating, editing posts, giving awards by the service.
    assert {("comments", "change_comment"), ("posts", "change_post"), ("awards", "view_award")} <= granted
    assert ("posts", "delete_post") not in granted
    assert ("awards", "add_award") not in granted
    assert ("auth", "view_user") not in granted
    assert ("courses", "add_course") not in granted


@pytest.mark.django_db
def test_instructor_grant_makes_staff_and_group_member():
    user = UserFactory()
    instructor_grant(user=user)
    instructor_grant(user=user)  # twice is harmless
    user.refresh_from_db()
    assert user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == [INSTRUCTORS_GROUP]
    assert user.has_perm("posts.change_post")
    assert not user.has_perm("posts.delete_post")


def test_adding_an_instructor_in_the_admin_lets_them_in(client, course_a):
    newcomer = UserFactory(username="newcomer")
    MembershipFactory(course=course_a.course, user=newcomer)  # a member, so the instructor may choose them
    client.force_login(course_a.instructor)
    response = client.post(
        reverse("admin:courses_membership_change", args=[newcomer.memberships.get().pk]),
        {"course": course_a.course.pk, "user": newcomer.pk, "role": "instructor", "display_name": "Dr New"},
    )
    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.is_staff and newcomer.groups.filter(name=INSTRUCTORS_GROUP).exists()
    client.force_login(newcomer)
    assert client.get(reverse("admin:courses_course_changelist")).status_code == 200


def test_change_page_shows_the_join_code_and_rotates_it(client, course_a):
    course = course_a.course
    old = course.join_code
    client.force_login(course_a.instructor)
    page = soup(client.get(reverse("admin:courses_course_change", args=[course.pk])))
    assert page.select_one("#join-code").get_text() == old
    form = page.select_one("#rotate-join-code-form")
    assert form["action"] == reverse("admin:courses_course_rotate_join_code", args=[course.pk])
    response = client.post(form["action"], follow=True)
    course.refresh_from_db()
    assert course.join_code != old
    assert f"The new join code is {course.join_code}" in response.content.decode()
    # The old code no longer lets anyone join.
    assert not type(course).objects.filter(join_code=old).exists()


def test_rotate_is_post_only_and_scoped(client, course_a, course_b):
    url_a = reverse("admin:courses_course_rotate_join_code", args=[course_a.course.pk])
    client.force_login(course_a.instructor)
    assert client.get(url_a).status_code == 405
    client.force_login(course_b.instructor)
    old = course_a.course.join_code
    assert client.post(url_a).status_code == 404
    course_a.course.refresh_from_db()
    assert course_a.course.join_code == old


def test_rotate_needs_change_permission(client, course_a):
    viewer = UserFactory(username="viewer", is_staff=True)
    InstructorFactory(course=course_a.course, user=viewer)
    viewer.user_permissions.add(Permission.objects.get(codename="view_course"))
    client.force_login(viewer)
    old = course_a.course.join_code
    url = reverse("admin:courses_course_rotate_join_code", args=[course_a.course.pk])
    assert client.post(url).status_code == 403
    course_a.course.refresh_from_db()
    assert course_a.course.join_code == old
    page = soup(client.get(reverse("admin:courses_course_change", args=[course_a.course.pk])))
    assert page.select_one("#rotate-join-code-form") is None


@pytest.mark.django_db
def test_demo_instructors_see_only_their_own_course(client, mailoutbox):
    """The issue's acceptance: nelson sees Soviet History's summary and report; chen sees none of it."""
    call_command("seed_demo", force=True, stdout=io.StringIO())
    users = get_user_model().objects
    soviet = Course.objects.get(slug="soviet-history")
    client.force_login(users.get(username="nelson"))
    index = client.get(reverse("admin:index"))
    row = soup(index).select_one('#moderation-summary [data-course="soviet-history"]')
    assert "waiting" in row.select_one(".comments-waiting").get_text()
    report = client.get(reverse("admin:courses_course_participation", args=[soviet.pk]), {"format": "csv"})
    assert report.status_code == 200
    assert "kpeters" in report.content.decode()

    client.force_login(users.get(username="chen"))
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert "Soviet History" not in index.content.decode()
    report = client.get(reverse("admin:courses_course_participation", args=[soviet.pk]))
    assert report.status_code == 404


@pytest.mark.django_db
def test_a_group_deleted_by_hand_comes_back_whole_on_the_next_grant():
    Group.objects.filter(name=INSTRUCTORS_GROUP).delete()
    user = UserFactory()
    instructor_grant(user=user)
    assert user.has_perm("courses.change_course")
    assert user.has_perm("coursework.add_prompt")  # each app's own list, coursework's included
    assert user.has_perm("lti.change_courselink")  # and the LMS link's (score weights, roster sync)
    assert (
        Group.objects.get(name=INSTRUCTORS_GROUP).permissions.count() == len(instructor_permissions()) == 43
    )


def test_an_instructor_made_a_student_of_their_last_course_leaves_the_admin(client, course_a):
    colleague = InstructorFactory(course=course_a.course, display_name="Dr Old").user
    instructor_grant(user=colleague)
    client.force_login(course_a.instructor)
    response = client.post(
        reverse("admin:courses_membership_change", args=[colleague.memberships.get().pk]),
        {"course": course_a.course.pk, "user": colleague.pk, "role": "student", "display_name": "Dr Old"},
    )
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert not colleague.is_staff
    assert not colleague.groups.filter(name=INSTRUCTORS_GROUP).exists()
    client.force_login(colleague)
    assert client.get(reverse("admin:index")).status_code == 302  # sent to the admin's log-in


def test_removing_an_instructors_last_membership_takes_their_admin_access(client, course_a):
    colleague = InstructorFactory(course=course_a.course).user
    instructor_grant(user=colleague)
    client.force_login(course_a.instructor)
    membership = colleague.memberships.get()
    response = client.post(reverse("admin:courses_membership_delete", args=[membership.pk]), {"post": "yes"})
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert not colleague.is_staff


@pytest.mark.django_db
def test_an_instructor_who_still_teaches_elsewhere_keeps_the_admin():
    from courses.services import instructor_access_sync

    teaching = InstructorFactory()
    InstructorFactory(user=teaching.user).delete()  # left one course...
    instructor_grant(user=teaching.user)
    instructor_access_sync(user=teaching.user)
    teaching.user.refresh_from_db()
    assert teaching.user.is_staff  # ...but still teaches the other
