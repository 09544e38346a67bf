"""Importing a WordPress export (WXR) into a course: the one service the command and the admin call.

The file is read twice, streaming both times (wordpress/wxr.py): first whole,
to refuse a broken or hostile file before anything is written and to learn its
authors, terms and attachments; then item by item, inside one transaction, so
an import either lands whole or not at all (a dry run is that transaction
rolled back). Every item is recorded in ImportedItem under its GUID, and
a second import of the same file finds everything there and changes nothing.

What becomes of WordPress's parts (the README says the same for instructors):
- posts: kept as posts; pages: posts in a "Pages" category; attachments: images;
  other post types (menus, revisions, blocks...): counted and skipped.
- status: publish -> published; draft, pending, private -> draft; future ->
  published at its date (scheduled while that is ahead); trash and auto-draft: skipped.
- categories: "Parent › Child" names; a post's first category is its category,
  its other categories become tags.
- comments: threaded by their parent, replies deeper than the course allows
  attached at its deepest level (as the site does); pingbacks and trackbacks
  skipped; commenters who are not authors or members of the course are guests.
- comments are written in bulk: no emails and no in-site notices are made for
  years-old comments; the course's search entries and mentions are rebuilt once.
"""

import contextlib
import datetime
import hashlib
import html
import re
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nh3
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext, pgettext_lazy

from comments.models import BODY_MAX_CHARS, Comment
from comments.services import recount
from core.cache import bump_course_version
from courses.models import Course, Invitation, Membership
from courses.roster import send_invitations
from courses.services import invitations_send
from mentions.services import mentions_rebuild
from posts.images import ImageRejected, clean_image
from posts.models import Category, Post, PostImage, Tag
from posts.services import default_category, image_store, images_missing_alt
from search import index

from .convert import wordpress_to_markdown
from .models import ImportedItem
from .wxr import Author, Item, Term, WXRReader, WXRRefused

User = get_user_model()

PAGES_CATEGORY = "Pages"
UNKNOWN_AUTHOR = "unknown-author"
CATEGORY_SEPARATOR = " › "
_SIZE_SUFFIX = re.compile(r"-\d+x\d+(?=\.[A-Za-z0-9]+$)")
_USERNAME_UNSAFE = re.compile(r"[^\w.@+-]+")
_NO_DATE = {"", "0000-00-00 00:00:00"}
_POST_STATUS = {
    "publish": Post.Status.PUBLISHED,
    "draft": Post.Status.DRAFT,
    "pending": Post.Status.DRAFT,
    "private": Post.Status.DRAFT,
    "future": Post.Status.PUBLISHED,  # with its date ahead: scheduled (Post.is_scheduled)
    "": Post.Status.DRAFT,
}
_SKIPPED_STATUS = {
    "trash": gettext_lazy("in WordPress's trash"),
    "auto-draft": gettext_lazy("an unsaved auto-draft"),
    "inherit": gettext_lazy("a revision or attachment of another post"),
}
_COMMENT_STATUS = {
    "1": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.REMOVED,
    "post-trashed": Comment.Status.REMOVED,
}
DISPLAY_NAME_MAX = Membership._meta.get_field("display_name").max_length
GUEST_NAME_MAX = Comment._meta.get_field("guest_name").max_length
KEY_MAX = ImportedItem._meta.get_field("key").max_length
# The report's kinds are keys (report.imported["posts"]); these are their words in the report
# (the context is written out in each call: makemessages reads only literal strings).
_KIND_LABELS = {
    "posts": pgettext_lazy("WordPress import report", "posts"),
    "pages": pgettext_lazy("WordPress import report", "pages"),
    "comments": pgettext_lazy("WordPress import report", "comments"),
    "authors": pgettext_lazy("WordPress import report", "authors"),
    "categories": pgettext_lazy("WordPress import report", "categories"),
    "tags": pgettext_lazy("WordPress import report", "tags"),
    "images": pgettext_lazy("WordPress import report", "images"),
    "items": pgettext_lazy("WordPress import report", "items"),
    "terms": pgettext_lazy("WordPress import report", "terms"),
}


