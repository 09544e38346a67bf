"""The prompts' pages: every prompt of the course, one prompt with its responses, and accommodations.

The list and the prompt page are cached whole for anonymous readers
(coursework/urls.py), so what they show a logged-in reader (whether they
answered, their own lateness, the instructors' table and its forms) is only
drawn for that reader. Lateness is shown to the student themselves and to the
course's instructors, never to classmates.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from courses import permissions
from courses.models import Membership
from posts.models import Post, live

from .. import prompts as prompt_rules
from .. import weeks
from ..forms import AccommodationForm
from ..models import Accommodation, Prompt

READ_METHODS = ("GET", "HEAD")


def _course_context(request, course, **extra):
    return {
        "course": course,
        "membership": permissions.membership_of(request.user, course),
        "is_instructor": permissions.is_instructor(request.user, course),
        **extra,
    }


def _student_membership(request, course) -> Membership | None:
    membership = permissions.membership_of(request.user, course)
    return membership if membership is not None and not membership.is_instructor else None


def prompt_list(request, course_slug):
    """Open prompts, coming ones (to instructors: students never see a prompt before it opens), past ones."""
    course = permissions.readable_course_or_404(request.user, course_slug)
    if request.method not in READ_METHODS:  # after the course: an outsider cannot tell it exists
        return HttpResponseNotAllowed(READ_METHODS)
    now = timezone.now()
    prompts = list(prompt_rules.visible_prompts(course, request.user, now))
    for prompt in prompts:
        prompt.course = course  # its URL names the course: no query per prompt
    counts = prompt_rules.answered_counts(prompts)
    student = _student_membership(request, course)
    answered = prompt_rules.answered_by(prompts, request.user) if student else set()
    for prompt in prompts:
        prompt.answered_count = counts.get(prompt.pk, 0)
        prompt.answered_by_reader = prompt.pk in answered
    open_now = [p for p in prompts if p.opens_at <= now < p.due_at]
    coming = [p for p in prompts if p.opens_at > now]  # only instructors have any
    past = [p for p in prompts if p.due_at <= now]
    sections = [
        {"id": "open", "heading": _("Open now"), "prompts": sorted(open_now, key=lambda p: p.due_at)},
        {
            "id": "coming",
            "heading": pgettext("prompts that open later", "Coming"),
            "prompts": sorted(coming, key=lambda p: p.opens_at),
        },
        {
            "id": "past",
            "heading": pgettext("prompts already due", "Past"),
            "prompts": sorted(past, key=lambda p: p.due_at, reverse=True),
        },
    ]
    context = _course_context(
        request,
        course,
        sections=[section for section in sections if section["prompts"]],
        is_student=student is not None,
    )
    return render(request, "coursework/prompt_list.html", context)


def _visible_prompt_or_404(request, course, slug) -> Prompt:
    """The prompt, or 404: before it opens, it exists for the course's instructors only."""
    prompt = get_object_or_404(prompt_rules.visible_prompts(course, request.user), slug=slug)
    prompt.course = course
    return prompt


def prompt_detail(request, course_slug, slug):
    course = permissions.readable_course_or_404(request.user, course_slug)
    prompt = _visible_prompt_or_404(request, course, slug)
    if request.method not in READ_METHODS:
        return HttpResponseNotAllowed(READ_METHODS)
    return _render_prompt(request, course, prompt)


def _responses(course, prompt, reader):
    """The prompt's live responses the reader may see, oldest first, with their authors' names (one query).

    Readers who are not members see consenting authors' responses only (issue 18).
    """
    names = Membership.objects.filter(course=course, user=OuterRef("author")).order_by()
    return list(
        Post.objects.listed_in(course, reader)
        .filter(prompt_response__prompt=prompt)
        .select_related("course", "author")
        .annotate(author_display_name=Subquery(names.values("display_name")[:1]))
        .defer("body", "body_html")
        .order_by("published_at", "pk")
    )


def _own_part(request, course, prompt, membership, responses, now) -> dict:
    """What the page tells the student about their own response: for their eyes only (two queries)."""
    accommodation = Accommodation.objects.filter(prompt=prompt, member=membership).first()
    due = prompt_rules.due_for(prompt, accommodation)
    excused = accommodation is not None and accommodation.excused
    own = [post for post in responses if post.author_id == request.user.pk]
    for post in own:
        post.mark = prompt_rules.lateness(due, post.published_at, excused=excused)
        post.is_late = not excused and post.published_at > due
    drafts = list(
        Post.objects.filter(course=course, author=request.user, prompt_response__prompt=prompt)
        .exclude(live())
        .select_related("course")
        .defer("body", "body_html")
        .order_by("-updated_at")
    )
    return {
        "own_responses": own,
        "own_drafts": drafts,
        "own_accommodation": accommodation,
        "own_due": due,
        "own_standing": prompt_rules.standing(
            prompt, own[0].published_at if own else None, accommodation, now
        ),
    }


