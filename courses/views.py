from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.generic import ListView

from core import ratelimit

from . import permissions, services
from .forms import (
    InvitationAnswerForm,
    JoinCourseForm,
    LimitedPasswordResetForm,
    LockoutAuthenticationForm,
    SignUpForm,
)
from .models import Course, Invitation


class CourseListView(ListView):
    template_name = "courses/course_list.html"
    context_object_name = "courses"

    def get_queryset(self):
        return Course.objects.visible_to(self.request.user).order_by("title")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.user.is_authenticated:
            context["invitations"] = list(
                Invitation.objects.pending().filter(user=self.request.user).select_related("course")
            )
        return context


def sign_up(request):
    if request.user.is_authenticated:
        return redirect("courses:join")
    form = SignUpForm(request.POST or None, initial={"join_code": request.GET.get("code", "")})
    # Every attempt counts, before anything is checked: a wrong join code or a taken
    # username is an answer too, and answers come at the sign-up limit's pace.
    if request.method == "POST" and _sign_up_allowed(request, form) and form.is_valid():
        try:
            user, membership = services.user_sign_up(
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                join_code=form.cleaned_data["join_code"],
                display_name=form.cleaned_data["display_name"],
                language=request.LANGUAGE_CODE,  # the language they signed up in: their emails' too
            )
        except services.JoinError as refusal:  # the code was rotated after the form checked it
            form.add_error("join_code", str(refusal))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to %(course)s.") % {"course": membership.course.title})
            return redirect(membership.course)
    return render(request, "registration/sign_up.html", {"form": form})


def _sign_up_allowed(request, form) -> bool:
    try:
        ratelimit.hit("sign-up", f"ip:{ratelimit.client_address(request)}")
    except ratelimit.RateLimited as refusal:
        form.refuse(
            _("Too many sign-ups from your network in %(span)s. Please wait.")
            % {"span": refusal.limit.describe()}
        )
        return False
    return True


class LoginView(auth_views.LoginView):
    form_class = LockoutAuthenticationForm

    def form_valid(self, form):
        response = super().form_valid(form)
        form.throttle.succeeded(response)  # a known device and address from now on
        return response

    def get_default_redirect_url(self):
        """Without a (safe) `next`: the reader's one course, or the course list with My courses."""
        if not self.next_page:
            courses = list(Course.objects.filter(memberships__user=self.request.user).order_by("pk")[:2])
            if len(courses) == 1:
                return courses[0].get_absolute_url()
        return super().get_default_redirect_url()


class PasswordResetView(auth_views.PasswordResetView):
    form_class = LimitedPasswordResetForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


def _join_allowed(request, form) -> bool:
    """Join codes are the only gate to a members-only course: no guessing them in bulk."""
    try:
        ratelimit.hit("join", f"user:{request.user.pk}", f"ip:{ratelimit.client_address(request)}")
    except ratelimit.RateLimited as refusal:
        form.refuse(
            _("Too many tries in %(span)s. Check the code and try later.")
            % {"span": refusal.limit.describe()}
        )
        return False
    return True


@login_required
def join(request):
    form = JoinCourseForm(request.POST or None, initial={"join_code": request.GET.get("code", "")})
    if request.method == "POST" and _join_allowed(request, form) and form.is_valid():
        try:
            membership = services.course_join(
                user=request.user,
                join_code=form.cleaned_data["join_code"],
                display_name=form.cleaned_data["display_name"],
            )
        except services.JoinError as refusal:  # the code was rotated after the form checked it
            form.add_error("join_code", str(refusal))
        else:
            messages.success(
                request, _("You are a member of %(course)s.") % {"course": membership.course.title}
            )
            return redirect(membership.course)
    return render(request, "courses/join.html", {"form": form})


@require_http_methods(["GET", "POST"])
@login_required
def invitation(request, pk):
    """The invited account's page: the course, Accept and Decline. Anyone else's is a 404."""
    invitation = get_object_or_404(Invitation.objects.select_related("course"), pk=pk, user=request.user)
    bound = request.POST if request.method == "POST" else None
    form = InvitationAnswerForm(bound, initial={"display_name": invitation.display_name})
    if request.method == "POST":
        answer = request.POST.get("answer")
        if answer not in ("accept", "decline"):
            form.add_error(None, _("Choose Accept or Decline."))
        elif form.is_valid():
            return _answer_invitation(request, invitation, answer, form.cleaned_data["display_name"])
    status = 400 if form.errors else 200
    return render(request, "courses/invitation.html", {"invitation": invitation, "form": form}, status=status)


def _answer_invitation(request, invitation, answer, display_name):
    try:
        if answer == "accept":
            membership = services.invitation_accept(
                invitation=invitation, by=request.user, display_name=display_name
            )
        else:
            services.invitation_decline(invitation=invitation, by=request.user)
    except services.InvitationAnswered as answered:  # a second click, or another tab
        messages.info(request, str(answered))
        return redirect(invitation)
    if answer == "accept":
        messages.success(request, _("You are a member of %(course)s.") % {"course": membership.course.title})
        return redirect(membership.course)
    messages.info(
        request, _("You declined the invitation to %(course)s.") % {"course": invitation.course.title}
    )
    return redirect("courses:list")


@require_POST
@login_required
def rotate_join_code(request, course_slug):
    course = permissions.readable_course_or_404(request.user, course_slug)
    if not permissions.is_instructor(request.user, course):
        raise PermissionDenied(_("Only the course's instructors can change its join code."))
    code = services.course_rotate_join_code(course=course)
    messages.success(
        request, _("The new join code is %(code)s. The old one no longer works.") % {"code": code}
    )
    return redirect(course)