@dataclass
class ImportReport:
    """What an import did, or would do (dry run). `as_text()` is what the command and the admin show.

    Reasons, notes and missing images are sentences in the language active while importing (the
    admin page's; the command's is English); kinds stay English keys and are worded by as_text().
    """

    course: str = ""
    dry_run: bool = False
    imported: Counter = field(default_factory=Counter)  # kind -> count
    skipped: dict = field(default_factory=lambda: defaultdict(Counter))  # kind -> reason -> count
    unknown_shortcodes: Counter = field(default_factory=Counter)  # name -> posts using it
    missing_media: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def skip(self, kind: str, reason: str, n: int = 1) -> None:
        self.skipped[kind][str(reason)] += n  # str(): a lazy reason would change as a key

    def skipped_count(self, kind: str) -> int:
        return sum(self.skipped.get(kind, {}).values())

    def as_text(self) -> str:
        if self.dry_run:
            heading = _("Would import into %(course)s (dry run: nothing was saved):")
        else:
            heading = _("Imported into %(course)s:")
        lines = [heading % {"course": self.course}]
        kinds = ["posts", "pages", "comments", "authors", "categories", "tags", "images"]
        kinds += sorted(set(self.imported) - set(kinds))
        for kind in kinds:
            lines.append(f"  {_kind_label(kind)}: {self.imported.get(kind, 0)}")
        if any(self.skipped.values()):
            lines.append(pgettext("WordPress import report", "Skipped:"))
            for kind in sorted(self.skipped):
                for reason, n in sorted(self.skipped[kind].items()):
                    lines.append(f"  {_kind_label(kind)}: {n} ({reason})")
        if self.unknown_shortcodes:
            lines.append(_("Shortcodes kept as text (nothing here knows them):"))
            for name, n in sorted(self.unknown_shortcodes.items()):
                # English says "post(s)" whatever the number; languages with plural forms choose one.
                in_posts = ngettext("[%(name)s] in %(count)s post(s)", "[%(name)s] in %(count)s post(s)", n)
                lines.append("  " + in_posts % {"name": name, "count": n})
        if self.missing_media:
            lines.append(
                _("Images not brought over (%(count)s), linked to where they were:")
                % {"count": len(self.missing_media)}
            )
            lines.extend(f"  {entry}" for entry in self.missing_media)
        if self.notes:
            lines.append(pgettext("WordPress import report", "Notes:"))
            lines.extend(f"  {note}" for note in self.notes)
        if self.errors:
            lines.append(pgettext("WordPress import report", "Errors:"))
            lines.extend(f"  {error}" for error in self.errors)
        return "\n".join(lines)


def _kind_label(kind: str) -> str:
    return str(_KIND_LABELS.get(kind, kind))


@dataclass
class _Survey:
    """What the first reading learns: enough to refuse a file, and what items refer to."""

    authors: dict[str, Author] = field(default_factory=dict)  # login -> author
    terms: list[Term] = field(default_factory=list)
    attachment_alts: dict[str, str] = field(default_factory=dict)  # uploads path -> alt text
    items: int = 0
    base_urls: list[str] = field(default_factory=list)


class _DryRun(Exception):
    pass


def _survey(stream) -> _Survey:
    survey = _Survey()
    reader = WXRReader(stream)
    for record in reader:
        if isinstance(record, Author):
            if record.login and record.login not in survey.authors:
                survey.authors[record.login] = record
        elif isinstance(record, Term):
            survey.terms.append(record)
        elif isinstance(record, Item):
            survey.items += 1
            alt = record.meta.get("_wp_attachment_image_alt", "").strip()
            if record.post_type == "attachment" and alt:
                path = _uploads_path(record.attachment_url or record.guid)
                if path:
                    survey.attachment_alts[path] = alt
    channel = reader.channel
    _check_version(channel.wxr_version)
    survey.base_urls = [u for u in (channel.base_site_url, channel.base_blog_url, channel.link) if u]
    return survey


def _check_version(version: str) -> None:
    # WordPress's own importer refuses these too: without a version the file's meaning is unknown.
    if not version:
        raise WXRRefused(_("This does not look like a WordPress export: it has no <wp:wxr_version>."))
    if not re.fullmatch(r"1\.\d+", version):
        raise WXRRefused(
            _("This WordPress export has an unknown version (%(version)s); 1.0 to 1.2 are read.")
            % {"version": repr(version[:20])}
        )


def _uploads_path(url: str) -> str:
    """The file's path under wp-content/uploads, decoded, or "" if the URL is not an upload."""
    path = unquote(urlsplit(url).path)
    marker = "/wp-content/uploads/"
    if marker not in path:
        return ""
    return path.split(marker, 1)[1].strip("/")


