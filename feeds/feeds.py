"""The feeds of a course, in Atom 1.0 and RSS 2.0 (django.contrib.syndication).

Each feed follows one page of a course: its posts, a category, a tag, an author,
the hall of fame (or one award type of it), a post's comments, the course's
comments, its digests. What a feed lists is the same for every reader: live
posts, approved comments on live posts, published digests; never a draft, even
to its author. Entries are the 20 newest, newest first, with the full
sanitised text, absolute links and the course's display names (never a
username or an email address).

A feed is built per request (`CourseFeed(course=..., format=...)`): the course
and the format belong to the request, so nothing is shared between threads.

A public course's feeds at its own address are for the world: they list what
anyone may read (posts.models.public(): consenting authors only, issue 18). A
members-only course's feeds, and a member's private link, list every live post.
"""

from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.db.models import OuterRef, Prefetch, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.formats import date_format
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from awards.models import Award, AwardType
from comments.models import Comment, membership_of_author
from courses.models import Course, Membership
from coursework.models import Digest, DigestFeature
from posts.models import Category, Post, Tag, live, public

from .content import absolute, tag_uri, with_absolute_urls

ITEMS = 20
FORMER_MEMBER = gettext_noop("A former member")  # a post or comment whose author has left the course


class AtomFeed(Atom1Feed):
    """Atom with the full text in <content>, and the post's excerpt (if any) as <summary>.

    Django's Atom1Feed puts the description in <summary>, which readers take for a teaser.
    """

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": item.get("summary")})
        handler.addQuickElement("content", item["description"], {"type": "html"})


FORMATS = {"atom": AtomFeed, "rss": Rss201rev2Feed}
CONTENT_TYPES = {"atom": "application/atom+xml", "rss": "application/rss+xml"}


class Moved(Exception):
    """The feed lives at another address (a post's date in the URL is not its date): redirect there."""

    def __init__(self, **kwargs):
        super().__init__(kwargs)
        self.kwargs = kwargs


@dataclass(frozen=True)
class Subject:
    """What a feed follows: its title and its page's absolute address."""

    title: str
    page_url: str


class CourseFeed(Feed):
    """A feed of one course; subclasses say what it follows (get_object) and what it lists (items)."""

    def __init__(self, *, course: Course, format: str, feed_url: str, members: bool = False):
        self.course = course
        self.members = members  # the reader is a member: every live post, not only public() ones
        self.feed_type = FORMATS[format]
        self._feed_url = feed_url

    def title(self, subject):
        return subject.title

    def link(self, subject):
        return subject.page_url

    def feed_url(self, subject):
        return self._feed_url

    def description(self, subject):  # RSS requires one; Atom leaves it out
        return self.course.description or str(self.course)

    def subtitle(self, subject):
        return self.course.description or None

    # Titles are text: Django escapes them by default for RSS readers that read titles as
    # HTML, which makes feedparser (and Atom, where a title is text) show "&amp;".
    def item_title(self, item):
        return str(item)

    item_guid_is_permalink = False


def live_posts(feed):
    """The posts a feed may list: every live one for members, else only what anyone may read."""
    return Post.objects.published() if feed.members else Post.objects.public()


def live_through(feed, through: str):
    """live_posts() as a filter of another model by its post."""
    return live(through) if feed.members else public(through)


# --- posts ---


class PostsFeed(CourseFeed):
    """Live posts of the course, narrowed by posts(); newest first."""

    def posts(self, subject):
        return live_posts(self).filter(course=self.course)

    def items(self, subject):
        posts = self.posts(subject).for_listing().order_by("-published_at", "-pk")
        return list(posts[:ITEMS])

    def item_title(self, post):
        return post.title

    def item_link(self, post):
        return absolute(post.get_absolute_url())

    def item_description(self, post):
        return with_absolute_urls(post.body_html, self.item_link(post))

    def item_extra_kwargs(self, post):
        return {"summary": escape(post.excerpt) if post.excerpt else None}

    def item_author_name(self, post):
        return post.author_display_name or _(FORMER_MEMBER)

    def item_pubdate(self, post):
        return post.published_at

    def item_updateddate(self, post):
        # A post scheduled ahead was saved before it went live: it cannot be updated before it appeared.
        return max(post.updated_at, post.published_at)

    def item_guid(self, post):
        return tag_uri("post", post.pk, post.created_at)

    def item_categories(self, post):
        return [post.category.name, *(tag.name for tag in post.tags.all())]


