"""Log-in lockout, and rate limits on sign-up and password reset."""

import pytest
from django.urls import reverse

from tests.factories import CourseFactory, UserFactory

pytestmark = pytest.mark.django_db


def _fail_login(client, username):
    return client.post(reverse("login"), {"username": username, "password": "wrong-password"})


def test_account_is_locked_after_five_failures_with_a_clear_message(client):
    user = UserFactory(username="ada")
    for _ in range(5):
        response = _fail_login(client, "ada")
        assert "Please enter a correct username and password" in response.content.decode()
    # Even the right password is refused while locked out, with the reason.
    response = client.post(reverse("login"), {"username": "ada", "password": "pass-for-tests-1"})
    page = response.content.decode()
    assert "Too many failed log-ins" in page
    assert "reset your password" in page
    assert "_auth_user_id" not in client.session
    assert user.username in page  # the typed username is kept in the form


def test_lockout_counts_per_address_across_accounts(client):
    for n in range(5):
        _fail_login(client, f"nobody{n}")
    UserFactory(username="grace")
    response = client.post(reverse("login"), {"username": "grace", "password": "pass-for-tests-1"})
    assert "Too many failed log-ins" in response.content.decode()


def test_a_good_login_under_the_limit_works(client):
    UserFactory(username="linus")
    for _ in range(4):
        _fail_login(client, "linus")
    response = client.post(reverse("login"), {"username": "linus", "password": "pass-for-tests-1"})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_password_reset_is_rate_limited(client, mailoutbox):
    UserFactory(username="reset", email="reset@example.edu")
    for _ in range(5):
        response = client.post(reverse("password_reset"), {"email": "reset@example.edu"})
        assert response.status_code == 302
    assert len(mailoutbox) == 5
    response = client.post(reverse("password_reset"), {"email": "reset@example.edu"})
    assert response.status_code == 200
    assert "Too many reset requests" in response.content.decode()
    assert len(mailoutbox) == 5


def test_sign_up_is_rate_limited_and_keeps_what_was_typed(client, settings):
    settings.RATE_LIMITS = {"sign-up": [(3600, 1)]}
    course = CourseFactory()
    data = {
        "username": "newstudent",
        "email": "new@example.edu",
        "password1": "a-Long-passphrase-42",
        "password2": "a-Long-passphrase-42",
        "display_name": "New Student",
        "join_code": course.join_code,
    }
    assert client.post(reverse("courses:sign-up"), data).status_code == 302
    client.logout()
    response = client.post(
        reverse("courses:sign-up"), {**data, "username": "second", "email": "s@example.edu"}
    )
    page = response.content.decode()
    assert "Too many sign-ups" in page
    assert 'value="second"' in page