# A stored file's name: plain segments, none starting with a dot (so no "..").
_STORED_NAME = re.compile(r"[A-Za-z0-9_~-][A-Za-z0-9_~.-]*(?:/[A-Za-z0-9_~-][A-Za-z0-9_~.-]*)*")


def _own_media(url: str) -> str | None:
    """Our URL of an image in this site's own media storage (a course exported from here), else None.

    The file is already stored and already went through the image checks: it is shown
    again as it is, not copied.
    """
    media_url = settings.MEDIA_URL
    if media_url.startswith(("http://", "https://")):
        name = url[len(media_url) :] if url.startswith(media_url) else None
    else:
        parts, site = urlsplit(url), urlsplit(settings.SITE_URL)
        ours = not parts.netloc or (parts.scheme, parts.netloc) == (site.scheme, site.netloc)
        name = parts.path[len(media_url) :] if ours and parts.path.startswith(media_url) else None
    if not name or not _STORED_NAME.fullmatch(name) or not default_storage.exists(name):
        return None
    return media_url + name


def _rewindable(source):
    """A binary stream that can be read twice, and whether we opened it (and must close it)."""
    if isinstance(source, str | Path):
        return open(source, "rb"), True  # noqa: SIM115 (closed by import_wxr)
    if hasattr(source, "seekable") and source.seekable():
        source.seek(0)
        return source, False
    copy = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    while chunk := source.read(1024 * 1024):
        copy.write(chunk)
    copy.seek(0)
    return copy, True


def import_wxr(source, *, course: Course, media_dir=None, dry_run: bool = False, by=None) -> ImportReport:
    """Import a WXR file (a path or a binary file object) into `course`. Raises WXRRefused.

    `media_dir` is the blog's wp-content/uploads folder; images are taken from it,
    never fetched. `by` is who imports (None: an operator at the command line);
    an instructor's import invites existing accounts instead of enrolling them.
    """
    stream, owned = _rewindable(source)
    try:
        survey = _survey(stream)
        stream.seek(0)
        report = ImportReport(course=str(course), dry_run=dry_run)
        run = _Import(
            course=course, survey=survey, report=report, media_dir=media_dir, by=by, dry_run=dry_run
        )
        try:
            with transaction.atomic():
                run.authors()
                run.terms()
                for record in WXRReader(stream):
                    if isinstance(record, Item):
                        run.item(record)
                run.finish()
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass
        except BaseException:
            run.discard_files()
            raise
        return report
    finally:
        if owned:
            stream.close()


def _key(text: str) -> str:
    return text if len(text) <= KEY_MAX else "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def _plain(text: str) -> str:
    """Text of a title or name from the file: WordPress stores some with entities and tags."""
    return " ".join(html.unescape(nh3.clean(html.unescape(text or ""), tags=set())).split())


def _date(gmt: str, local: str, tz) -> datetime.datetime | None:
    for value, zone in ((gmt, datetime.UTC), (local, tz)):
        if value.strip() in _NO_DATE:
            continue
        try:
            naive = datetime.datetime.strptime(value.strip()[:19], "%Y-%m-%d %H:%M:%S")
        except ValueError:
            continue
        return naive.replace(tzinfo=zone) if zone is datetime.UTC else timezone.make_aware(naive, zone)
    return None


def _valid_email(email: str) -> str:
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        return ""
    return email


