"""The email when a prompt opens (sent by `manage.py tick`), and the week's email settings page."""

import datetime
import io
import zoneinfo
from types import SimpleNamespace

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from coursework import prompts_tick
from coursework.models import Prompt, WeekEmailPreference
from tests.factories import CourseFactory, InstructorFactory, MembershipFactory, PromptFactory, UserFactory

SITE = "https://blog.example.edu"
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def ny(day, hour, minute=0):
    return datetime.datetime(2026, 11, day, hour, minute, tzinfo=NEW_YORK)


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    settings.TIME_ZONE = "UTC"


@pytest.fixture
def course(db):
    course = CourseFactory(title="Soviet History", slug="soviet", time_zone="America/New_York")
    people = SimpleNamespace(
        teacher=InstructorFactory(course=course, user=UserFactory(username="teacher")).user,
        ann=MembershipFactory(
            course=course, user=UserFactory(username="ann"), display_name="Ann Archer"
        ).user,
        ben=MembershipFactory(course=course, user=UserFactory(username="ben")).user,
        no_address=MembershipFactory(course=course, user=UserFactory(username="noaddress", email="")).user,
        left=MembershipFactory(course=course, user=UserFactory(username="left", is_active=False)).user,
        opted_out=MembershipFactory(course=course, user=UserFactory(username="quiet")).user,
        digest_only=MembershipFactory(course=course, user=UserFactory(username="digest")).user,
    )
    WeekEmailPreference.objects.create(user=people.opted_out, on_prompt_open=False, on_digest=False)
    WeekEmailPreference.objects.create(user=people.digest_only, on_prompt_open=False, on_digest=True)
    MembershipFactory(user=UserFactory(username="elsewhere"))  # a student of another course
    course.people = people
    return course


@pytest.fixture
def thaw(course):
    return PromptFactory(
        course=course,
        title="De-Stalinization and the Thaw",
        slug="thaw",
        opens_at=ny(9, 9),
        due_at=ny(12, 23, 59),
        comments_required=2,
        comments_due_at=ny(14, 23, 59),
    )


def tick(now, callbacks):
    with callbacks(execute=True):
        return prompts_tick.run_due(now)


def test_when_a_prompt_opens_each_student_who_wants_it_gets_one_email(
    course, thaw, mailoutbox, django_capture_on_commit_callbacks
):
    with time_machine.travel(ny(9, 9, 5), tick=False):
        lines = tick(ny(9, 9, 5), django_capture_on_commit_callbacks)
    assert lines == ["Prompt “De-Stalinization and the Thaw” (soviet) opened: emailed 2 students."]
    assert sorted(address for m in mailoutbox for address in m.to) == ["ann@example.edu", "ben@example.edu"]
    assert all(len(m.to) == 1 for m in mailoutbox)  # one email per recipient: nobody sees the others
    message = next(m for m in mailoutbox if m.to == ["ann@example.edu"])
    assert message.subject == "New prompt in Soviet History: De-Stalinization and the Thaw"
    assert "Hello Ann Archer," in message.body
    assert "Due: Thu 12 Nov, 23:59 (America/New_York)" in message.body
    assert "Comment on 2 classmates' posts by Sat 14 Nov, 23:59 (America/New_York)." in message.body
    assert f"{SITE}/c/soviet/prompts/thaw/" in message.body
    assert f"{SITE}{reverse('coursework:email-settings')}" in message.body
    assert "To stop emails when a prompt opens" in message.body
    assert Prompt.objects.get(pk=thaw.pk).opening_sent_at == ny(9, 9, 5)


