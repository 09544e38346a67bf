"""Every email is written in its recipient's language, whoever's request triggered it (core/language.py)."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from core.language import language_of, remember_language
from core.models import UserLanguage
from coursework import digests
from tests.factories import CommentFactory, DigestFactory, MembershipFactory, PostFactory, UserFactory

RUSSIAN_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "ru-RU,ru;q=0.9,en;q=0.5"}
ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}
REPLIED = "%(name)s replied to your comment on “%(title)s”"
COMMENTED = "%(name)s commented on “%(title)s”"
READ_IT = "Read it on the site: %(comment_url)s"


def in_russian(msgid: str) -> str:
    """The catalogue's Russian for `msgid`; fails if it has none, so a test cannot pass in English."""
    with translation.override("ru"):
        translated = translation.gettext(msgid)
    assert translated != msgid, f"no Russian translation of {msgid!r}"
    return translated


def create_url(post):
    return reverse("comments:create", kwargs={"course_slug": post.course.slug, "post_slug": post.slug})


@pytest.fixture
def thread(course):
    """A post by one student, a comment on it by another, and a classmate about to reply (no hold)."""
    course.moderate_first_comment = False
    course.save()
    author = MembershipFactory(course=course).user
    post = PostFactory(course=course, author=author, title="The kolkhoz letter")
    commenter = MembershipFactory(course=course, display_name="Vera Ilyina").user
    parent = CommentFactory(post=post, author=commenter, body="Who wrote it?")
    replier = MembershipFactory(course=course, display_name="Oleg Sorokin").user
    return post, parent, replier


def reply_as(user, post, parent, headers) -> int:
    client = Client()
    client.force_login(user)
    data = {"body": "A kolkhoz chairman, I think.", "parent": parent.pk, "website": ""}
    return client.post(create_url(post), data, **headers).status_code


def sent_to(mailoutbox, user):
    (message,) = [m for m in mailoutbox if m.to == [user.email]]
    return message


@pytest.mark.django_db
def test_a_russian_reader_gets_a_russian_reply_notice_though_the_replier_browses_in_english(
    thread, mailoutbox, django_capture_on_commit_callbacks
):
    post, parent, replier = thread
    remember_language(parent.author, "ru")
    with django_capture_on_commit_callbacks(execute=True):
        assert reply_as(replier, post, parent, ENGLISH_BROWSER) == 302
    notice = sent_to(mailoutbox, parent.author)
    assert notice.subject == in_russian(REPLIED) % {"name": "Oleg Sorokin", "title": "The kolkhoz letter"}
    assert in_russian(READ_IT).split("%")[0] in notice.body
    assert "Read it on the site" not in notice.body
    # The post's author chose nothing: the site's language, English.
    to_author = sent_to(mailoutbox, post.author)
    assert to_author.subject == "Oleg Sorokin commented on “The kolkhoz letter”"


@pytest.mark.django_db
def test_an_english_reader_gets_english_though_the_replier_browses_in_russian(
    thread, mailoutbox, django_capture_on_commit_callbacks
):
    post, parent, replier = thread
    remember_language(parent.author, "en")
    remember_language(replier, "ru")
    with django_capture_on_commit_callbacks(execute=True):
        assert reply_as(replier, post, parent, RUSSIAN_BROWSER) == 302
    notice = sent_to(mailoutbox, parent.author)
    assert notice.subject == "Oleg Sorokin replied to your comment on “The kolkhoz letter”"
    assert "Read it on the site:" in notice.body
    assert in_russian(READ_IT).split("%")[0] not in notice.body
    assert sent_to(mailoutbox, post.author).subject == "Oleg Sorokin commented on “The kolkhoz letter”"


