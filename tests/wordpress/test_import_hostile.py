"""Hostile and broken WXR files: refused with a reason, memory bounded, nothing half imported or unsafe."""

import io
import socket
import threading
import time
import tracemalloc
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.urls import reverse
from PIL import Image

from comments.models import Comment
from courses.models import Membership
from posts.models import Post, PostImage
from tests.factories import CourseFactory, MembershipFactory
from tests.wordpress.test_import_behaviour import SITE, comment_xml, item_xml, wxr
from wordpress import importer
from wordpress import wxr as wxr_module
from wordpress.importer import import_wxr
from wordpress.wxr import WXRReader, WXRRefused

User = get_user_model()

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel>
<wp:wxr_version>1.2</wp:wxr_version><item><title>&lol9;</title></item></channel></rss>"""


@pytest.fixture
def course(db):
    return CourseFactory(slug="soviet")


def _nothing_imported(course, users_before):
    assert not Post.objects.filter(course=course).exists()
    assert not Membership.objects.filter(course=course).exists()
    assert User.objects.count() == users_before


def test_billion_laughs_is_refused_before_any_expansion(course):
    users = User.objects.count()
    with pytest.raises(WXRRefused, match="billion laughs") as refused:
        import_wxr(io.BytesIO(BILLION_LAUGHS), course=course)
    assert "line 2" in str(refused.value)
    _nothing_imported(course, users)


@pytest.fixture
def listener():
    """A TCP server on a free port that records whether anyone connected to it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(0.2)
    connected = []
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            connected.append(True)
            connection.close()

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    yield server.getsockname()[1], connected
    stop.set()
    thread.join()
    server.close()


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE rss [<!ENTITY remote SYSTEM "http://127.0.0.1:{port}/x">]>',
        '<!DOCTYPE rss SYSTEM "http://127.0.0.1:{port}/evil.dtd">',
        '<!DOCTYPE rss [<!ENTITY % remote SYSTEM "http://127.0.0.1:{port}/x"> %remote;]>',
    ],
    ids=["file-entity", "network-entity", "external-dtd", "parameter-entity"],
)
def test_external_entities_and_dtds_are_refused_and_never_fetched(course, listener, doctype):
    port, connected = listener
    data = wxr(item_xml(1, title="&secret;")).replace(
        b'<?xml version="1.0" encoding="UTF-8"?>',
        b'<?xml version="1.0" encoding="UTF-8"?>\n' + doctype.format(port=port).encode(),
    )
    users = User.objects.count()
    with pytest.raises(WXRRefused, match="DOCTYPE"):
        import_wxr(io.BytesIO(data), course=course)
    time.sleep(0.3)  # a connection, had one been made, would have been accepted by now
    assert connected == []
    _nothing_imported(course, users)


def test_an_undefined_entity_is_refused_with_its_line_and_column(course):
    data = wxr(item_xml(1)).replace(b"<title><![CDATA[A post]]></title>", b"<title>&lol1;</title>")
    with pytest.raises(WXRRefused, match=r"not well-formed XML \(undefined entity\) at line \d+, column \d+"):
        import_wxr(io.BytesIO(data), course=course)


