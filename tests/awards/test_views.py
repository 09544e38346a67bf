"""The award control on the post page and the views behind it: the permission matrix in HTTP."""

import datetime
import html

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from awards.models import Award, AwardType
from tests.factories import (
    AwardFactory,
    AwardTypeFactory,
    CourseFactory,
    DraftFactory,
    EditorialTermFactory,
    InstructorFactory,
    MembershipFactory,
    PostFactory,
)

pytestmark = pytest.mark.django_db

BANNER = "This post was awarded a “Red star” from the editorial team."


def text(response):
    """The page as a reader sees it (entities decoded)."""
    return html.unescape(response.content.decode())


def give_url(post):
    return reverse("awards:give", kwargs={"course_slug": post.course.slug, "slug": post.slug})


def give(client, user, post, award_type, **data):
    client.force_login(user)
    return client.post(give_url(post), {"award_type": award_type.pk, "note": "Well argued.", **data})


def test_editor_in_term_awards_and_the_banner_and_symbol_appear_at_once(client, post, editor, red_star):
    response = give(client, editor, post, red_star, note_public="on")
    assert response.status_code == 302 and response.url == post.get_absolute_url()
    page = client.get(post.get_absolute_url())
    assert BANNER in page.content.decode()
    assert "Well argued." in page.content.decode()  # the note is public
    front = client.get(post.course.get_absolute_url())
    assert 'aria-label="Awarded a Red star"' in front.content.decode()
    hall = client.get(reverse("awards:hall-of-fame", kwargs={"course_slug": post.course.slug}))
    assert f'<a href="{post.get_absolute_url()}">{post.title}</a>' in hall.content.decode()


def test_a_private_note_stays_off_the_page(client, post, editor, red_star):
    give(client, editor, post, red_star)
    assert "Well argued." not in client.get(post.get_absolute_url()).content.decode()


def test_student_off_the_team_gets_403_with_the_reason(client, post, course, red_star):
    student = MembershipFactory(course=course).user
    response = give(client, student, post, red_star)
    assert response.status_code == 403
    assert "Only the editorial team can give awards" in text(response)
    assert not Award.objects.exists()


def test_the_day_after_the_term_gets_403(client, course, red_star):
    term = EditorialTermFactory(
        member=MembershipFactory(course=course),
        starts=datetime.date(2026, 3, 2),
        ends=datetime.date(2026, 3, 8),
    )
    tz = timezone.get_current_timezone()
    with time_machine.travel(datetime.datetime(2026, 3, 8, 12, 0, tzinfo=tz), tick=False):
        post = PostFactory(course=course)
        assert give(client, term.member.user, post, red_star).status_code == 302
    with time_machine.travel(datetime.datetime(2026, 3, 9, 9, 0, tzinfo=tz), tick=False):
        other = PostFactory(course=course)
        response = give(client, term.member.user, other, red_star)
    assert response.status_code == 403
    assert Award.objects.filter(post=other).count() == 0


def test_own_post_is_refused(client, course, editor, red_star):
    own = PostFactory(course=course, author=editor)
    response = give(client, editor, own, red_star)
    assert response.status_code == 403
    assert "Nobody can award their own post." in text(response)


def test_draft_is_refused_for_the_instructor(client, course, instructor, red_star):
    draft = DraftFactory(course=course)
    response = give(client, instructor, draft, red_star)
    assert response.status_code == 403
    assert "Only published posts can be awarded." in text(response)


def test_draft_of_someone_else_is_a_404_for_an_editor(client, course, editor, red_star):
    assert give(client, editor, DraftFactory(course=course), red_star).status_code == 404


def test_instructor_of_another_course_gets_404_on_a_members_only_course(client, other_instructor):
    course = CourseFactory(visibility="members")
    post = PostFactory(course=course)
    red_star = AwardTypeFactory(course=course)
    assert give(client, other_instructor, post, red_star).status_code == 404
    assert client.get(reverse("awards:hall-of-fame", kwargs={"course_slug": course.slug})).status_code == 404


def test_instructor_of_another_course_gets_403_on_a_public_course(client, post, red_star, other_instructor):
    assert give(client, other_instructor, post, red_star).status_code == 403


def test_an_award_type_of_another_course_is_not_a_choice(client, post, instructor):
    foreign = AwardTypeFactory()
    response = give(client, instructor, post, foreign)
    assert response.status_code == 400
    assert "Select a valid choice" in text(response)
    assert not Award.objects.exists()


def test_editor_choosing_an_instructors_only_type_gets_403(client, post, editor):
    gold = AwardTypeFactory(course=post.course, name="Gold", given_by=AwardType.GivenBy.INSTRUCTORS)
    response = give(client, editor, post, gold)
    assert response.status_code == 403
    assert "Only instructors can give the “Gold”" in text(response)


def test_a_second_award_of_the_same_type_is_refused_with_a_message(
    client, post, editor, instructor, red_star
):
    AwardFactory(post=post, award_type=red_star, given_by=instructor)
    response = give(client, editor, post, red_star)
    assert response.status_code == 403
    assert "already has the “Red star”" in text(response)


def test_a_too_long_note_keeps_what_was_written(client, post, editor, red_star):
    note = "Long " * 120
    response = give(client, editor, post, red_star, note=note)
    assert response.status_code == 400
    assert "Ensure this value has at most 500 characters" in text(response)
    assert note.strip() in text(response)


