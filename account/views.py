from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.generic import ListView

from core import ratelimit
from courses import consent as course_consent
from courses import permissions as course_permissions
from courses.models import PublishConsent

from . import services
from .forms import DisplayNameForm, EmailChangeForm
from .models import Notice

NOTICES_PER_PAGE = 20
# Each try sends two emails (and checks a password): a few an hour is plenty for a person.
EMAIL_CHANGE_LIMITS = (ratelimit.Limit(3600, 5),)


def _account_page(request, *, name_forms=None, email_form=None, status=200):
    """The account page; a refused form is shown in place with its text, the other forms as stored."""
    failed = name_forms or {}
    memberships = request.user.memberships.select_related("course").order_by("course__title", "course__pk")
    rows = [{"membership": m, "form": failed.get(m.pk) or DisplayNameForm(instance=m)} for m in memberships]
    context = {
        "rows": rows,
        "publishing": _publishing_rows(memberships),
        "email_form": email_form or EmailChangeForm(user=request.user),
    }
    response = render(request, "account/account.html", context, status=status)
    patch_cache_control(response, private=True, no_store=True)  # the page shows the reader's address
    return response


def _publishing_rows(memberships):
    """Consent to publish, per course where the student has a choice (issue 18): one query for the consents.

    Public courses, and a members-only course where a consent still stands (so it can be taken back).
    """
    memberships = [
        m for m in memberships if not m.is_instructor and (m.course.is_public or m.publish_consent_at)
    ]
    standing = {
        c.membership_id: c
        for c in PublishConsent.objects.filter(
            membership__in=[m.pk for m in memberships], revoked_at__isnull=True
        )
    }
    return [
        {
            "membership": m,
            "course": m.course,
            "consent": standing.get(m.pk),
            "text_digest": course_consent.text_digest(m.course.consent_text),
        }
        for m in memberships
    ]


@require_safe
@login_required
def account_home(request):
    return _account_page(request)


@require_POST
@login_required
def display_name(request, course_slug):
    course = course_permissions.readable_course_or_404(request.user, course_slug)
    membership = request.user.memberships.filter(course=course).first()
    if membership is None:
        raise PermissionDenied(_("Only members of a course have a name in it. Join it with its code."))
    form = DisplayNameForm(request.POST, instance=membership)
    if not form.is_valid():
        return _account_page(request, name_forms={membership.pk: form}, status=400)
    services.display_name_set(membership=membership, display_name=form.cleaned_data["display_name"])
    messages.success(
        request,
        _("Your name in %(course)s is now %(name)s.")
        % {"course": course.title, "name": membership.display_name},
    )
    return redirect("account:home")


@require_POST
@login_required
def email_change(request):
    form = EmailChangeForm(request.POST, user=request.user)
    identities = (f"user:{request.user.pk}", f"ip:{ratelimit.client_address(request)}")
    try:
        # Every try counts, right or wrong: the password field must not be a way to guess it.
        ratelimit.check("email-change", *identities, limits=EMAIL_CHANGE_LIMITS)
    except ratelimit.RateLimited as refusal:
        form.refuse(
            _("You asked many times in %(span)s. Please try again later.")
            % {"span": refusal.limit.describe()}
        )
        return _account_page(request, email_form=form, status=429)
    ratelimit.count("email-change", *identities, limits=EMAIL_CHANGE_LIMITS)
    if not form.is_valid():
        return _account_page(request, email_form=form, status=400)
    new_email = form.cleaned_data["email"]
    services.email_change_request(user=request.user, new_email=new_email)
    if request.user.email:
        sent = _(
            "We sent a link to %(new)s. Your address changes when you open it; until then it stays %(old)s."
        ) % {"new": new_email, "old": request.user.email}
    else:
        sent = _(
            "We sent a link to %(new)s. Your address changes when you open it; until then it stays empty."
        ) % {"new": new_email}
    messages.success(request, sent)
    return redirect("account:home")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def email_confirm(request, token):
    """The link from the email: GET asks (mail scanners open links too), POST changes the address."""
    try:
        new_email = services.read_email_change_token(token, user=request.user)
        if request.method == "POST":
            services.email_change_confirm(user=request.user, token=token)
    except services.EmailChangeRefused as refusal:
        return render(request, "account/email_confirm.html", {"refusal": str(refusal)}, status=400)
    if request.method == "POST":
        messages.success(request, _("Your email address is now %(email)s.") % {"email": new_email})
        return redirect("account:home")
    return render(request, "account/email_confirm.html", {"new_email": new_email})


class WhatsNewView(LoginRequiredMixin, ListView):
    """The reader's notices, newest first; reading them is a click each, or one for all."""

    template_name = "account/whats_new.html"
    context_object_name = "notices"
    paginate_by = NOTICES_PER_PAGE

    def get_queryset(self):
        return Notice.objects.shown_to(self.request.user).for_listing()

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        patch_cache_control(response, private=True)
        return response


@require_POST
@login_required
def notice_open(request, pk):
    """Mark one notice read and go where it leads. A POST: GETs on this site never write."""
    notice = get_object_or_404(Notice.objects.shown_to(request.user).select_related("post__course"), pk=pk)
    services.notices_mark_read(user=request.user, notice=notice)
    return redirect(notice.get_absolute_url())


@require_POST
@login_required
def notices_read(request):
    marked = services.notices_mark_read(user=request.user)
    if marked:
        messages.success(request, _("Everything is marked as read."))
    else:
        messages.info(request, _("There was nothing new to mark as read."))
    return redirect("account:whats-new")