class _Import:
    def __init__(self, *, course, survey, report, media_dir, by, dry_run):
        self.course = course
        self.survey = survey
        self.report = report
        self.media_dir = Path(media_dir).resolve() if media_dir else None
        self.by = by
        self.dry_run = dry_run
        self.users: dict[str, object] = {}  # login -> user
        self.users_by_wp_id: dict[str, object] = {}
        self.commenters: dict[str, object] = {}  # lowercased email -> member user
        self.categories: dict[str, Category] = {}  # WordPress slug -> category
        self.tags: dict[str, Tag] = {}
        self.images: dict[str, str | None] = {}  # uploads path -> our URL (None: could not)
        self.stored_files: list = []
        self.slugs = set(Post.objects.filter(course=course).values_list("slug", flat=True))
        self.new_accounts: list = []
        self.invitations: list[Invitation] = []
        self.hosts = {urlsplit(u).hostname for u in survey.base_urls if urlsplit(u).hostname}
        self.touched_posts: list[Post] = []
        self.members: dict[int, Membership | None] = {}
        self.created_accounts: set[int] = set()
        self.missing_seen: set[str] = set()
        self.tried: set[str] = set()  # uploads paths looked for in this run
        self.declared_categories = {t.slug: t for t in survey.terms if t.taxonomy == "category" and t.slug}

    # --- authors ---

    def authors(self) -> None:
        for member in Membership.objects.filter(course=self.course).select_related("user"):
            self.members[member.user_id] = member
            if member.user.email:
                self.commenters.setdefault(member.user.email.lower(), member.user)
        for author in self.survey.authors.values():
            self._author(author)

    def _author(self, author: Author):
        """The account of a WordPress author: imported before, found by email, or made now."""
        key = _key(author.login.lower())
        known = (
            ImportedItem.objects.filter(course=self.course, kind=ImportedItem.Kind.AUTHOR, key=key)
            .values_list("object_id", flat=True)
            .first()
        )
        user = User.objects.filter(pk=known).first() if known else None
        display = _plain(author.display_name) or _plain(f"{author.first_name} {author.last_name}")
        display = (display or author.login)[:DISPLAY_NAME_MAX]
        if user is not None:
            self.report.skip("authors", "already imported")
        else:
            email = _valid_email(author.email)
            user = User.objects.filter(email__iexact=email).order_by("pk").first() if email else None
            if user is None:
                user = User(username=self._free_username(author.login), email=email)
                user.set_unusable_password()
                user.save()
                self.created_accounts.add(user.pk)
                if email:
                    self.new_accounts.append(user)
            else:
                self.report.notes.append(
                    _("Author %(login)s: the existing account %(username)s.")
                    % {"login": author.login, "username": user.username}
                )
            self.report.imported["authors"] += 1
            ImportedItem.objects.create(
                course=self.course, kind=ImportedItem.Kind.AUTHOR, key=key, object_id=user.pk
            )
        self._make_member(user, display)
        self.users[author.login] = user
        if author.id:
            self.users_by_wp_id[author.id] = user
        if user.email:
            self.commenters[user.email.lower()] = user
        return user

    def _make_member(self, user, display: str) -> None:
        if user.pk in self.members:
            return
        trusted = self.by is None or self.by.is_superuser
        if trusted or user.pk in self.created_accounts:
            self.members[user.pk] = Membership.objects.create(
                course=self.course, user=user, role=Membership.Role.STUDENT, display_name=display
            )
            return
        # An instructor's file names an account that exists already: it is invited, as a roster
        # would, never enrolled on the file's word (courses/roster.py says why).
        if not Invitation.objects.pending().filter(course=self.course, user=user).exists():
            self.invitations.append(
                Invitation.objects.create(
                    course=self.course, user=user, display_name=display, invited_by=self.by
                )
            )
            self.report.notes.append(
                _("The existing account %(username)s was invited to the course (it joins when it accepts).")
                % {"username": user.username}
            )
        self.members[user.pk] = None  # asked once

    def _free_username(self, login: str) -> str:
        base = _USERNAME_UNSAFE.sub("-", login).strip("-.")[:140] or "wordpress-author"
        name, n = base, 2
        while User.objects.filter(username__iexact=name).exists():
            name, n = f"{base}-{n}", n + 1
        return name

    def _author_of(self, item: Item):
        """Who wrote the item: its dc:creator (made an author if the file did not list them)."""
        login = item.creator
        if login:
            if login not in self.users:
                self._author(Author(id="", login=login, email="", display_name=login))
            return self.users[login]
        if self.by is not None:
            return self.by
        instructor = (
            Membership.objects.instructors().filter(course=self.course).select_related("user").first()
        )
        if instructor is not None:
            return instructor.user
        # Nobody to give it to: one account stands for the file's unnamed author.
        if UNKNOWN_AUTHOR not in self.users:
            self._author(Author(id="", login=UNKNOWN_AUTHOR, email="", display_name="Unknown author"))
        return self.users[UNKNOWN_AUTHOR]

    # --- categories and tags ---

    def terms(self) -> None:
        by_slug = self.declared_categories
        seen = set()
        for term in self.survey.terms:
            if term.taxonomy == "category":
                if not (term.slug or term.name):
                    self.report.skip("categories", _("no name"))
                    continue
                if (term.taxonomy, term.slug) in seen:
                    continue
                seen.add((term.taxonomy, term.slug))
                self._category(term.slug, self._category_name(term, by_slug))
            elif term.taxonomy == "post_tag":
                if not (term.slug or term.name):
                    self.report.skip("tags", _("no name"))
                    continue
                if (term.taxonomy, term.slug) in seen:
                    continue
                seen.add((term.taxonomy, term.slug))
                self._tag(term.slug, term.name)
            else:
                self.report.skip(
                    "terms",
                    _("taxonomy %(taxonomy)s is not imported")
                    % {"taxonomy": term.taxonomy or pgettext("WordPress import report", "(none)")},
                )

    def _category_name(self, term: Term, by_slug: dict) -> str:
        names, current, seen = [], term, set()
        while current is not None and current.slug not in seen:
            seen.add(current.slug)
            names.append(_plain(current.name) or current.slug)
            current = by_slug.get(current.parent) if current.parent else None
        return CATEGORY_SEPARATOR.join(reversed(names))

    @staticmethod
    def _slug(wp_slug: str, name: str, fallback: str, length: int) -> str:
        return (slugify(unquote(wp_slug or "")) or slugify(name) or fallback)[:length].strip("-") or fallback

    def _category(self, wp_slug: str, name: str) -> Category:
        if wp_slug in self.categories:
            return self.categories[wp_slug]
        name = (_plain(name) or wp_slug)[:80]
        slug = self._slug(wp_slug, name, "category", 80)
        category, created = Category.objects.get_or_create(
            course=self.course, slug=slug, defaults={"name": name}
        )
        if created:
            self.report.imported["categories"] += 1
        else:
            self.report.skip("categories", _("already in the course"))
        self.categories[wp_slug] = category
        return category

    def _tag(self, wp_slug: str, name: str) -> Tag:
        if wp_slug in self.tags:
            return self.tags[wp_slug]
        name = (_plain(name) or wp_slug)[:50]
        slug = self._slug(wp_slug, name, "tag", 50)
        tag, created = Tag.objects.get_or_create(course=self.course, slug=slug, defaults={"name": name})
        if created:
            self.report.imported["tags"] += 1
        else:
            self.report.skip("tags", _("already in the course"))
        self.tags[wp_slug] = tag
        return tag

    # --- images ---

    def _is_ours(self, url: str) -> bool:
        host = urlsplit(url).hostname
        return host is None or host in self.hosts

    def _image(self, url: str, *, uploader) -> tuple[str, str] | None:
        """Our URL for an image of the file (and its WordPress alt text), or None (listed as missing)."""
        own = _own_media(url)
        if own is not None:
            return own, ""
        path = _uploads_path(url)
        label = path or url
        if not path or not self._is_ours(url):
            self._missing(_("%(url)s (not in this blog's uploads folder; never fetched)") % {"url": url})
            return None
        alt = self.survey.attachment_alts.get(path, "") or self.survey.attachment_alts.get(
            _SIZE_SUFFIX.sub("", path), ""
        )
        if path not in self.images:
            self.images[path] = self._known_image(path)  # brought over by an earlier import
        if self.images[path] is not None or path in self.tried:
            ours = self.images[path]
            return (ours, alt) if ours else None
        self.tried.add(path)
        if self.media_dir is None:
            self.images[path] = None
            self._missing(_("%(file)s (no --media folder given)") % {"file": label})
            return None
        file_path = self._file_of(path)
        if file_path is None:
            self.images[path] = None
            self._missing(_("%(file)s (not found in the media folder)") % {"file": label})
            return None
        try:
            with open(file_path, "rb") as handle:
                cleaned = clean_image(File(handle, name=file_path.name))
        except ImageRejected as error:
            self.images[path] = None
            self.report.errors.append(f"{label}: {error}")
            self._missing(_("%(file)s (refused: %(reason)s)") % {"file": label, "reason": error})
            return None
        if self.dry_run:
            ours = reverse("posts:image", kwargs={"name": f"posts/{cleaned.content.name}"})
        else:
            image = image_store(uploader=uploader, cleaned=cleaned)
            self.stored_files.append(image.file.name)
            ImportedItem.objects.create(
                course=self.course, kind=ImportedItem.Kind.IMAGE, key=_key(path), object_id=image.pk
            )
            ours = image.get_absolute_url()  # through the reader check (posts/media.py), on every storage
        self.report.imported["images"] += 1
        self.images[path] = ours
        return ours, alt

    def _file_of(self, path: str) -> Path | None:
        for candidate in (path, _SIZE_SUFFIX.sub("", path)):
            file_path = (self.media_dir / candidate).resolve()
            # The URL comes from the file: "../" must not reach outside the uploads folder.
            if file_path.is_relative_to(self.media_dir) and file_path.is_file():
                return file_path
        return None

    def _missing(self, entry: str) -> None:
        if entry not in self.missing_seen:
            self.missing_seen.add(entry)
            self.report.missing_media.append(entry)

    def _known_image(self, path: str) -> str | None:
        image_id = (
            ImportedItem.objects.filter(course=self.course, kind=ImportedItem.Kind.IMAGE, key=_key(path))
            .values_list("object_id", flat=True)
            .first()
        )
        image = PostImage.objects.filter(pk=image_id).first() if image_id else None
        return image.get_absolute_url() if image else None

    # --- items ---

    def item(self, item: Item) -> None:
        post_type = item.post_type or "post"
        if post_type == "attachment":
            self._attachment(item)
        elif post_type in ("post", "page"):
            self._post(item, page=post_type == "page")
        else:
            self.report.skip("items", _("post type %(type)s is not imported") % {"type": post_type})

    def _attachment(self, item: Item) -> None:
        url = item.attachment_url or item.guid
        path = _uploads_path(url)
        if path and path not in self.images:
            known = self._known_image(path)
            if known:
                self.images[path] = known
                self.report.skip("images", _("already imported"))
                return
        if path in self.images:
            if self.images[path] is None:
                self.report.skip("images", _("file not brought over (listed below)"))
            else:
                self.report.skip("images", _("brought over with a post already"))
            return
        uploader = self._author_of(item) or self.by
        if uploader is None or self._image(url, uploader=uploader) is None:
            self.report.skip("images", _("file not brought over (listed below)"))

    def _post(self, item: Item, *, page: bool) -> None:
        kind = "pages" if page else "posts"
        key = _key(item.guid or f"post-id:{item.post_id}:{item.title}")
        post_id = (
            ImportedItem.objects.filter(course=self.course, kind=ImportedItem.Kind.POST, key=key)
            .values_list("object_id", flat=True)
            .first()
        )
        post = Post.objects.filter(pk=post_id, course=self.course).first() if post_id else None
        if post is not None:
            self.report.skip(kind, _("already imported"))
            self._comments(item, post, key)
            return
        if item.status in _SKIPPED_STATUS:
            self.report.skip(kind, _SKIPPED_STATUS[item.status])
            return
        author = self._author_of(item)
        if author is None:
            self.report.skip(kind, _("no author, and nobody to give it to"))
            return
        status = _POST_STATUS.get(item.status, Post.Status.DRAFT)
        title = (_plain(item.title) or "Untitled")[:200]
        converted = wordpress_to_markdown(
            item.content, image_url=lambda src: self._image(src, uploader=author)
        )
        for name in converted.unknown_shortcodes:
            self.report.unknown_shortcodes[name] += 1
        date = _date(item.date_gmt, item.date, self.course.tz)
        if item.status == "future":
            if date is None:
                status = Post.Status.DRAFT
                self.report.notes.append(
                    _("“%(title)s” was scheduled without a date: imported as a draft.") % {"title": title}
                )
            elif date > timezone.now():
                self.report.notes.append(
                    _("“%(title)s” is scheduled for %(when)s UTC, as in WordPress.")
                    % {"title": title, "when": f"{date:%Y-%m-%d %H:%M}"}
                )
            else:
                self.report.notes.append(
                    _("“%(title)s” was scheduled for %(when)s UTC, a time now past: published.")
                    % {"title": title, "when": f"{date:%Y-%m-%d %H:%M}"}
                )
        if status == Post.Status.PUBLISHED and item.password:
            # WordPress showed it only to those with its password; here that would be everyone.
            status = Post.Status.DRAFT
            self.report.notes.append(
                _("“%(title)s” had a password in WordPress: imported as a draft.") % {"title": title}
            )
        elif status == Post.Status.PUBLISHED and images_missing_alt(converted.markdown):
            status = Post.Status.DRAFT
            self.report.notes.append(
                _(
                    "“%(title)s” was published in WordPress, but an image has no alt text: "
                    "imported as a draft (add the alt text, then publish)."
                )
                % {"title": title}
            )
        category, extra_tags = self._categories_of(item, page=page)
        post = Post(
            course=self.course,
            author=author,
            title=title,
            slug=self._free_slug(item.name, title),
            body=converted.markdown,
            status=status,
            published_at=(date or timezone.now()) if status == Post.Status.PUBLISHED else None,
            category=category,
        )
        post.save()
        post.tags.set(self._tags_of(item) + extra_tags)
        changes = {}
        if date is not None:
            changes["created_at"] = date
        excerpt = _plain(item.excerpt)
        if excerpt:
            changes["excerpt"] = excerpt  # WordPress's own excerpt; the next edit derives one again
        if changes:
            Post.objects.filter(pk=post.pk).update(**changes)
        ImportedItem.objects.create(
            course=self.course, kind=ImportedItem.Kind.POST, key=key, object_id=post.pk
        )
        self.report.imported[kind] += 1
        self._comments(item, post, key)

    def _free_slug(self, wp_slug: str, title: str) -> str:
        base = (slugify(unquote(wp_slug or "")) or slugify(title) or "post")[:200].strip("-") or "post"
        slug, n = base, 2
        while slug in self.slugs:
            slug, n = f"{base}-{n}", n + 1
        self.slugs.add(slug)
        return slug

    def _categories_of(self, item: Item, *, page: bool) -> tuple[Category, list[Tag]]:
        by_slug = self.declared_categories
        found = []
        for term in item.terms:
            if term.domain != "category" or not (term.slug or term.name):
                continue
            wp_slug = term.slug or slugify(term.name)
            declared = by_slug.get(wp_slug)
            name = self._category_name(declared, by_slug) if declared else _plain(term.name)
            found.append((wp_slug, name))
        if page:
            category = self._pages_category()
            rest = found
        elif found:
            category = self._category(*found[0])
            rest = found[1:]
        else:
            category = default_category(self.course)
            rest = []
        extra = [self._tag(wp_slug, name.rpartition(CATEGORY_SEPARATOR)[2]) for wp_slug, name in rest]
        return category, extra

    def _pages_category(self) -> Category:
        return self._category("\x00pages", PAGES_CATEGORY)  # a key no WordPress slug can be

    def _tags_of(self, item: Item) -> list[Tag]:
        tags = []
        for term in item.terms:
            if term.domain == "post_tag" and (term.slug or term.name):
                tag = self._tag(term.slug or slugify(term.name), term.name)
                if tag not in tags:
                    tags.append(tag)
        return tags

    # --- comments ---

    def _comments(self, item: Item, post: Post, post_key: str) -> None:
        if not item.comments:
            return
        for position, wp_comment in enumerate(item.comments):
            wp_comment.id = wp_comment.id or f"n{position}"  # a file without comment ids: their order
        keys = {c.id: _key(f"{post_key}#comment-{c.id}") for c in item.comments}
        existing = dict(
            ImportedItem.objects.filter(
                course=self.course, kind=ImportedItem.Kind.COMMENT, key__in=list(keys.values())
            ).values_list("key", "object_id")
        )
        ours = {c.pk: c for c in Comment.objects.filter(pk__in=existing.values(), post=post)}
        made: dict[str, Comment] = {}  # WordPress id -> comment (old or new)
        for wp_id, key in keys.items():
            if key in existing and existing[key] in ours:
                made[wp_id] = ours[existing[key]]
        by_id = {c.id: c for c in item.comments}
        max_depth = self.course.max_comment_depth
        levels: dict[int, list[tuple[Comment, str, datetime.datetime | None]]] = defaultdict(list)
        flattened = 0
        for wp_comment in self._parents_first(item.comments, by_id):
            if wp_comment.id in made and keys[wp_comment.id] in existing:
                self.report.skip("comments", _("already imported"))
                continue
            if wp_comment.type in ("pingback", "trackback"):
                self.report.skip("comments", _("pingbacks and trackbacks are not imported"))
                continue
            if wp_comment.type not in ("", "comment"):
                self.report.skip(
                    "comments", _("comment type %(type)s is not imported") % {"type": wp_comment.type}
                )
                continue
            body = wordpress_to_markdown(wp_comment.content, images=False).markdown
            if not body.strip():
                self.report.skip("comments", _("no text"))
                continue
            if len(body) > BODY_MAX_CHARS:
                body = body[: BODY_MAX_CHARS - 1] + "…"
                self.report.notes.append(
                    ngettext(
                        "A comment on “%(title)s” was cut to %(count)s characters.",
                        "A comment on “%(title)s” was cut to %(count)s characters.",
                        BODY_MAX_CHARS,
                    )
                    % {"title": post.title, "count": BODY_MAX_CHARS}
                )
            parent = made.get(wp_comment.parent) if wp_comment.parent not in ("", "0") else None
            if parent is not None and parent.depth >= max_depth:
                flattened += 1
                while parent.depth >= max_depth:
                    parent = parent.parent
            author = self._commenter(wp_comment)
            comment = Comment(
                post=post,
                author=author,
                guest_name="" if author else (_plain(wp_comment.author) or "Anonymous")[:GUEST_NAME_MAX],
                guest_email="" if author else _valid_email(wp_comment.author_email),
                parent=parent,
                depth=parent.depth + 1 if parent else 1,
                body=body,
                status=_COMMENT_STATUS.get(wp_comment.approved, Comment.Status.PENDING),
            )
            comment.render_body()
            made[wp_comment.id] = comment
            date = _date(wp_comment.date_gmt, wp_comment.date, self.course.tz)
            levels[comment.depth].append((comment, keys[wp_comment.id], date))
        if flattened:
            # English says "repl(ies)" whatever the number; languages with plural forms choose one.
            self.report.notes.append(
                ngettext(
                    "%(count)s repl(ies) on “%(title)s” were deeper than the course's %(depth)s levels: "
                    "attached at the deepest level.",
                    "%(count)s repl(ies) on “%(title)s” were deeper than the course's %(depth)s levels: "
                    "attached at the deepest level.",
                    flattened,
                )
                % {"count": flattened, "title": post.title, "depth": max_depth}
            )
        new = []
        for depth in sorted(levels):
            rows = levels[depth]
            for comment, _k, _d in rows:
                comment.parent_id = comment.parent.pk if comment.parent else None
            Comment.objects.bulk_create([comment for comment, _k, _d in rows])
            new.extend(rows)
        if not new:
            return
        dated = []
        for comment, _k, date in new:
            if date is not None:
                comment.created_at = date
                dated.append(comment)
        Comment.objects.bulk_update(dated, ["created_at"], batch_size=500)
        ImportedItem.objects.bulk_create(
            [
                ImportedItem(course=self.course, kind=ImportedItem.Kind.COMMENT, key=key, object_id=c.pk)
                for c, key, _d in new
            ]
        )
        self.report.imported["comments"] += len(new)
        recount(post=post)
        self.touched_posts.append(post)

    @staticmethod
    def _parents_first(comments, by_id):
        """The comments with every parent before its replies (files usually are; not always)."""
        ordered, placed, visiting = [], set(), set()

        def place(comment):
            if comment.id in placed or comment.id in visiting:
                return
            visiting.add(comment.id)
            parent = by_id.get(comment.parent)
            if parent is not None and parent is not comment:
                place(parent)
            visiting.discard(comment.id)
            placed.add(comment.id)
            ordered.append(comment)

        for comment in comments:
            place(comment)
        return ordered

    def _commenter(self, wp_comment):
        """The account of a commenter who is an author of the file or a member of the course, or None."""
        if wp_comment.user_id not in ("", "0") and wp_comment.user_id in self.users_by_wp_id:
            return self.users_by_wp_id[wp_comment.user_id]
        email = _valid_email(wp_comment.author_email).lower()
        return self.commenters.get(email) if email else None

    # --- the end ---

    def finish(self) -> None:
        if self.touched_posts:
            # Comments were written in bulk (no signals): their search entries and mentions at once.
            index.rebuild(courses=[self.course])
            mentions_rebuild(courses=[self.course])
        slug = self.course.slug
        transaction.on_commit(lambda: bump_course_version(slug))
        new_accounts, invitations, course = list(self.new_accounts), list(self.invitations), self.course
        if new_accounts:
            transaction.on_commit(lambda: send_invitations(course=course, users=new_accounts), robust=True)
        if invitations:
            transaction.on_commit(lambda: invitations_send(invitations=invitations), robust=True)
        if not self.dry_run and self.survey.items == 0:
            self.report.notes.append(_("The file has no items (posts, pages or attachments)."))

    def discard_files(self) -> None:
        """Files stored before the transaction failed: nothing points at them any more."""
        for name in self.stored_files:
            # A leftover file is harmless; the error that stopped the import is what matters.
            with contextlib.suppress(Exception):
                default_storage.delete(name)
