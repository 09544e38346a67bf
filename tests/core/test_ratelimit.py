"""Log-in lockout, and rate limits on sign-up and password reset."""

import pytest
from django.test import Client
from django.urls import reverse

from core.ratelimit import limits_for
from courses.forms import KNOWN_DEVICE_COOKIE
from tests.factories import CourseFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pass-for-tests-1"
PAIR_LIMIT = limits_for("login-failure")[0].most  # one account from one address: 5
ADDRESS_LIMIT = limits_for("login-failure-address")[0].most  # one address, any account: 20
ACCOUNT_LIMIT = limits_for("login-failure-account")[0].most  # one account, any address: 50


def _fail_login(client, username, address="127.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": "wrong-password"}, REMOTE_ADDR=address
    )


def _log_in(client, username, address="127.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD}, REMOTE_ADDR=address)


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def _log_out(client):
    """As a browser does: the session ends, other cookies stay (Client.logout() drops them all)."""
    client.post(reverse("logout"))


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
    """Password spraying: many accounts tried from one address locks the address (20, not 5 as before)."""
    UserFactory(username="grace")
    UserFactory(username="hopper")
    for n in range(ADDRESS_LIMIT - 1):
        _fail_login(client, f"nobody{n}")
    assert _log_in(Client(), "hopper").status_code == 302  # under the address's limit
    _fail_login(client, "nobody-last")
    # Anyone on that address who has not logged in from it, grace included, is refused now.
    response = _log_in(Client(), "grace")
    assert "Too many failed log-ins from your network" in response.content.decode()
    assert "_auth_user_id" not in client.session


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
    for n in range(ADDRESS_LIMIT):
        client.post(
            reverse("login"),
            {"username": f"stranger{n}", "password": "wrong"},
            HTTP_X_REAL_IP="203.0.113.9",
        )
    # Another visitor, through the same proxy (same REMOTE_ADDR), still logs in.
    response = Client().post(
        reverse("login"),
        {"username": "victim", "password": PASSWORD},
        HTTP_X_REAL_IP="198.51.100.4",
    )
    assert response.status_code == 302
    # The guessing visitor's address is locked out.
    response = client.post(
        reverse("login"), {"username": "victim", "password": PASSWORD}, HTTP_X_REAL_IP="203.0.113.9"
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
    for n in range(ADDRESS_LIMIT):
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


# --- The lockout locks the guesser, not the owner (django-axes' combination mode) ---------


def test_guesses_from_one_address_do_not_lock_the_owner_out_elsewhere(client):
    UserFactory(username="ada")
    for _ in range(PAIR_LIMIT + 3):
        _fail_login(client, "ada", address="203.0.113.66")
    # The guesser's pair (ada, their address) is locked, with the message of today...
    response = _log_in(client, "ada", address="203.0.113.66")
    assert "Too many failed log-ins for this account from your network" in response.content.decode()
    assert not _logged_in(client)
    # ...and ada, at home, logs in with her password.
    owner = Client()
    assert _log_in(owner, "ada", address="198.51.100.20").status_code == 302
    assert _logged_in(owner)


def test_an_account_guessed_at_from_everywhere_is_locked_only_where_it_never_logged_in(client):
    UserFactory(username="ada")
    laptop = Client()
    assert _log_in(laptop, "ada", address="198.51.100.20").status_code == 302  # home, on her laptop
    _log_out(laptop)
    for n in range(ACCOUNT_LIMIT):  # a botnet: one guess from each address, no pair ever locked
        _fail_login(Client(), "ada", address=f"203.0.113.{n}")

    # A browser and an address ada never used: the account is locked there, and says why.
    response = _log_in(Client(), "ada", address="192.0.2.50")
    page = response.content.decode()
    assert "Too many failed log-ins for this account from other places" in page
    assert "a device or network you have used before" in page
    # Her laptop is a known device, wherever it is (here, a café's address)...
    assert _log_in(laptop, "ada", address="192.0.2.77").status_code == 302
    # ...and home is a known address, even in a browser without the cookie.
    assert _log_in(Client(), "ada", address="198.51.100.20").status_code == 302


def test_on_a_shared_network_a_classmate_cannot_lock_the_owner_out_of_her_browser():
    """A school's Wi-Fi: the whole class has one address. The device cookie tells the owner apart."""
    UserFactory(username="ada")
    school = "198.51.100.99"
    ada = Client()
    assert _log_in(ada, "ada", address=school).status_code == 302
    _log_out(ada)
    assert KNOWN_DEVICE_COOKIE in ada.cookies

    classmate = Client()
    for _ in range(PAIR_LIMIT):
        _fail_login(classmate, "ada", address=school)
    assert "Too many failed log-ins" in _log_in(classmate, "ada", address=school).content.decode()
    assert _log_in(ada, "ada", address=school).status_code == 302  # her own browser is not locked


def test_a_known_device_is_still_locked_by_its_own_failures():
    UserFactory(username="ada")
    ada = Client()
    _log_in(ada, "ada")
    _log_out(ada)
    for _ in range(PAIR_LIMIT):
        _fail_login(ada, "ada")
    response = _log_in(ada, "ada")
    assert "Too many failed log-ins for this account on this device" in response.content.decode()
    assert not _logged_in(ada)


def test_a_device_known_to_one_account_or_a_forged_cookie_does_not_help_another():
    UserFactory(username="mallory")
    UserFactory(username="victim")
    attacker = Client()
    _log_in(attacker, "mallory")  # her own account: the browser is known to mallory only
    _log_out(attacker)
    for _ in range(PAIR_LIMIT):
        _fail_login(attacker, "victim")
    assert "Too many failed log-ins" in _log_in(attacker, "victim").content.decode()

    forger = Client()
    forger.cookies[KNOWN_DEVICE_COOKIE] = "eyJpZCI6ImFiYyIsImFjY291bnRzIjpbInZpY3RpbSJdfQ:forged:signature"
    for _ in range(PAIR_LIMIT):
        _fail_login(forger, "victim", address="203.0.113.5")
    assert "Too many failed log-ins" in _log_in(forger, "victim", address="203.0.113.5").content.decode()


def test_the_address_lock_spares_an_account_that_logged_in_from_that_address():
    UserFactory(username="ada")
    school = "198.51.100.99"
    assert _log_in(Client(), "ada", address=school).status_code == 302  # last week, in the lab
    sprayer = Client()
    for n in range(ADDRESS_LIMIT):
        _fail_login(sprayer, f"student{n}", address=school)
    assert "from your network" in _log_in(sprayer, "someone", address=school).content.decode()
    # ada, on a lab machine that keeps no cookies, is known at the school's address.
    assert _log_in(Client(), "ada", address=school).status_code == 302


def test_a_good_login_clears_the_pairs_own_failures(client):
    UserFactory(username="linus")
    for _ in range(2):
        for _ in range(PAIR_LIMIT - 1):
            _fail_login(client, "linus")
        assert _log_in(client, "linus").status_code == 302
        _log_out(client)


def test_the_known_device_cookie_is_signed_and_http_only(client):
    UserFactory(username="ada")
    _log_in(client, "ada")
    cookie = client.cookies[KNOWN_DEVICE_COOKIE]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert "ada" not in cookie.value  # a shared computer's next user cannot read who used it


# --- Sign-up: every attempt counts ---------------------------------------------------------


def _sign_up_data(course, **changes):
    return {
        "username": "newstudent",
        "email": "new@example.edu",
        "password1": "a-Long-passphrase-42",
        "password2": "a-Long-passphrase-42",
        "display_name": "New Student",
        "join_code": course.join_code,
        **changes,
    }


def test_every_sign_up_attempt_counts_and_a_refused_one_tells_nothing(client, settings):
    """Wrong join codes and taken usernames used to be free: the limit counted only valid forms."""
    settings.RATE_LIMITS = {"sign-up": [(3600, 3)]}
    course = CourseFactory()
    UserFactory(username="taken")
    url = reverse("courses:sign-up")
    assert (
        "does not match any course"
        in client.post(url, _sign_up_data(course, join_code="AAAA2222")).content.decode()
    )
    assert "already exists" in client.post(url, _sign_up_data(course, username="taken")).content.decode()
    assert (
        "does not match any course"
        in client.post(url, _sign_up_data(course, join_code="BBBB3333")).content.decode()
    )
    # The fourth: refused unchecked, so a wrong code and a right one look alike, and what was typed stays.
    for code in ("CCCC4444", course.join_code):
        response = client.post(url, _sign_up_data(course, join_code=code))
        page = response.content.decode()
        assert "Too many sign-ups from your network" in page
        assert "does not match" not in page
        assert 'value="newstudent"' in page
        assert f'value="{code}"' in page
    assert not course.memberships.exists()


def test_a_locked_join_form_does_not_say_whether_the_code_was_right(client, settings):
    settings.RATE_LIMITS = {"join": [(3600, 1)]}
    client.force_login(UserFactory())
    client.post(reverse("courses:join"), {"join_code": "AAAA1111", "display_name": "Guesser"})
    page = client.post(
        reverse("courses:join"), {"join_code": "BBBB2222", "display_name": "Guesser"}
    ).content.decode()
    assert "Too many tries" in page
    assert "does not match any course" not in page
    assert 'value="BBBB2222"' in page


def test_the_admin_log_in_page_locks_out_guessing_as_the_sites_does(client):
    staff = UserFactory(username="teacher", is_staff=True)
    staff.set_password("the right passphrase")
    staff.save()
    for _ in range(5):
        client.post(reverse("admin:login"), {"username": "teacher", "password": "wrong"})
    response = client.post(
        reverse("admin:login"), {"username": "teacher", "password": "the right passphrase"}
    )
    assert response.status_code == 200  # the form again, not the admin
    assert "Too many failed log-ins" in response.content.decode()