class CoursePostsFeed(PostsFeed):
    @staticmethod
    def title_for(course):
        return _("%(course)s: posts") % {"course": course.title}

    def get_object(self, request):
        return Subject(self.title_for(self.course), absolute(self.course.get_absolute_url()))


class CategoryFeed(PostsFeed):
    @staticmethod
    def title_for(course, category):
        return f"{course.title}: {category.name}"

    def get_object(self, request, slug):
        self.category = get_object_or_404(Category, course=self.course, slug=slug)
        self.category.course = self.course
        return Subject(self.title_for(self.course, self.category), absolute(self.category.get_absolute_url()))

    def posts(self, subject):
        return super().posts(subject).filter(category=self.category)


class TagFeed(PostsFeed):
    @staticmethod
    def title_for(course, tag):
        return _("%(course)s: posts tagged “%(tag)s”") % {"course": course.title, "tag": tag.name}

    def get_object(self, request, slug):
        self.tag = get_object_or_404(Tag, course=self.course, slug=slug)
        self.tag.course = self.course
        return Subject(self.title_for(self.course, self.tag), absolute(self.tag.get_absolute_url()))

    def posts(self, subject):
        return super().posts(subject).filter(tags=self.tag)


class AuthorFeed(PostsFeed):
    @staticmethod
    def title_for(course, membership):
        return _("%(course)s: posts by %(author)s") % {
            "course": course.title,
            "author": membership.display_name,
        }

    def get_object(self, request, author_slug):
        self.membership = get_object_or_404(Membership, course=self.course, author_slug=author_slug)
        if not (self.members or self.membership.shown_to_world):
            raise Http404(
                _("No such author.")
            )  # as the author's page: a student without consent is not public
        self.membership.course = self.course
        return Subject(
            self.title_for(self.course, self.membership), absolute(self.membership.get_absolute_url())
        )

    def posts(self, subject):
        return super().posts(subject).filter(author_id=self.membership.user_id)


class AwardFeed(PostsFeed):
    """The hall of fame: posts holding a standing award (of one type, given a slug), newest first,
    as the hall of fame lists them."""

    @staticmethod
    def title_for(course, award_type=None):
        if award_type:
            return f"{course.title}: {award_type.name}"
        return _("%(course)s: hall of fame") % {"course": course.title}

    def get_object(self, request, slug=None):
        self.award_type = None
        url = reverse("awards:hall-of-fame", kwargs={"course_slug": self.course.slug})
        if slug is not None:
            self.award_type = get_object_or_404(AwardType, course=self.course, slug=slug)
            self.award_type.course = self.course
            url = self.award_type.get_absolute_url()
        return Subject(self.title_for(self.course, self.award_type), absolute(url))

    def posts(self, subject):
        awards = Award.objects.in_hall_of_fame(self.course)
        if self.award_type is not None:
            awards = awards.filter(award_type=self.award_type)
        return super().posts(subject).filter(pk__in=awards.values("post"))

    def item_description(self, post):
        body = super().item_description(post)
        if self.award_type is None:
            return body
        return format_html("<p><strong>{}</strong></p>{}", self.award_type.banner_text, _stored_html(body))


def _stored_html(html: str) -> SafeString:
    """HTML that came out of the pipeline (stored body_html) and with_absolute_urls, for format_html."""
    return SafeString(html)


# --- comments ---


class CommentsFeed(CourseFeed):
    """Approved comments, narrowed by comments(); newest first."""

    def comments(self, subject):
        raise NotImplementedError

    def items(self, subject):
        comments = (
            self.comments(subject)
            .select_related("post__course")
            .annotate(author_display_name=membership_of_author("display_name"))
            .order_by("-created_at", "-pk")
        )
        return list(comments[:ITEMS])

    def item_title(self, comment):
        return _("%(author)s on “%(title)s”") % {
            "author": self.item_author_name(comment),
            "title": comment.post.title,
        }

    def item_link(self, comment):
        return absolute(comment.get_absolute_url())

    def item_description(self, comment):
        return with_absolute_urls(comment.body_html, absolute(comment.post.get_absolute_url()))

    def item_author_name(self, comment):
        if comment.is_guest:
            return comment.guest_name  # the name the guest gave; never their email
        return comment.author_display_name or _(FORMER_MEMBER)

    def item_pubdate(self, comment):
        return comment.created_at

    def item_updateddate(self, comment):
        return comment.edited_at or comment.created_at

    def item_guid(self, comment):
        return tag_uri("comment", comment.pk, comment.created_at)


