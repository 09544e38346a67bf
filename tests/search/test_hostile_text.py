"""Every hostile payload of tests/hardening, in posts, tags and comments, is inert on the results page."""

import pytest
from bs4 import BeautifulSoup

from posts.models import Tag
from tests.factories import CommentFactory, PostFactory
from tests.hardening.executable import executable_parts
from tests.hardening.payloads import all_payloads

from .helpers import found, search

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("payload", all_payloads(), ids=range(len(all_payloads())))
def test_payloads_are_inert_in_titles_snippets_and_tags(client, course, payload):
    post = PostFactory(
        course=course, title=f"Amnesty {payload}"[:200], body=f"amnesty {payload}\n\n{payload}"
    )
    post.tags.add(Tag.objects.create(course=course, name=payload[:50], slug="hostile"))
    CommentFactory(post=post, body=f"amnesty {payload}")
    response = search(client, course, "amnesty")
    assert len(found(response)) == 2
    main = str(BeautifulSoup(response.content, "html.parser").find("main"))
    assert executable_parts(main) == []
