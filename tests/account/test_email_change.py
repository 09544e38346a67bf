"""Changing one's email address: nothing changes until the link sent to the new address is opened."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from tests.factories import UserFactory

from .conftest import ACCOUNT, PASSWORD, soup

pytestmark = pytest.mark.django_db

SITE = "https://blog.example.edu"
CHANGE = reverse("account:email-change")


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def ann(db):
    return UserFactory(username="ann", email="ann@old.example")


def ask(client, new_email, password=PASSWORD):
    return client.post(CHANGE, {"email": new_email, "password": password})


def link_in(message) -> str:
    """The confirmation link's path, from the email."""
    return re.search(rf"{SITE}(/account/email/confirm/\S+/)", message.body).group(1)


def email_of(user) -> str:
    user.refresh_from_db()
    return user.email


def test_asking_sends_a_link_to_the_new_address_and_a_notice_to_the_old(client, ann, mailoutbox):
    client.force_login(ann)
    response = ask(client, "ann@new.example")
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "We sent a link to ann@new.example" in page.content.decode()
    assert email_of(ann) == "ann@old.example"
    by_address = {m.to[0]: m for m in mailoutbox}
    assert set(by_address) == {"ann@new.example", "ann@old.example"}
    assert link_in(by_address["ann@new.example"])
    notice = by_address["ann@old.example"]
    assert "ann@new.example" in notice.body
    assert "/account/email/confirm/" not in notice.body  # the old mailbox cannot make the change


def test_the_change_happens_only_when_the_link_is_opened_and_confirmed(client, ann, mailoutbox):
    client.force_login(ann)
    ask(client, "ann@new.example")
    link = link_in(mailoutbox[0] if mailoutbox[0].to == ["ann@new.example"] else mailoutbox[1])
    page = client.get(link)  # mail scanners open links too: a GET only asks
    assert page.status_code == 200
    assert soup(page).find("button", string="Use ann@new.example")
    assert email_of(ann) == "ann@old.example"
    response = client.post(link, follow=True)
    assert "Your email address is now ann@new.example." in response.content.decode()
    assert email_of(ann) == "ann@new.example"
    # The same link again does nothing more.
    again = client.post(link)
    assert again.status_code == 400
    assert "used already" in again.content.decode()


def _link_for(client, user, mailoutbox, new_email):
    client.force_login(user)
    ask(client, new_email)
    return link_in(next(m for m in mailoutbox if m.to == [new_email]))


def test_an_expired_link_is_a_clear_message(client, ann, mailoutbox):
    link = _link_for(client, ann, mailoutbox, "ann@new.example")
    with time_machine.travel(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=3)):
        client.force_login(ann)
        for response in (client.get(link), client.post(link)):
            assert response.status_code == 400
            assert "This link has expired" in response.content.decode()
    assert email_of(ann) == "ann@old.example"


@pytest.mark.parametrize("spoil", [lambda t: t[:-3] + "abc", lambda t: "x" + t, lambda t: "garbage"])
def test_a_tampered_link_is_a_clear_message(client, ann, mailoutbox, spoil):
    link = _link_for(client, ann, mailoutbox, "ann@new.example")
    token = link.rstrip("/").rsplit("/", 1)[1]
    spoilt = reverse("account:email-confirm", kwargs={"token": spoil(token)})
    response = client.post(spoilt)
    assert response.status_code == 400
    assert "incomplete or was changed" in response.content.decode()
    assert email_of(ann) == "ann@old.example"


def test_another_users_link_does_nothing_to_you(client, ann, mailoutbox):
    link = _link_for(client, ann, mailoutbox, "ann@new.example")
    bob = UserFactory(username="bob", email="bob@example.edu")
    client.force_login(bob)
    for response in (client.get(link), client.post(link)):
        assert response.status_code == 400
        assert "sent for another account" in response.content.decode()
    assert email_of(bob) == "bob@example.edu"
    assert email_of(ann) == "ann@old.example"


def test_opening_the_link_logged_out_asks_to_log_in_first(client, ann, mailoutbox):
    link = _link_for(client, ann, mailoutbox, "ann@new.example")
    client.logout()
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_address_of_another_account_is_never_taken_and_the_page_does_not_tell(client, ann, mailoutbox):
    UserFactory(username="cy", email="cy@example.edu")
    client.force_login(ann)
    response = ask(client, "CY@example.edu")
    assert response.status_code == 302
    assert "We sent a link to CY@example.edu" in client.get(response["Location"]).content.decode()
    to_new = next(m for m in mailoutbox if m.to == ["CY@example.edu"])
    assert "belongs to another coursesite account" in to_new.body
    assert "/account/email/confirm/" not in to_new.body
    assert email_of(ann) == "ann@old.example"


def test_an_address_taken_after_the_link_was_sent_is_refused(client, ann, mailoutbox):
    link = _link_for(client, ann, mailoutbox, "ann@new.example")
    UserFactory(username="dee", email="ANN@new.example")
    response = client.post(link)
    assert response.status_code == 400
    assert "Another account has this address now" in response.content.decode()
    assert email_of(ann) == "ann@old.example"


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("ann@new.example", "wrong password", "That is not your password."),
        ("ann@old.example", PASSWORD, "That is your address already."),
        ("not an address", PASSWORD, "Enter a valid email address."),
    ],
)
def test_a_refused_request_says_why_and_sends_nothing(client, ann, mailoutbox, email, password, message):
    client.force_login(ann)
    response = ask(client, email, password)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert soup(response).find("input", attrs={"name": "email"})["value"] == email
    assert mailoutbox == []


def test_requests_are_limited(client, ann, mailoutbox):
    client.force_login(ann)
    for _ in range(5):
        ask(client, "ann@new.example", "wrong password")
    response = ask(client, "ann@new.example")  # the right password, too late
    assert response.status_code == 429
    assert "Please try again later." in response.content.decode()
    assert mailoutbox == []


def test_the_form_and_link_refuse_other_methods(client, ann):
    client.force_login(ann)
    assert client.get(CHANGE).status_code == 405
    link = reverse("account:email-confirm", kwargs={"token": "x"})
    assert client.put(link).status_code == 405
    assert client.get(ACCOUNT).status_code == 200