def test_anonymous_is_sent_to_log_in(client, post, red_star):
    response = client.post(give_url(post), {"award_type": red_star.pk})
    assert response.status_code == 302 and reverse("login") in response.url


def test_the_control_shows_only_for_the_team_and_not_on_own_posts(client, course, post, editor, red_star):
    student = MembershipFactory(course=course).user
    client.force_login(student)
    assert f'action="{give_url(post)}"' not in client.get(post.get_absolute_url()).content.decode()
    client.force_login(editor)
    page = client.get(post.get_absolute_url()).content.decode()
    assert f'action="{give_url(post)}"' in page
    own = PostFactory(course=course, author=editor)
    assert f'action="{give_url(own)}"' not in client.get(own.get_absolute_url()).content.decode()


def test_revoke_by_the_giver_removes_the_banner_and_keeps_the_record(client, post, editor, red_star):
    give(client, editor, post, red_star)
    award = Award.objects.get()
    response = client.post(reverse("awards:revoke", kwargs={"course_slug": post.course.slug, "pk": award.pk}))
    assert response.status_code == 302
    assert BANNER not in client.get(post.get_absolute_url()).content.decode()
    award.refresh_from_db()
    assert award.revoked_by == editor


def test_revoke_is_post_only_and_refused_to_others(client, post, course, instructor, red_star):
    award = AwardFactory(post=post, award_type=red_star, given_by=instructor)
    url = reverse("awards:revoke", kwargs={"course_slug": course.slug, "pk": award.pk})
    client.force_login(MembershipFactory(course=course).user)
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 403
    assert "Only the course's instructors and the award's giver can revoke it." in text(response)
    award.refresh_from_db()
    assert award.revoked_at is None


def test_to_read_lists_the_weeks_unawarded_posts_with_comment_counts(client, course, red_star):
    tz = timezone.get_current_timezone()
    with time_machine.travel(datetime.datetime(2026, 11, 25, 12, 0, tzinfo=tz), tick=False):  # a Wednesday
        editor = EditorialTermFactory(member=MembershipFactory(course=course)).member.user
        unread = PostFactory(course=course, title="Unread essay", comment_count=4)
        awarded = PostFactory(course=course, title="Already starred")
        AwardFactory(post=awarded, award_type=red_star)
        old = PostFactory(
            course=course, title="Last week's essay", published_at=timezone.now() - datetime.timedelta(days=7)
        )
        client.force_login(editor)
        response = client.get(reverse("awards:to-read", kwargs={"course_slug": course.slug}))
    html = text(response)
    assert response.status_code == 200
    assert unread.title in html and "<td>4</td>" in html
    assert awarded.title not in html
    assert old.title not in html


def test_to_read_is_only_for_the_team(client, course):
    client.force_login(MembershipFactory(course=course).user)
    response = client.get(reverse("awards:to-read", kwargs={"course_slug": course.slug}))
    assert response.status_code == 403
    assert "Only the editorial team has a reading list." in text(response)


def test_instructor_sees_the_control_on_a_students_post(client, course, post, red_star):
    teacher = InstructorFactory(course=course).user
    client.force_login(teacher)
    assert "Red star" in client.get(post.get_absolute_url()).content.decode()


def test_the_award_page_offers_only_the_types_the_editor_may_give(client, post, editor, red_star):
    gold = AwardTypeFactory(course=post.course, name="Gold", given_by=AwardType.GivenBy.INSTRUCTORS)
    client.force_login(editor)
    response = client.get(give_url(post))
    assert response.status_code == 200
    assert f'<option value="{red_star.pk}">Red star</option>' in response.content.decode()
    assert f'value="{gold.pk}"' not in response.content.decode()


def test_revoking_on_a_members_only_course_is_a_404_for_outsiders(client, outsider):
    course = CourseFactory(visibility="members")
    award = AwardFactory(post=PostFactory(course=course))
    client.force_login(outsider)
    response = client.post(reverse("awards:revoke", kwargs={"course_slug": course.slug, "pk": award.pk}))
    assert response.status_code == 404
    award.refresh_from_db()
    assert award.revoked_at is None


def test_to_read_runs_the_same_queries_for_1_and_20_posts(client, course, student, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    teacher = InstructorFactory(course=course).user
    client.force_login(teacher)
    url = reverse("awards:to-read", kwargs={"course_slug": course.slug})
    PostFactory(course=course, author=student, published_at=timezone.now())
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(19):
        PostFactory(course=course, author=student, published_at=timezone.now())
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("<tr>") == 21  # the header row and twenty posts


@pytest.mark.parametrize("week", ["0001-01-01", "9999-12-31", "not-a-date"])
def test_reading_list_at_the_ends_of_the_calendar_falls_back_to_this_week(client, week, db):
    from tests.factories import InstructorFactory

    instructor = InstructorFactory()
    client.force_login(instructor.user)
    url = reverse("awards:to-read", kwargs={"course_slug": instructor.course.slug})
    response = client.get(url, {"week": week})
    assert response.status_code == 200
    today = timezone.localdate()
    assert response.context["week_start"] == today - datetime.timedelta(days=today.weekday())
