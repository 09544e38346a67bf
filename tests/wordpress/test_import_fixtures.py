"""Every WXR file of WordPress's importer tests (../shared/wxr) imports with its own counts, or is refused.

The expected counts come from a plain reading of each file with the standard
library's parser (the fixtures are trusted test data), written apart from the
importer's streaming reader, so the two have to agree.
"""

import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from comments.models import Comment
from posts.models import Category, Post, Tag
from tests.factories import CourseFactory
from wordpress.importer import import_wxr
from wordpress.models import ImportedItem
from wordpress.wxr import WXRRefused

from .shared_fixtures import SHARED_WXR

FIXTURES = SHARED_WXR
FILES = sorted(FIXTURES.glob("*.xml")) if FIXTURES.is_dir() else []

WP = re.compile(r"\{https?://wordpress\.org/export/\d+\.\d+/\}(.+)")
SKIPPED_STATUSES = {"trash", "auto-draft", "inherit"}


def _wp(tag: str) -> str | None:
    match = WP.fullmatch(tag)
    return match.group(1) if match else None


def _wp_text(element, name: str) -> str:
    for child in element:
        if _wp(child.tag) == name:
            return (child.text or "").strip()
    return ""


def expected_counts(path: Path) -> dict:
    """What the file holds, counted the plain way; None for a file WordPress would refuse."""
    root = ET.parse(path).getroot()
    channel = root.find("channel")
    version = next((c.text for c in channel if _wp(c.tag) == "wxr_version"), None)
    if not version or not re.fullmatch(r"1\.\d+", version.strip()):
        return None
    counts = {"posts": 0, "pages": 0, "comments": 0, "replies": 0, "attachments": 0}
    logins, categories, tags = set(), set(), set()
    for element in channel:
        kind = _wp(element.tag)
        if kind == "author" and _wp_text(element, "author_login"):
            logins.add(_wp_text(element, "author_login"))
        elif kind == "category":
            categories.add(_wp_text(element, "category_nicename"))
        elif kind == "tag":
            tags.add(_wp_text(element, "tag_slug"))
        elif kind == "term":
            taxonomy = _wp_text(element, "term_taxonomy")
            if taxonomy == "category":
                categories.add(_wp_text(element, "term_slug"))
            elif taxonomy == "post_tag":
                tags.add(_wp_text(element, "term_slug"))
    for item in channel.findall("item"):
        post_type = _wp_text(item, "post_type") or "post"
        status = _wp_text(item, "status")
        creator = (item.findtext("{http://purl.org/dc/elements/1.1/}creator") or "").strip()
        creator = creator or _wp_text(item, "author") or "unknown-author"  # who the importer falls back to
        if post_type == "attachment":
            counts["attachments"] += 1
            continue
        if post_type not in ("post", "page") or status in SKIPPED_STATUSES:
            continue
        counts["pages" if post_type == "page" else "posts"] += 1
        logins.add(creator)
        # Only terms with a nicename count: WXR 1.0 repeats each as a plain RSS <category> too.
        terms = [c for c in item.findall("category") if c.get("nicename") is not None]
        item_categories = [c.get("nicename") for c in terms if c.get("domain", "category") == "category"]
        if post_type == "post" and item_categories:
            categories.add(item_categories[0])
            tags.update(item_categories[1:])
        elif post_type == "page":
            tags.update(item_categories)
        tags.update(c.get("nicename") for c in terms if c.get("domain") in ("post_tag", "tag"))
        for comment in item:
            if _wp(comment.tag) != "comment" or _wp_text(comment, "comment_type") in (
                "pingback",
                "trackback",
            ):
                continue
            counts["comments"] += 1
            if _wp_text(comment, "comment_parent") not in ("", "0"):
                counts["replies"] += 1
    counts["authors"] = len(logins)
    counts["categories"] = len(categories - {""}) + (1 if counts["pages"] else 0)
    counts["tags"] = len(tags - {""})
    return counts


def _well_formed(path: Path) -> bool:
    try:
        ET.parse(path)
    except ET.ParseError:
        return False
    return True


def test_the_shared_fixtures_are_here():
    if not FILES:
        message = f"The shared WXR fixtures are not at {FIXTURES}: the fixture tests cannot run."
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    assert len(FILES) == 35


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
@pytest.mark.django_db
def test_fixture_imports_with_its_counts_or_is_refused(path):
    course = CourseFactory()
    if not _well_formed(path):
        with pytest.raises(WXRRefused, match=r"not well-formed XML .* at line \d+, column \d+"):
            import_wxr(path, course=course)
        assert not Post.objects.filter(course=course).exists()
        return
    expected = expected_counts(path)
    if expected is None:
        with pytest.raises(WXRRefused, match="version"):
            import_wxr(path, course=course)
        assert not Post.objects.filter(course=course).exists()
        return

    report = import_wxr(path, course=course)

    assert report.imported["posts"] == expected["posts"]
    assert report.imported["pages"] == expected["pages"]
    assert Post.objects.filter(course=course).count() == expected["posts"] + expected["pages"]
    assert report.imported["comments"] == expected["comments"]
    comments = Comment.objects.filter(post__course=course)
    assert comments.count() == expected["comments"]
    assert comments.filter(parent__isnull=False).count() == expected["replies"]
    assert report.imported["authors"] == expected["authors"]
    assert report.imported["categories"] == expected["categories"]
    assert report.imported["tags"] == expected["tags"]
    assert report.imported["images"] + report.skipped_count("images") == expected["attachments"]
    assert Tag.objects.filter(course=course).count() == expected["tags"]
    assert (
        Category.objects.filter(course=course).exclude(slug="uncategorized").count() <= expected["categories"]
    )
    # Every author is a member, with the name WordPress showed.
    author_ids = ImportedItem.objects.filter(course=course, kind="author").values_list("object_id", flat=True)
    assert course.memberships.filter(user_id__in=author_ids).count() == expected["authors"]


@pytest.mark.parametrize("path", [p for p in FILES if _well_formed(p)], ids=lambda p: p.name)
@pytest.mark.django_db
def test_fixture_imported_twice_changes_nothing(path):
    course = CourseFactory()
    try:
        import_wxr(path, course=course)
    except WXRRefused:
        return  # a file with no valid version: refused both times, covered above
    before = (
        Post.objects.filter(course=course).count(),
        Comment.objects.filter(post__course=course).count(),
        Tag.objects.filter(course=course).count(),
        Category.objects.filter(course=course).count(),
        course.memberships.count(),
    )
    again = import_wxr(path, course=course)
    after = (
        Post.objects.filter(course=course).count(),
        Comment.objects.filter(post__course=course).count(),
        Tag.objects.filter(course=course).count(),
        Category.objects.filter(course=course).count(),
        course.memberships.count(),
    )
    assert after == before
    assert sum(again.imported.values()) == 0
