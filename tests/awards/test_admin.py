import html

import pytest
from django.contrib.admin import helpers
from django.urls import reverse

from awards.models import Award, AwardType, EditorialTerm
from tests.factories import (
    AwardFactory,
    AwardTypeFactory,
    CourseFactory,
    DraftFactory,
    InstructorFactory,
    MembershipFactory,
    PostFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

POSTS_CHANGELIST = reverse("admin:posts_post_changelist")


def text(response):
    return html.unescape(response.content.decode())


def give_award_action(client, posts, **extra):
    data = {"action": "give_award", helpers.ACTION_CHECKBOX_NAME: [p.pk for p in posts], "index": 0, **extra}
    return client.post(POSTS_CHANGELIST, data, follow="apply" in extra)


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.mark.parametrize("who", ["superuser", "staff_instructor"])
def test_give_award_asks_for_type_and_note_then_awards_through_the_service(
    request, client, course, red_star, who
):
    user = request.getfixturevalue(who)
    client.force_login(user)
    posts = [PostFactory(course=course), PostFactory(course=course)]
    draft = DraftFactory(course=course)

    page = give_award_action(client, [*posts, draft])
    assert page.status_code == 200
    assert "Give an award" in text(page)
    assert f'<option value="{red_star.pk}">Red star</option>' in page.content.decode()
    assert not Award.objects.exists()  # nothing happens before the second step

    done = give_award_action(
        client, [*posts, draft], apply="Give the award", award_type=red_star.pk, note="Best of the week."
    )
    assert done.status_code == 200
    body = text(done)
    assert "2 post(s) awarded a “Red star”." in body
    assert f"Not awarded: “{draft.title}”: Only published posts can be awarded." in body
    awards = Award.objects.all()
    assert {a.post for a in awards} == set(posts)
    assert {(a.given_by, a.note) for a in awards} == {(user, "Best of the week.")}


def test_give_award_refuses_the_authors_own_post_in_the_admin(client, course, red_star, staff_instructor):
    own = PostFactory(course=course, author=staff_instructor)
    client.force_login(staff_instructor)
    done = give_award_action(client, [own], apply="Give the award", award_type=red_star.pk)
    assert "Nobody can award their own post." in text(done)
    assert not Award.objects.exists()


def test_give_award_without_a_type_shows_the_form_again(client, course, red_star, superuser):
    client.force_login(superuser)
    post = PostFactory(course=course)
    response = give_award_action(client, [post], apply="Give the award", note="Kept note")
    assert response.status_code == 200
    assert "This field is required." in text(response)
    assert "Kept note" in text(response)
    assert not Award.objects.exists()


def test_instructor_cannot_give_awards_to_another_courses_posts(client, red_star, staff_instructor):
    other_course = CourseFactory()
    AwardTypeFactory(course=other_course)
    foreign = PostFactory(course=other_course)
    client.force_login(staff_instructor)
    response = give_award_action(client, [foreign], apply="Give the award", award_type=red_star.pk)
    assert not Award.objects.exists()
    assert "Some of the selected items are not in your courses. Nothing was changed." in text(response)


def test_give_award_refuses_a_selection_across_courses(client, course, red_star, superuser):
    client.force_login(superuser)
    response = give_award_action(client, [PostFactory(course=course), PostFactory()], apply="x")
    assert not Award.objects.exists()
    assert "Choose posts of one course at a time: award types belong to a course." in text(response)


def test_the_posts_changelist_shows_award_symbols_in_fixed_queries(
    client, course, red_star, superuser, django_assert_max_num_queries
):
    client.force_login(superuser)
    author = MembershipFactory(course=course).user
    for _ in range(3):
        AwardFactory(post=PostFactory(course=course, author=author), award_type=red_star, given_by=superuser)
    client.get(POSTS_CHANGELIST)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(POSTS_CHANGELIST)
    for _ in range(12):
        AwardFactory(post=PostFactory(course=course, author=author), award_type=red_star, given_by=superuser)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(POSTS_CHANGELIST)
    assert response.content.decode().count('aria-label="Red star"') == 15


def test_award_admin_is_scoped_and_revokes_through_the_service(client, course, red_star, staff_instructor):
    mine = AwardFactory(post=PostFactory(course=course), award_type=red_star)
    theirs = AwardFactory()
    client.force_login(staff_instructor)
    changelist = reverse("admin:awards_award_changelist")
    listing = text(client.get(changelist))
    assert mine.post.title in listing and theirs.post.title not in listing
    assert client.get(reverse("admin:awards_award_change", args=[theirs.pk])).status_code == 404
    client.post(changelist, {"action": "revoke", helpers.ACTION_CHECKBOX_NAME: [mine.pk]})
    mine.refresh_from_db()
    assert mine.revoked_by == staff_instructor and Award.objects.filter(pk=mine.pk).exists()


def test_award_type_admin_refuses_a_bad_colour_with_a_message(client, course, staff_instructor):
    client.force_login(staff_instructor)
    response = client.post(
        reverse("admin:awards_awardtype_add"),
        {
            "course": course.pk,
            "name": "Laurel",
            "slug": "laurel",
            "symbol": "laurel",
            "colour": "red",
            "banner_wording": "This post was awarded a “{name}”.",
            "given_by": "team",
        },
    )
    assert response.status_code == 200
    assert "Enter a colour as #rrggbb" in text(response)
    assert not AwardType.objects.exists()


def test_editorial_terms_are_an_inline_on_the_course_page(client, course, staff_instructor):
    MembershipFactory(course=course, display_name="Caitlin M.")
    MembershipFactory(display_name="Somebody Elsewhere")
    client.force_login(staff_instructor)
    url = reverse("admin:courses_course_change", args=[course.pk])
    page = text(client.get(url))
    assert "Editorial team (students; instructors are always on it)" in page
    assert "Caitlin M." in page and "Somebody Elsewhere" not in page  # only this course's members


def test_a_term_for_a_member_of_another_course_is_refused(course):
    from django.core.exceptions import ValidationError

    term = EditorialTerm(course=course, member=MembershipFactory(), starts="2026-03-02", ends="2026-03-01")
    with pytest.raises(ValidationError) as refused:
        term.full_clean()
    assert refused.value.message_dict == {
        "ends": ["The last day cannot be before the first day."],
        "member": ["Choose a member of this course."],
    }


def test_another_instructor_sees_no_award_types_of_this_course(client, red_star):
    other = InstructorFactory(course=CourseFactory()).user
    from courses.services import instructor_grant, instructors_group_sync

    instructors_group_sync()
    instructor_grant(user=other)
    client.force_login(other)
    assert "Red star" not in text(client.get(reverse("admin:awards_awardtype_changelist")))
    assert client.get(reverse("admin:awards_awardtype_change", args=[red_star.pk])).status_code == 404
    assert not EditorialTerm.objects.exists()
