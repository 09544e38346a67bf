"""The editor's part of revisions (posts/editor.py explains the hook).

A hidden field carries the version the window last saw and the window's id
("12.3f9c..."); autosave.js keeps it current after each autosave. A save from a
stale window is a form error on that field, drawn with the other version's
text beside the writer's own (templates/revisions/includes/_editor.html); the
refused page carries the current version, so pressing Update again keeps the
writer's text. Each accepted save is recorded as a revision.
"""

import uuid

from django import forms
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.models import Membership
from courses.permissions import is_instructor, is_member
from posts import editor

from . import services
from .models import Revision

FIELD = "revision_marker"
STALE_MESSAGE = gettext_lazy(
    "This post was changed in another window since you opened this one. Both versions are shown below: "
    "press the button again to keep yours, or take the other one."
)


class MarkerField(forms.CharField):
    """The marker; refuses it when a newer version came from another window."""

    widget = forms.HiddenInput

    def __init__(self, *args, post, **kwargs):
        self.post = post
        self.conflict: Revision | None = None
        self.conflict_label = ""
        super().__init__(*args, **kwargs)

    def validate(self, value):
        super().validate(value)
        if not value:
            return  # a form sent without the editor's script or template (older pages, tests): no check
        marker = services.Marker.parse(value)
        if marker is None:
            raise forms.ValidationError(
                _("The editor's version mark was damaged. Reload the page: your text is kept.")
            )
        if self.post is None:
            return
        try:
            services.check_fresh(post=self.post, marker=marker)
        except services.StaleVersion as stale:
            self.conflict = stale.newest
            self.conflict_label = saved_label(self.post.course, stale.newest)
            raise forms.ValidationError(STALE_MESSAGE, code="stale") from None


def clock(course, moment) -> str:
    """ "10:42" in the course's zone, with the day when it is not today there."""
    here, today = moment.astimezone(course.tz), timezone.now().astimezone(course.tz)
    return dateformat.format(here, "H:i" if here.date() == today.date() else "j E Y, H:i")


def saved_label(course, revision) -> str:
    """ "10:42 by K. Peters": when and by whom (their name in the course)."""
    who = _("a deleted account")
    if revision.saved_by is not None:
        name = (
            Membership.objects.filter(course=course, user=revision.saved_by)
            .values_list("display_name", flat=True)
            .first()
        )
        who = name or revision.saved_by.username
    return _("%(time)s by %(name)s") % {"time": clock(course, revision.saved_at), "name": who}


def storage_key(course, post) -> str:
    """The localStorage key of the editor's copy: per course and post ("new" before the first save)."""
    return f"coursesite:autosave:{course.slug}:{post.pk if post is not None else 'new'}"


class EditorState:
    """What the editor's templates and script need, kept on the form."""

    def __init__(self, *, course, post, newest, window, user):
        self.course, self.post, self.newest, self.window = course, post, newest, window
        self.version = newest.version if newest else 0
        self.may_see_revisions = post is not None and (
            post.author_id == user.pk or is_instructor(user, course)
        )
        if post is None:
            self.autosave_url = reverse("revisions:autosave-new", kwargs={"course_slug": course.slug})
        else:
            self.autosave_url = reverse(
                "revisions:autosave", kwargs={"course_slug": course.slug, "slug": post.slug}
            )
        self.storage_key = storage_key(course, post)

    @property
    def marker(self) -> str:
        return str(services.Marker(self.version, self.window))

    @property
    def pending(self) -> Revision | None:
        """The newest revision when it holds words the form does not: an autosave not yet published."""
        if self.newest is None or self.post is None or not self.newest.is_pending:
            return None
        if (self.newest.title, self.newest.body) == (self.post.title, self.post.body):
            return None
        return self.newest

    @property
    def newest_label(self) -> str:
        return clock(self.course, self.newest.saved_at) if self.newest else ""

    @property
    def script_data(self) -> dict:
        """What autosave.js reads (json_script: no inline script, which the CSP forbids)."""
        pending = self.pending
        return {
            "autosave_url": self.autosave_url,
            "storage_key": self.storage_key,
            "is_new": self.post is None,
            "is_published": self.post is not None and self.post.is_published,
            "server_now": timezone.now().isoformat(),
            "newest_saved_at": self.newest.saved_at.isoformat() if self.newest else None,
            "pending": (
                {"title": pending.title, "body": pending.body, "saved_at": pending.saved_at.isoformat()}
                if pending
                else None
            ),
            "version": self.version,
        }

    @property
    def revisions_url(self) -> str:
        return reverse("revisions:list", kwargs={"course_slug": self.course.slug, "slug": self.post.slug})


class RevisionsExtension(editor.EditorExtension):
    template_name = "revisions/includes/_editor.html"

    def add_fields(self, form, *, course, post, user, query) -> None:
        if not is_member(user, course):
            return
        newest = services.newest_of(post)
        submitted = services.Marker.parse(form.data.get(FIELD, "")) if form.is_bound else None
        # The same window keeps its id across a refused save, so its own autosaves stay its own.
        window = submitted.window if submitted else uuid.uuid4().hex
        form.fields[FIELD] = MarkerField(post=post, required=False, max_length=50)
        state = EditorState(course=course, post=post, newest=newest, window=window, user=user)
        form.fields[FIELD].initial = state.marker
        form.revisions = state
        # The text before this save: the first revision of a post written before revisions were kept.
        form.revisions_before = (post.title, post.body, post.updated_at) if post is not None else None
        form.revisions_was_published = post is not None and post.is_published

    def saved(self, form, post, *, user) -> None:
        if FIELD not in form.fields:
            return
        marker = services.Marker.parse(form.cleaned_data.get(FIELD) or "")
        before = form.revisions_before
        services.revision_record(
            post=post,
            user=user,
            kind=Revision.Kind.SAVED,
            window=marker.window if marker else "",
            edits_published=(
                form.revisions_was_published
                and post.is_published
                and before is not None
                and before[:2] != (post.title, post.body)
            ),
            before=before,
        )


editor.register(RevisionsExtension())
