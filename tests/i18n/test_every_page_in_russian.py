"""Every page of the site, read by a Russian browser, shows no interface text left in English.

The pages are the authorization table's (tests/hardening): every URL any actor may GET, as the
people who read it. The English texts looked for are the catalogue's own: each sentence of
three words or more that the Russian catalogue translates. A string marked too late (at import,
outside gettext_lazy), a cached part kept in the wrong language, or a template text nobody
marked would each show here.
"""

import gettext
import html
import re
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from courses.models import DEFAULT_CONSENT_TEXT
from tests.hardening.test_authorization import TABLE, _kwargs, _world_for
from tests.i18n.test_languages import russian

READERS = ["anonymous", "student", "editor", "instructor"]
# Course data written in the language of whoever made the course, shown as stored: the consent text
# a student agrees to is the course's own words (its fingerprint is of the text shown).
STORED_TEXTS = {DEFAULT_CONSENT_TEXT}
TAGS = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S)


@cache
def english_sentences() -> list[str]:
    """The catalogue's English sentences that must not be seen on a Russian page."""
    with (Path(settings.BASE_DIR) / "locale/ru/LC_MESSAGES/django.mo").open("rb") as mo:
        catalogue = gettext.GNUTranslations(mo)._catalog  # noqa: SLF001 (the parsed .mo's entries)
    sentences = set()
    for msgid, msgstr in catalogue.items():
        if isinstance(msgid, tuple):  # a plural's forms: (msgid, n)
            msgid = msgid[0]
        msgid = msgid.split("\x04")[-1]  # without its context
        if "%" in msgid or "<" in msgid or msgid == msgstr or len(msgid.split()) < 3 or msgid in STORED_TEXTS:
            continue
        sentences.add(msgid)
    return sorted(sentences)


def visible_text(page: str) -> str:
    return " ".join(html.unescape(TAGS.sub(" ", page)).split())


def pages_to_read():
    for url_name, (expected_get, _post) in sorted(TABLE.items()):
        readers = [actor for actor in READERS if expected_get[actor] == "ok"]
        if readers:
            yield url_name, readers


@pytest.mark.django_db
@pytest.mark.parametrize(("url_name", "readers"), list(pages_to_read()))
def test_a_russian_reader_sees_no_english_interface_text(url_name, readers):
    world = _world_for(url_name)
    url = reverse(url_name, kwargs=_kwargs(world).get(url_name))
    for actor in readers:
        client = Client(HTTP_ACCEPT_LANGUAGE="ru")
        if world.users[actor] is not None:
            client.force_login(world.users[actor])
        response = client.get(url, follow=True)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        text = visible_text(response.content.decode())
        left = [sentence for sentence in english_sentences() if sentence in text]
        assert not left, f"{url} as {actor} shows English: {left[:5]}"


ADMIN_PAGES = {
    "index": lambda world: reverse("admin:index"),
    "course": lambda world: reverse("admin:courses_course_change", args=[world.course.pk]),
    "comments": lambda world: reverse("admin:comments_comment_changelist"),
    "posts": lambda world: reverse("admin:posts_post_changelist"),
    "post-add": lambda world: reverse("admin:posts_post_add"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_the_admin_instructors_use_speaks_russian_too(page):
    """Our names in the admin (models, fields, columns, actions), beside Django's own translation."""
    from courses.services import instructor_grant

    world = _world_for("admin")
    instructor = world.users["instructor"]
    instructor_grant(user=instructor)
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    client.force_login(instructor)
    response = client.get(ADMIN_PAGES[page](world))
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    left = [sentence for sentence in english_sentences() if sentence in text]
    assert not left, f"the admin's {page} page shows English: {left[:5]}"
    assert russian("Your courses") in text or page != "index"
    if page == "comments":
        for column in ("Comment", "Author", "Course"):
            assert russian(column) in text