def test_a_second_tick_sends_nothing(course, thaw, mailoutbox, django_capture_on_commit_callbacks):
    tick(ny(9, 9, 5), django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 2
    assert tick(ny(9, 9, 10), django_capture_on_commit_callbacks) == []
    assert len(mailoutbox) == 2


def test_a_prompt_claimed_by_another_tick_meanwhile_is_not_sent_again(
    course, thaw, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    """Two ticks read the same unsent prompt; the one whose UPDATE comes second sends nothing."""
    claim = prompts_tick.claim_opening

    def other_tick_got_there_first(prompt, now):
        assert claim(prompt, ny(9, 9, 4))  # the other tick, between our read and our UPDATE
        return claim(prompt, now)

    monkeypatch.setattr(prompts_tick, "claim_opening", other_tick_got_there_first)
    assert tick(ny(9, 9, 5), django_capture_on_commit_callbacks) == []
    assert mailoutbox == []
    assert Prompt.objects.get(pk=thaw.pk).opening_sent_at == ny(9, 9, 4)


def test_nothing_is_sent_before_the_prompt_opens(
    course, thaw, mailoutbox, django_capture_on_commit_callbacks
):
    assert tick(ny(9, 8, 59), django_capture_on_commit_callbacks) == []
    assert mailoutbox == []
    assert Prompt.objects.get(pk=thaw.pk).opening_sent_at is None


def test_a_prompt_first_seen_more_than_two_days_after_it_opened_is_marked_without_email(
    course, thaw, mailoutbox, django_capture_on_commit_callbacks
):
    lines = tick(ny(11, 9, 1), django_capture_on_commit_callbacks)
    assert lines == [
        "Prompt “De-Stalinization and the Thaw” (soviet) opened more than two days ago: "
        "marked, nobody emailed."
    ]
    assert mailoutbox == []
    assert Prompt.objects.get(pk=thaw.pk).opening_sent_at is not None
    assert tick(ny(11, 9, 2), django_capture_on_commit_callbacks) == []


def test_just_under_two_days_late_still_emails(course, thaw, mailoutbox, django_capture_on_commit_callbacks):
    tick(ny(11, 8, 59), django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 2


def test_prompts_past_their_due_time_are_marked_closed_once(course, thaw, django_capture_on_commit_callbacks):
    Prompt.objects.update(opening_sent_at=ny(9, 9))  # their students were told already
    later = PromptFactory(course=course, opens_at=ny(9, 9), due_at=ny(19, 23, 59), opening_sent_at=ny(9, 9))
    assert tick(ny(12, 23, 59), django_capture_on_commit_callbacks) == []  # at the due time: still on time
    assert Prompt.objects.get(pk=thaw.pk).closed_at is None
    assert tick(ny(13, 0, 1), django_capture_on_commit_callbacks) == [
        "1 prompt past the due time marked closed."
    ]
    assert Prompt.objects.get(pk=thaw.pk).closed_at == ny(13, 0, 1)
    assert Prompt.objects.get(pk=later.pk).closed_at is None
    assert tick(ny(13, 0, 2), django_capture_on_commit_callbacks) == []


def test_manage_py_tick_runs_the_prompt_step(course, thaw, mailoutbox, django_capture_on_commit_callbacks):
    out = io.StringIO()
    with time_machine.travel(ny(9, 10), tick=False), django_capture_on_commit_callbacks(execute=True):
        call_command("tick", stdout=out)
    assert "Prompt “De-Stalinization and the Thaw” (soviet) opened: emailed 2 students." in out.getvalue()
    assert len(mailoutbox) == 2


# --- the settings page ---


def settings_url():
    return reverse("coursework:email-settings")


def boxes(response):
    page = BeautifulSoup(response.content, "html.parser")
    return {
        box["name"]: box.has_attr("checked") for box in page.find_all("input", attrs={"type": "checkbox"})
    }


def test_everything_is_on_until_the_user_says_otherwise_and_reading_writes_nothing(db, client):
    user = UserFactory()
    client.force_login(user)
    response = client.get(settings_url())
    assert response.status_code == 200
    assert boxes(response) == {"on_prompt_open": True, "on_digest": True}
    assert not WeekEmailPreference.objects.exists()


def test_turning_prompt_emails_off(db, client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(settings_url(), {"on_digest": "on"})
    assert response.status_code == 302
    preference = WeekEmailPreference.objects.get(user=user)
    assert (preference.on_prompt_open, preference.on_digest) == (False, True)
    assert boxes(client.get(settings_url())) == {"on_prompt_open": False, "on_digest": True}
    client.post(settings_url(), {})
    assert WeekEmailPreference.objects.get(user=user).on_digest is False  # clearing both saves both


def test_a_student_who_turned_them_off_gets_none(
    course, thaw, mailoutbox, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(course.people.ben)
    client.post(settings_url(), {"on_digest": "on"})
    tick(ny(9, 9, 5), django_capture_on_commit_callbacks)
    assert [m.to for m in mailoutbox] == [["ann@example.edu"]]


def test_the_settings_page_needs_a_login(db, client):
    response = client.get(settings_url())
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_two_email_settings_pages_link_to_each_other(db, client):
    client.force_login(UserFactory())
    week_page = client.get(settings_url()).content.decode()
    comments_page = client.get(reverse("comments:notification-settings")).content.decode()
    assert f'href="{reverse("comments:notification-settings")}"' in week_page
    assert f'href="{settings_url()}"' in comments_page


def test_nobody_hears_of_an_archived_course_s_prompt(
    course, thaw, mailoutbox, django_capture_on_commit_callbacks
):
    course.archived_at = ny(8, 12)
    course.save()
    with time_machine.travel(ny(9, 9, 5), tick=False):
        assert tick(ny(9, 9, 5), django_capture_on_commit_callbacks) == []
    assert mailoutbox == []