def test_post_saving_is_rate_limited_and_the_text_is_kept(client, settings):
    from tests.factories import MembershipFactory

    settings.RATE_LIMITS = {"post-save": [(60, 2)]}
    member = MembershipFactory()
    client.force_login(member.user)
    url = reverse("posts:write", kwargs={"course_slug": member.course.slug})
    for n in range(2):
        data = {"title": f"Draft {n}", "body": "Text", "action": "draft"}
        assert client.post(url, data).status_code == 302
    response = client.post(url, {"title": "Third", "body": "My precious paragraph", "action": "draft"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Wait a moment and save again" in page
    assert "My precious paragraph" in page


def test_image_upload_and_preview_are_rate_limited(client, settings):
    from tests.factories import MembershipFactory

    settings.RATE_LIMITS = {"image-upload": [(60, 0)], "preview": [(60, 1)]}
    member = MembershipFactory()
    client.force_login(member.user)
    response = client.post(reverse("posts:upload"), {})
    assert response.status_code == 429
    assert "Too many images" in response.json()["image"][0]
    assert client.post(reverse("posts:preview"), {"content": "*hi*"}).status_code == 200
    response = client.post(reverse("posts:preview"), {"content": "*hi*"})
    assert response.status_code == 429
    assert "Keep writing" in response.content.decode()


@pytest.mark.parametrize("url_name", ["login", "courses:sign-up", "password_reset"])
def test_an_oversized_form_is_refused_with_400_not_a_server_error(client, url_name):
    response = client.post(reverse(url_name), {"username": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 400


def test_an_oversized_post_or_comment_is_refused_with_400(client):
    from tests.factories import MembershipFactory, PostFactory

    member = MembershipFactory()
    post = PostFactory(course=member.course)
    client.force_login(member.user)
    huge = "word " * (600 * 1024)  # 3 MB
    write = reverse("posts:write", kwargs={"course_slug": member.course.slug})
    assert client.post(write, {"title": "Long", "body": huge, "action": "draft"}).status_code == 400
    create = reverse("comments:create", kwargs={"course_slug": post.course.slug, "post_slug": post.slug})
    assert client.post(create, {"body": huge}).status_code == 400


def test_behind_a_proxy_the_lockout_counts_each_visitor_not_the_proxy(client, settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    UserFactory(username="victim")
    for n in range(5):
        client.post(
            reverse("login"),
            {"username": f"stranger{n}", "password": "wrong"},
            HTTP_X_REAL_IP="203.0.113.9",
        )
    # Another visitor, through the same proxy (same REMOTE_ADDR), still logs in.
    response = client.post(
        reverse("login"),
        {"username": "victim", "password": "pass-for-tests-1"},
        HTTP_X_REAL_IP="198.51.100.4",
    )
    assert response.status_code == 302
    # The guessing visitor is locked out.
    response = client.post(
        reverse("login"), {"username": "victim", "password": "pass-for-tests-1"}, HTTP_X_REAL_IP="203.0.113.9"
    )
    assert "Too many failed log-ins" in response.content.decode()


def test_a_mail_server_that_is_down_never_turns_a_posted_comment_into_an_error(
    client, settings, django_capture_on_commit_callbacks
):
    import socket

    from comments.models import Comment
    from tests.factories import CommentFactory, MembershipFactory, PostFactory

    with socket.socket() as probe:  # a port where nothing listens: a real refused connection
        probe.bind(("127.0.0.1", 0))
        settings.EMAIL_PORT = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    member = MembershipFactory()
    post = PostFactory(course=member.course)
    CommentFactory(post=post, author=member.user)  # an approved comment: the next is published at once
    client.force_login(member.user)
    url = reverse("comments:create", kwargs={"course_slug": post.course.slug, "post_slug": post.slug})
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url, {"body": "Still posted when mail fails"})
    assert callbacks, "the comment scheduled its email"
    assert response.status_code == 302
    assert Comment.objects.filter(body="Still posted when mail fails").count() == 1


def test_guessing_join_codes_is_rate_limited(client, settings):
    settings.RATE_LIMITS = {"join": [(3600, 3)]}
    client.force_login(UserFactory())
    for code in ("AAAA1111", "BBBB2222", "CCCC3333"):
        response = client.post(reverse("courses:join"), {"join_code": code, "display_name": "Guesser"})
        assert "does not match any course" in response.content.decode()
    course = CourseFactory()
    response = client.post(
        reverse("courses:join"), {"join_code": course.join_code, "display_name": "Guesser"}
    )
    page = response.content.decode()
    assert "Too many tries" in page
    assert 'value="Guesser"' in page  # what was typed is kept
    assert not course.memberships.exists()


def test_the_client_address_header_is_believed_only_from_a_trusted_proxy(client, settings):
    """A rotating X-Real-IP sent straight to the app must not escape the per-address lockout."""
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    for n in range(5):
        client.post(
            reverse("login"),
            {"username": f"stranger{n}", "password": "wrong"},
            REMOTE_ADDR="198.51.100.7",
            HTTP_X_REAL_IP=f"203.0.113.{n}",
        )
    response = client.post(
        reverse("login"),
        {"username": "stranger9", "password": "wrong"},
        REMOTE_ADDR="198.51.100.7",
        HTTP_X_REAL_IP="203.0.113.200",
    )
    assert "Too many failed log-ins" in response.content.decode()


def test_through_a_chain_of_trusted_proxies_the_visitor_is_the_last_untrusted_address(rf, settings):
    from core.ratelimit import client_address

    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9, 10.0.0.1")
    assert client_address(request) == "203.0.113.9"  # what the visitor wrote first is not believed
    assert client_address(rf.get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="1.2.3.4")) == (
        "198.51.100.7"
    )
