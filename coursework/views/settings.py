"""Which emails of the week a user gets: a new prompt opening, the weekly digest."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ..forms import WeekEmailPreferenceForm
from ..models import WeekEmailPreference


@login_required
def email_settings(request):
    # Reading the page must not write: an unsaved default row (everything on) stands in until the first save.
    preference = WeekEmailPreference.objects.filter(user=request.user).first() or WeekEmailPreference(
        user=request.user
    )
    # Not `request.POST or None`: a form with both boxes cleared still means "save".
    form = WeekEmailPreferenceForm(request.POST if request.method == "POST" else None, instance=preference)
    if form.is_bound and form.is_valid():
        form.save()
        messages.success(request, _("Your email choices are saved."))
        return redirect("coursework:email-settings")
    status = 400 if form.is_bound else 200
    return render(request, "coursework/email_settings.html", {"form": form}, status=status)