class PostCommentsFeed(CommentsFeed):
    @staticmethod
    def title_for(post):
        return _("Comments on “%(title)s”") % {"title": post.title}

    def get_object(self, request, year, month, day, slug):
        post = live_posts(self).filter(course=self.course, slug=slug).first()
        if post is None:
            raise Http404(_("No such post."))
        post.course = self.course
        date = post.date_for_url
        if (year, month, day) != (date.year, date.month, date.day):
            # The post was published again on another day: its feed moved with it.
            raise Moved(year=date.year, month=date.month, day=date.day, slug=post.slug)
        self.post = post
        return Subject(self.title_for(post), absolute(post.get_absolute_url()))

    def comments(self, subject):
        return Comment.objects.approved().filter(post=self.post)


class CourseCommentsFeed(CommentsFeed):
    @staticmethod
    def title_for(course):
        return _("%(course)s: comments") % {"course": course.title}

    def get_object(self, request):
        return Subject(self.title_for(self.course), absolute(self.course.get_absolute_url()))

    def comments(self, subject):
        return Comment.objects.approved().filter(live_through(self, "post__"), post__course=self.course)


# --- digests ---


def _featured_author_name():
    memberships = Membership.objects.filter(course=OuterRef("post__course"), user=OuterRef("post__author"))
    return Subquery(memberships.order_by().values("display_name")[:1])


def _by_author_template() -> str:
    """The translated "<title> by <author>" as a format_html template, in the translator's word order."""
    sentence = escape(_("%(title)s by %(author)s")).replace("{", "{{").replace("}", "}}")
    return sentence.replace("%(title)s", "{title}").replace("%(author)s", "{author}")


class DigestsFeed(CourseFeed):
    """The course's published digests, newest first: the editors' introduction and their featured posts."""

    @staticmethod
    def title_for(course):
        return _("%(course)s: weekly digests") % {"course": course.title}

    def get_object(self, request):
        url = reverse("coursework:digests", kwargs={"course_slug": self.course.slug})
        return Subject(self.title_for(self.course), absolute(url))

    def items(self, subject):
        # A featured post that was unpublished since is left out, as everywhere else.
        features = (
            DigestFeature.objects.filter(live_through(self, "post__"))
            .select_related("post__course")
            .annotate(author_display_name=_featured_author_name())
            .order_by("position", "pk")
        )
        digests = (
            Digest.objects.filter(course=self.course, status=Digest.Status.PUBLISHED)
            .prefetch_related(Prefetch("features", queryset=features))
            .order_by("-published_at", "-pk")
        )
        digests = list(digests[:ITEMS])
        for digest in digests:
            digest.course = self.course
        return digests

    def item_title(self, digest):
        return _("Week of %(date)s") % {"date": date_format(digest.week, "DATE_FORMAT")}

    def item_link(self, digest):
        return absolute(digest.get_absolute_url())

    def item_description(self, digest):
        introduction = _stored_html(with_absolute_urls(digest.introduction_html, self.item_link(digest)))
        features = digest.features.all()
        if not features:
            return introduction
        # "<title> by <author>": the link is placed into the translated sentence, escaped by format_html.
        featured = format_html_join(
            "",
            "<li>{}</li>",
            (
                (
                    format_html(
                        _by_author_template(),
                        title=format_html(
                            '<a href="{}">{}</a>', absolute(f.post.get_absolute_url()), f.post.title
                        ),
                        author=f.author_display_name or _(FORMER_MEMBER),
                    ),
                )
                for f in features
            ),
        )
        return format_html("{}<h2>{}</h2><ul>{}</ul>", introduction, _("Featured posts"), featured)

    def item_author_name(self, digest):
        return _("The editorial team")

    def item_pubdate(self, digest):
        return digest.published_at

    def item_updateddate(self, digest):
        return max(digest.updated_at, digest.published_at)

    def item_guid(self, digest):
        return tag_uri("digest", digest.pk, digest.week)


# The URL kinds (feeds/urls.py) and the feed serving each.
KINDS = {
    "posts": CoursePostsFeed,
    "category": CategoryFeed,
    "tag": TagFeed,
    "author": AuthorFeed,
    "hall-of-fame": AwardFeed,
    "award": AwardFeed,
    "post-comments": PostCommentsFeed,
    "comments": CourseCommentsFeed,
    "digests": DigestsFeed,
}
