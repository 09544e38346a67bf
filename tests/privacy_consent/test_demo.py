"""Issue 18's "done when": the demo's seed post stays public; a student of Soviet History has the control."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from courses.models import Course, Membership
from posts.demo import SEED_SLUG
from posts.models import Post


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    return Course.objects.get(slug="soviet-history")


def test_a_visitor_still_reads_the_seed_post(client, demo):
    seed = Post.objects.get(course=demo, slug=SEED_SLUG)
    response = client.get(seed.get_absolute_url())
    assert response.status_code == 200
    assert "kpeters" not in response.content.decode()


def test_a_newcomer_as_a_student_sees_the_consent_control(client, demo):
    membership = Membership.objects.get(course=demo, user__username="cpurvis2")
    client.force_login(membership.user)
    page = client.get(reverse("account:home")).content.decode()
    assert "Publishing in Soviet History" in page
    assert reverse("courses:consent-revoke", args=[demo.slug]) in page  # the demo's students agreed
    client.post(reverse("courses:consent-revoke", args=[demo.slug]))
    page = client.get(reverse("account:home")).content.decode()
    assert reverse("courses:consent-give", args=[demo.slug]) in page
    assert demo.consent_text.split()[0] in page


def test_seeding_again_keeps_one_consent_each(demo):
    before = {m.pk: m.publish_consents.count() for m in Membership.objects.filter(course=demo)}
    call_command("seed_demo", verbosity=0)
    after = {m.pk: m.publish_consents.count() for m in Membership.objects.filter(course=demo)}
    assert before == after
