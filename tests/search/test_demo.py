"""The issue's acceptance: a newcomer finds the seed post of the demo by searching "amnesty"."""

import pytest
from django.core.management import call_command

from courses.models import Course
from posts.demo import SEED_TITLE

from .helpers import found, search

pytestmark = pytest.mark.django_db


def test_searching_amnesty_in_the_demo_finds_the_seed_post_first(client):
    call_command("seed_demo", force=True, verbosity=0)
    course = Course.objects.get(slug="soviet-history")
    response = search(client, course, "amnesty")
    assert found(response)[0] == SEED_TITLE
    assert "<mark>amnesty</mark>" in response.content.decode()
