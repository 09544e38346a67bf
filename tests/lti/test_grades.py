"""Assignment and Grade Services: a prompt's participation scores reach the LMS gradebook."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from coursework import reports
from coursework.models import Accommodation
from lti import services
from lti.models import GradeSync, LineItem, LtiIdentity
from lti.tick import grades_due
from tests.factories import (
    CommentFactory,
    MembershipFactory,
    PostFactory,
    PromptFactory,
    PromptResponseFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 11, 2, 12, 0, tzinfo=datetime.UTC)  # a Monday


@pytest.fixture
def graded(course_link, lms, soviet_history):
    """A prompt asking one comment: on time and commented, late, missing, excused; all known to the LMS."""
    course_link.lineitems_url = lms.lineitems_url
    course_link.ags_scopes = [services.SCORE_SCOPE, services.LINEITEM_SCOPE]
    course_link.save()
    with time_machine.travel(T0, tick=False):
        prompt = PromptFactory(
            course=soviet_history,
            title="Week 3: the thaw",
            opens_at=T0 - datetime.timedelta(days=1),
            due_at=T0 + datetime.timedelta(days=2),
            comments_required=1,
            comments_due_at=T0 + datetime.timedelta(days=3),
        )
        people = {}
        for name in ("ontime", "late", "missing", "excused"):
            member = MembershipFactory(course=soviet_history, display_name=name)
            LtiIdentity.objects.create(platform=course_link.platform, sub=f"sub-{name}", user=member.user)
            people[name] = member
        MembershipFactory(course=soviet_history, display_name="code joiner")  # unknown to the LMS: not sent
        on_time = PostFactory(course=soviet_history, author=people["ontime"].user, published_at=T0)
        PromptResponseFactory(post=on_time, prompt=prompt)
        classmate_post = PostFactory(course=soviet_history, author=people["late"].user, published_at=T0)
        CommentFactory(post=classmate_post, author=people["ontime"].user)
        Accommodation.objects.create(prompt=prompt, member=people["excused"], excused=True)
    with time_machine.travel(T0 + datetime.timedelta(days=2, hours=12), tick=False):
        late = PostFactory(course=soviet_history, author=people["late"].user, published_at=timezone.now())
        PromptResponseFactory(post=late, prompt=prompt)
    return prompt, people


def _received(lms):
    return {body["userId"]: (body["scoreGiven"], body["scoreMaximum"]) for _, body in lms.scores}


def test_scores_sent_are_the_ones_the_report_shows(graded, course_link, lms, soviet_history):
    prompt, people = graded
    with time_machine.travel(T0 + datetime.timedelta(days=4), tick=False):
        result = services.grades_send(link=course_link, prompt=prompt)
        report = reports.participation_report(
            course=soviet_history,
            start=T0.date() - datetime.timedelta(days=7),
            end=T0.date() + datetime.timedelta(days=7),
            per_week=False,
        )
    assert result.sent == 3 and result.failed == 0
    assert _received(lms) == {"sub-ontime": (15.0, 15), "sub-late": (5.0, 15), "sub-missing": (0.0, 15)}
    # The report's cells for the same prompt say why.
    cells = {row.student: row.extra for row in report.rows}
    key = f"prompt-{prompt.pk}"
    assert cells["ontime"][key] == "on time" and cells["ontime"][f"{key}-comments"] == "met (1/1)"
    assert cells["late"][key] == "late" and cells["late"][f"{key}-comments"] == "not met (0/1)"
    assert cells["missing"][key] == "missing"
    assert cells["excused"][key] == "excused"
    # One line item for the prompt, made through the platform's line items service.
    assert len(lms.line_items) == 1
    item = lms.line_items[0]
    assert item["label"] == "Week 3: the thaw" and item["scoreMaximum"] == 15
    assert item["resourceId"] == f"prompt-{prompt.pk}"
    assert all(line_item == item["id"] for line_item, _ in lms.scores)
    rows = {
        g.user.memberships.get().display_name: (g.standing, g.score_given, g.status)
        for g in GradeSync.objects.all()
    }
    assert rows["ontime"] == ("on time", 15, "sent") and rows["missing"] == ("missing", 0, "sent")


def test_instructor_weights_change_the_scores(graded, course_link, lms):
    prompt, _ = graded
    course_link.points_on_time, course_link.points_late, course_link.points_comments = 8, 4, 2
    course_link.save()
    with time_machine.travel(T0 + datetime.timedelta(days=4), tick=False):
        services.grades_send(link=course_link, prompt=prompt)
    assert _received(lms) == {"sub-ontime": (10.0, 10), "sub-late": (4.0, 10), "sub-missing": (0.0, 10)}


def test_the_tick_sends_a_closed_prompts_scores_once(graded, course_link, lms):
    prompt, _ = graded
    now = T0 + datetime.timedelta(days=4)
    assert grades_due(now) == []  # not closed yet
    prompt.closed_at = T0 + datetime.timedelta(days=2)
    prompt.save(update_fields=["closed_at"])
    with time_machine.travel(now, tick=False):
        lines = grades_due(now)
        assert len(lines) == 1 and "3 scores sent" in lines[0]
        assert grades_due(now + datetime.timedelta(minutes=5)) == []  # done: the tick may run again
    assert len(lms.scores) == 3


def test_a_failing_gradebook_is_recorded_and_shown_in_the_admin(graded, course_link, lms, client):
    prompt, _ = graded
    lms.fail_scores = True
    with time_machine.travel(T0 + datetime.timedelta(days=4), tick=False):
        result = services.grades_send(link=course_link, prompt=prompt)
    assert result.failed == 3 and result.sent == 0
    assert set(GradeSync.objects.values_list("status", flat=True)) == {"failed"}
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    page = client.get(reverse("admin:lti_gradesync_changelist")).content.decode()
    assert "gradebook unavailable" in page and "15 / 15" in page


def test_admin_button_sends_the_scores_of_due_prompts(graded, course_link, lms, client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    with time_machine.travel(T0 + datetime.timedelta(days=4), tick=True):
        response = client.post(
            reverse("admin:lti_courselink_changelist"),
            {"action": "send_scores", "_selected_action": [course_link.pk]},
            follow=True,
        )
    assert "3 scores sent, 0 failed" in response.content.decode()
    assert LineItem.objects.get().sent_at is not None
    assert len(lms.scores) == 3


def test_without_the_gradebook_service_nothing_is_sent_and_it_says_why(graded, course_link):
    prompt, _ = graded
    course_link.lineitems_url = ""
    course_link.save()
    with pytest.raises(services.SyncFailed, match="has not offered its gradebook"):
        services.grades_send(link=course_link, prompt=prompt)
