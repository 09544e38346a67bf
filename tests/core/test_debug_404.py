"""Under `make run` (DEBUG on) a mistyped address shows our 404 page; Django's URL list only on request."""

import pytest
from django.test import Client

from tests.factories import CourseFactory

OUR_PAGE = "Go to the list of courses"
DJANGOS_LIST = "Using the URLconf defined in"


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True
    settings.SHOW_DEBUG_404 = False
    return settings


@pytest.mark.django_db
def test_mistyped_address_under_debug_shows_our_404_page(debug_on):
    response = Client().get("/no-such-page/at-all/")
    assert response.status_code == 404
    body = response.content.decode()
    assert OUR_PAGE in body
    assert DJANGOS_LIST not in body
    assert "Page not found · coursesite" in body


@pytest.mark.django_db
def test_a_views_404_under_debug_shows_our_404_page(debug_on):
    """A real URL pattern whose view raises Http404 (an unknown course) gets our page too."""
    CourseFactory()  # some course exists; this one does not
    response = Client().get("/c/no-such-course/")
    assert response.status_code == 404
    assert OUR_PAGE in response.content.decode()
    assert "technical" not in response.content.decode().lower()


@pytest.mark.django_db
def test_unknown_admin_address_under_debug_shows_our_404_page(debug_on, admin_user):
    client = Client()
    client.force_login(admin_user)
    response = client.get("/admin/no-such-app/")
    assert response.status_code == 404
    assert OUR_PAGE in response.content.decode()


@pytest.mark.django_db
def test_missing_slash_is_still_redirected_under_debug(debug_on):
    response = Client().get("/admin")
    assert response.status_code == 301
    assert response["Location"] == "/admin/"


@pytest.mark.django_db
def test_developer_asks_for_djangos_url_list(debug_on):
    debug_on.SHOW_DEBUG_404 = True
    response = Client().get("/no-such-page/at-all/")
    assert response.status_code == 404
    body = response.content.decode()
    assert DJANGOS_LIST in body
    assert OUR_PAGE not in body


@pytest.mark.django_db
def test_production_shows_our_404_page(settings):
    settings.DEBUG = False
    response = Client().get("/no-such-page/at-all/")
    assert response.status_code == 404
    assert OUR_PAGE in response.content.decode()
