"""Giving and revoking awards. The post page, the admin and the demo all come through here."""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import mail
from courses import permissions as course_permissions
from courses.models import Membership

from .models import Award, AwardType
from .permissions import AwardRefused, check_can_give, check_can_revoke

logger = logging.getLogger(__name__)

NOTE_MAX_CHARS = 500


def award_grant(
    *, post, award_type: AwardType, by, note: str = "", note_public: bool = False, notify: bool = True
) -> Award:
    """Give `award_type` to `post`. Raises AwardRefused (a 403) when the rules forbid it.

    `notify=False` is for recorded history (the demo), where nobody should be emailed now.
    """
    check_can_give(by, post=post, award_type=award_type)
    note = note.strip()
    if len(note) > NOTE_MAX_CHARS:
        raise ValidationError(_("Keep the note under %(most)s characters.") % {"most": NOTE_MAX_CHARS})
    already = AwardRefused(_("This post already has the “%(award)s”.") % {"award": award_type.name})
    if Award.objects.active().filter(post=post, award_type=award_type).exists():
        raise already
    try:
        with transaction.atomic():
            award = Award.objects.create(
                post=post, award_type=award_type, given_by=by, note=note, note_public=note_public
            )
    except IntegrityError:
        raise already from None  # another editor gave it a moment ago
    # After commit, so a rolled-back award sends nothing; robust, so a mail
    # server failure is logged instead of failing a request that has already succeeded.
    if notify:
        transaction.on_commit(lambda: _email_author(award), robust=True)
    return award


def award_grant_by_vote(*, post, award_type: AwardType, recorded_by, notify: bool = True) -> Award | None:
    """Give a vote-given award type (Students' Choice) to the post the class chose.

    The class gives it, so no editorial rule applies but these: the type is one
    given by vote, of the post's course, and the post is live. `recorded_by` is
    who closed the vote (an instructor, or the course's first instructor when the
    week ended by itself); the row needs someone. None if the post has it already,
    so closing twice gives nothing twice. The author is emailed (unless
    `notify=False`: recorded history, as in the demo).
    """
    if not award_type.given_by_vote:
        raise AwardRefused(_("The “%(award)s” is not given by vote.") % {"award": award_type.name})
    if award_type.course_id != post.course_id:
        raise AwardRefused(_("This award belongs to another course."))
    if not post.is_live:
        raise AwardRefused(_("Only published posts can be awarded."))
    if Award.objects.active().filter(post=post, award_type=award_type).exists():
        return None
    try:
        with transaction.atomic():
            award = Award.objects.create(post=post, award_type=award_type, given_by=recorded_by)
    except IntegrityError:
        return None  # given a moment ago by a close running beside this one
    if notify:
        transaction.on_commit(lambda: _email_author(award), robust=True)
    return award


def award_revoke(*, award: Award, by) -> Award:
    """Mark the award revoked; the row stays, with who revoked it and when."""
    check_can_revoke(by, award)
    award.revoked_at = timezone.now()
    award.revoked_by = by
    award.save(update_fields=["revoked_at", "revoked_by"])
    return award


def _email_author(award: Award) -> None:
    post = award.post
    author = post.author
    if not author.email or not course_permissions.can_read(author, post.course):
        return
    name = (
        Membership.objects.filter(course=post.course, user=author)
        .values_list("display_name", flat=True)
        .first()
        or author.username
    )
    link = settings.SITE_URL.rstrip("/") + post.get_absolute_url()
    with mail.in_language_of(author):
        subject = _("Your post was awarded a “%(award)s”") % {"award": award.award_type.name}
        lines = [
            _("Hello %(name)s,") % {"name": name},
            "",
            _("Your post “%(title)s” in %(course)s was awarded a “%(award)s”.")
            % {"title": post.title, "course": post.course.title, "award": award.award_type.name},
            _("It now carries the banner: %(banner)s") % {"banner": award.award_type.banner_text},
        ]
        if award.note:
            lines += ["", _("Why it was chosen:"), award.note]
        lines += ["", _("Read it here: %(link)s") % {"link": link}]
    mail.send(subject=subject, body="\n".join(lines), to=[author.email])
    logger.info("Award email sent for award %s", award.pk)