def _write_large_file(path, *, items: int, body_chars: int) -> int:
    body = ("Paragraph of a long essay about the week's reading. " * (body_chars // 52 + 1))[:body_chars]
    head, _, tail = wxr("\x00").decode().partition("\x00")
    with open(path, "w", encoding="utf-8") as out:
        out.write(head)
        for n in range(items):
            out.write(item_xml(n, content=body, comments=comment_xml(1, text="A comment " * 20)))
        out.write(tail)
    return path.stat().st_size


def test_a_large_file_is_read_in_bounded_memory(tmp_path):
    path = tmp_path / "large.xml"
    size = _write_large_file(path, items=2500, body_chars=12_000)
    assert size > 30 * 1024 * 1024
    tracemalloc.start()
    try:
        seen = sum(1 for record in WXRReader(path) if isinstance(record, wxr_module.Item))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seen == 2500
    # One item at a time: the peak is a small multiple of one item, not of the file.
    assert peak < 5 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB for a {size / 1e6:.0f} MB file"


def test_an_element_too_large_to_hold_is_refused(course, monkeypatch):
    monkeypatch.setattr(wxr_module, "MAX_ELEMENT_CHARS", 100_000)
    data = wxr(item_xml(1), item_xml(2, content="x" * 200_000))
    with pytest.raises(WXRRefused, match=r"The <item> starting at line \d+ holds more than"):
        import_wxr(io.BytesIO(data), course=course)
    assert not Post.objects.exists()


def test_a_file_broken_at_its_end_imports_nothing(course):
    data = wxr(item_xml(1), item_xml(2), authors=[("new-author", "new@example.edu", "New")])
    users = User.objects.count()
    with pytest.raises(WXRRefused, match=r"line \d+, column \d+"):
        import_wxr(io.BytesIO(data[:-30]), course=course)
    _nothing_imported(course, users)


def test_a_failure_half_way_leaves_nothing_behind(course, tmp_path, monkeypatch, settings):
    Image.new("RGB", (10, 10), "red").save(tmp_path / "a.png", "PNG")
    data = wxr(
        item_xml(
            1,
            content=f'<img src="{SITE}/wp-content/uploads/a.png" alt="Red">',
            comments=comment_xml(1, text="Hi"),
        ),
        item_xml(2, title="The one that breaks"),
        authors=[("new-author", "new@example.edu", "New")],
    )
    original = importer._Import._post

    def breaking(self, item, *, page):
        if item.title == "The one that breaks":
            raise RuntimeError("the database went away")
        return original(self, item, page=page)

    monkeypatch.setattr(importer._Import, "_post", breaking)
    users = User.objects.count()
    with pytest.raises(RuntimeError):
        import_wxr(io.BytesIO(data), course=course, media_dir=tmp_path)
    _nothing_imported(course, users)
    assert not Comment.objects.exists() and not PostImage.objects.exists()
    # The image stored before the failure is deleted with the rest.
    assert not [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)><a href="javascript:alert(2)">click</a>'


def test_nothing_from_the_file_reaches_a_page_unsanitised(course, client):
    data = wxr(
        item_xml(
            1,
            title=PAYLOAD,
            content=PAYLOAD + "<p onclick=alert(3)>Text</p><iframe src=javascript:alert(4)></iframe>",
            creator="evil",
            comments=comment_xml(1, text=PAYLOAD, author=PAYLOAD),
        ),
        authors=[("evil", "evil@example.edu", PAYLOAD)],
    )
    import_wxr(io.BytesIO(data), course=course)
    post = Post.objects.get(course=course)
    assert post.is_live
    client.force_login(MembershipFactory(course=course).user)  # a classmate reads it
    page = client.get(post.get_absolute_url())
    assert page.status_code == 200
    soup = BeautifulSoup(page.content, "html.parser")
    ours = ("/static/", reverse("javascript-catalog"))  # our files, and our scripts' translations
    for script in soup.find_all("script"):
        assert script.get("src", "").startswith(ours), script  # only our own scripts
    for element in soup.find_all(True):
        for name, value in element.attrs.items():
            assert not name.lower().startswith("on"), element
            if name in ("href", "src", "action", "formaction"):
                assert not str(value).strip().lower().startswith("javascript"), element
    assert not soup.find_all(["iframe", "object", "embed"])
    assert "Text" in soup.get_text()
    assert 'alert("x")' not in page.content.decode()


def test_a_file_of_deeply_nested_or_countless_tags_is_refused(course, monkeypatch):
    deep = wxr(item_xml(1)).replace(b"</item>", b"<x>" * 100 + b"</x>" * 100 + b"</item>", 1)
    with pytest.raises(WXRRefused, match=r"The <item> starting at line \d+ nests too deep"):
        import_wxr(io.BytesIO(deep), course=course)
    monkeypatch.setattr(wxr_module, "MAX_ELEMENT_NODES", 1000)
    wide = wxr(item_xml(1)).replace(b"</item>", b"<x/>" * 2000 + b"</item>", 1)
    with pytest.raises(WXRRefused, match="too many elements"):
        import_wxr(io.BytesIO(wide), course=course)
    assert not Post.objects.exists()