def _instructors_part(course, prompt, now, refused: AccommodationForm | None) -> dict:
    """Every student's standing with a form to excuse or extend each (three queries, whatever the class)."""
    students_qs = Membership.objects.students().filter(course=course)
    students = list(students_qs.order_by("display_name", "pk"))
    rows = prompt_rules.standings(prompt, students, now)
    refused_member = refused.cleaned_data.get("member") if refused is not None else None
    for row in rows:
        if refused_member is not None and refused_member.pk == row.member_id:
            row.form = refused
            continue
        extended = row.accommodation.due_at if row.accommodation and not row.accommodation.excused else None
        row.form = AccommodationForm(
            prompt=prompt,
            students=students_qs,
            initial={
                "member": row.member_id,
                "due_at": extended,
                "reason": getattr(row.accommodation, "reason", ""),
            },
            auto_id=f"id_student{row.member_id}_%s",
        )
    return {
        "standings": rows,
        # A refusal that names no student of the table is shown above it.
        "refused_elsewhere": refused if refused is not None and refused_member is None else None,
    }


def _render_prompt(request, course, prompt, *, refused: AccommodationForm | None = None, status=200):
    now = timezone.now()
    responses = _responses(course, prompt, request.user)
    context = _course_context(
        request,
        course,
        prompt=prompt,
        responses=responses,
        answered_count=len({post.author_id for post in responses}),
        is_open=prompt.opens_at <= now < prompt.due_at,
        has_opened=prompt.opens_at <= now,
        is_past=prompt.due_at <= now,
        is_student=False,
    )
    student = _student_membership(request, course)
    if student is not None:
        context["is_student"] = True
        context.update(_own_part(request, course, prompt, student, responses, now))
    if context["is_instructor"]:
        context.update(_instructors_part(course, prompt, now, refused))
    return render(request, "coursework/prompt_detail.html", context, status=status)


@require_POST
@login_required
def accommodation_save(request, course_slug, slug):
    """Excuse one student, extend their due time (typed in the course's zone), or undo either."""
    course = permissions.readable_course_or_404(request.user, course_slug)
    prompt = _visible_prompt_or_404(request, course, slug)
    permissions.refuse_if_archived(course)
    if not permissions.is_instructor(request.user, course):
        raise PermissionDenied(_("Only the course's instructors can excuse a student or extend a due time."))
    raw_member = request.POST.get("member", "")
    form = AccommodationForm(
        request.POST,
        prompt=prompt,
        students=Membership.objects.students().filter(course=course),
        auto_id=f"id_student{raw_member}_%s" if raw_member.isdigit() else "id_refused_%s",
    )
    if form.is_valid():
        member, action = form.cleaned_data["member"], form.cleaned_data["action"]
        try:
            message = _accommodate(request, prompt, member, action, form.cleaned_data)
        except prompt_rules.AccommodationRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, message)
            return redirect(f"{prompt.get_absolute_url()}#student-{member.pk}")
    return _render_prompt(request, course, prompt, refused=form, status=400)


def _accommodate(request, prompt, member, action, cleaned) -> str:
    names = {"name": member.display_name, "title": prompt.title}
    if action == AccommodationForm.EXCUSE:
        prompt_rules.accommodation_grant(
            prompt=prompt, member=member, by=request.user, excused=True, reason=cleaned["reason"]
        )
        return _("%(name)s is excused from “%(title)s”.") % names
    if action == AccommodationForm.EXTEND:
        granted = prompt_rules.accommodation_grant(
            prompt=prompt, member=member, by=request.user, due_at=cleaned["due_at"], reason=cleaned["reason"]
        )
        when = weeks.label(prompt.course, granted.due_at)
        return _("%(name)s's due time for “%(title)s” is now %(when)s.") % {**names, "when": when}
    if prompt_rules.accommodation_remove(prompt=prompt, member=member):
        return _("%(name)s is back to the prompt's own due time.") % names
    return _("%(name)s had no exception for this prompt: nothing changed.") % names