@pytest.mark.django_db(transaction=True)  # the worker reads the tasks the request committed
def test_the_task_worker_writes_in_the_recipients_language_too(settings, thread, mailoutbox):
    """The worker has no request, so no language of its own: the email's reader decides."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    post, parent, replier = thread
    remember_language(parent.author, "ru")
    assert reply_as(replier, post, parent, ENGLISH_BROWSER) == 302
    assert mailoutbox == []  # only enqueued
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    notice = sent_to(mailoutbox, parent.author)
    assert notice.subject == in_russian(REPLIED) % {"name": "Oleg Sorokin", "title": "The kolkhoz letter"}
    assert sent_to(mailoutbox, post.author).subject == "Oleg Sorokin commented on “The kolkhoz letter”"


# --- The choice: the switcher and sign-up ---------------------------------------------------


@pytest.mark.django_db
def test_the_switcher_keeps_a_logged_in_users_choice(client, student):
    client.force_login(student)
    answer = client.post(reverse("set-language"), {"language": "ru", "next": "/"}, **ENGLISH_BROWSER)
    assert answer.status_code == 302 and client.cookies["django_language"].value == "ru"
    assert UserLanguage.objects.get(user=student).language == "ru"

    client.post(reverse("set-language"), {"language": "en", "next": "/"}, **RUSSIAN_BROWSER)
    assert UserLanguage.objects.get(user=student).language == "en"

    # A language the site does not speak changes neither the cookie nor the choice.
    answer = client.post(reverse("set-language"), {"language": "xx", "next": "/"})
    assert "django_language" not in answer.cookies
    assert UserLanguage.objects.get(user=student).language == "en"
    # A GET changes nothing either (Django's set_language acts on POST only).
    client.get(reverse("set-language"), {"language": "ru", "next": "/"})
    assert UserLanguage.objects.get(user=student).language == "en"


@pytest.mark.django_db
def test_the_switcher_keeps_nothing_for_an_anonymous_reader(client, student):
    answer = client.post(reverse("set-language"), {"language": "ru", "next": "/"})
    assert answer.status_code == 302 and client.cookies["django_language"].value == "ru"
    assert not UserLanguage.objects.exists()


def test_a_forged_cross_site_switch_comes_without_the_session_so_keeps_nothing(settings):
    """The switcher takes no CSRF token: the session cookie must stay off cross-site POSTs."""
    assert settings.SESSION_COOKIE_SAMESITE in ("Lax", "Strict")


@pytest.mark.django_db
def test_a_user_who_never_chose_gets_the_sites_language(settings, student):
    assert language_of(student) == "en"
    settings.LANGUAGE_CODE = "ru"
    assert language_of(student) == "ru"
    remember_language(student, "en")
    assert language_of(student) == "en"


@pytest.mark.django_db
def test_sign_up_keeps_the_language_it_was_made_in_and_welcomes_in_it(
    client, course, mailoutbox, django_capture_on_commit_callbacks
):
    data = {
        "username": "nadia",
        "email": "nadia@example.edu",
        "password1": "a-Long-passphrase-42",
        "password2": "a-Long-passphrase-42",
        "display_name": "Nadia K.",
        "join_code": course.join_code,
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("courses:sign-up"), data, **RUSSIAN_BROWSER).status_code == 302
    user = UserLanguage.objects.get(user__username="nadia")
    assert user.language == "ru"
    (welcome,) = mailoutbox
    assert welcome.subject == in_russian("Your coursesite account")


@pytest.mark.django_db
def test_sign_up_in_english_keeps_english(client, course):
    data = {
        "username": "ned",
        "email": "ned@example.edu",
        "password1": "a-Long-passphrase-42",
        "password2": "a-Long-passphrase-42",
        "display_name": "Ned",
        "join_code": course.join_code,
    }
    assert client.post(reverse("courses:sign-up"), data, **ENGLISH_BROWSER).status_code == 302
    assert UserLanguage.objects.get(user__username="ned").language == "en"


# --- Other emails ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_password_reset_in_the_accounts_language_not_the_askers(client, mailoutbox):
    russian = UserFactory(username="irina")
    remember_language(russian, "ru")
    english = UserFactory(username="james")
    client.post(reverse("password_reset"), {"email": russian.email}, **ENGLISH_BROWSER)
    client.post(reverse("password_reset"), {"email": english.email}, **RUSSIAN_BROWSER)
    to_russian, to_english = sent_to(mailoutbox, russian), sent_to(mailoutbox, english)

    with translation.override("ru"):
        russian_subject = translation.gettext("Password reset on %(site_name)s").split("%")[0]
    assert to_russian.subject.startswith(russian_subject) and russian_subject != "Password reset on "
    assert in_russian("Choose a new password here (the link works once):") in to_russian.body
    assert "/accounts/reset/" in to_russian.body

    assert to_english.subject.startswith("Password reset on ")
    assert "Choose a new password here (the link works once):" in to_english.body


@pytest.mark.django_db
def test_the_digest_goes_to_each_member_in_their_language(course, mailoutbox):
    with time_machine.travel(datetime.datetime(2026, 11, 11, 12, tzinfo=datetime.UTC), tick=False):
        russian = MembershipFactory(course=course).user
        remember_language(russian, "ru")
        english = MembershipFactory(course=course).user
        digest = DigestFactory(course=course, week=datetime.date(2026, 11, 2))
        assert digests.email_digest(digest) == 2
    title = "%(course)s: the digest of the week of %(week)s"
    assert sent_to(mailoutbox, russian).subject == in_russian(title) % {
        "course": course.title,
        "week": "2 ноября 2026",
    }
    english_subject = f"{course.title}: the digest of the week of 2 November 2026"
    assert sent_to(mailoutbox, english).subject == english_subject
    assert in_russian("Read the whole digest: %(url)s").split("%")[0] in sent_to(mailoutbox, russian).body
