from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST, require_safe

from core import ratelimit
from courses import permissions as course_permissions
from posts.models import Post
from posts.views import PostDetailView

from . import permissions, services
from .forms import CommentEditForm, CommentForm, GuestCommentForm, NotificationPreferenceForm
from .models import Comment, NotificationPreference, PostMute
from .notifications import read_mute_token

User = get_user_model()


def _client_ip(request) -> str | None:
    return ratelimit.client_address(request) or None


def _visible_post(request, course_slug, post_slug) -> Post:
    """The post, or 404 if this reader may not see it (members-only course, someone's draft)."""
    course = course_permissions.readable_course_or_404(request.user, course_slug)
    # A plain post: the page shown again with a failed form loads what its article needs itself.
    post = get_object_or_404(Post.objects.visible_in(course, request.user), slug=post_slug)
    post.course = course
    return post


def _visible_comment(request, course_slug, pk) -> Comment:
    """A comment the reader may see on a post they may see; anything else is a 404."""
    course = course_permissions.readable_course_or_404(request.user, course_slug)
    comment = get_object_or_404(
        Comment.objects.select_related("post", "post__course", "author"), pk=pk, post__course=course
    )
    if not Post.objects.visible_to(request.user).filter(pk=comment.post_id).exists():
        raise Http404(_("No such comment."))
    moderator = permissions.can_moderate(request.user, course)
    if not moderator and not Comment.objects.visible_to(request.user).filter(pk=comment.pk).exists():
        raise Http404(_("No such comment."))
    return comment


def _post_page_with_form(request, post, form):
    """The post page again, the failed comment form in place with its errors and text: 400."""
    date = post.date_for_url
    view = PostDetailView()
    view.setup(
        request, course_slug=post.course.slug, year=date.year, month=date.month, day=date.day, slug=post.slug
    )
    view.course = post.course
    view.object = post
    context = view.get_context_data(object=post)
    context["comment_form"] = form
    response = view.render_to_response(context)
    response.status_code = 400
    return response


@require_POST
def comment_create(request, course_slug, post_slug):
    post = _visible_post(request, course_slug, post_slug)
    access = permissions.comment_access(request.user, post)
    if not access.allowed:
        raise PermissionDenied(access.reason)
    form = (GuestCommentForm if access.as_guest else CommentForm)(request.POST)
    if not form.is_valid():
        return _post_page_with_form(request, post, form)
    parent = None
    if form.cleaned_data["parent"]:
        parent = Comment.objects.filter(pk=form.cleaned_data["parent"], post=post).first()
        if parent is None:
            form.add_error(
                None, _("The comment you replied to is gone. Your text is kept: send it as a new comment.")
            )
            return _post_page_with_form(request, post, form)
    try:
        comment = services.comment_create(
            post=post,
            body=form.cleaned_data["body"],
            author=request.user if request.user.is_authenticated else None,
            guest_name=form.cleaned_data.get("guest_name", ""),
            guest_email=form.cleaned_data.get("guest_email", ""),
            parent=parent,
            ip_address=_client_ip(request),
        )
    except services.CommentRefused as refusal:
        form.add_error("body", str(refusal))
        return _post_page_with_form(request, post, form)
    if comment.is_pending:
        messages.info(
            request,
            _("Thank you. Your comment is awaiting moderation: it appears once an instructor approves it."),
        )
    else:
        messages.success(request, _("Your comment is posted."))
    if comment.is_guest and comment.is_pending:
        return redirect(f"{post.get_absolute_url()}#comments")
    return redirect(comment.get_absolute_url())


@login_required
def comment_edit(request, course_slug, pk):
    comment = _visible_comment(request, course_slug, pk)
    course_permissions.refuse_if_archived(comment.post.course)
    if comment.author_id != request.user.pk:
        raise PermissionDenied(_("You can edit only your own comments."))
    if not permissions.can_edit(request.user, comment):
        minutes = int(permissions.edit_window().total_seconds() // 60)
        raise PermissionDenied(
            ngettext(
                "A comment can be edited for %(minutes)s minute after it is posted.",
                "A comment can be edited for %(minutes)s minutes after it is posted.",
                minutes,
            )
            % {"minutes": minutes}
        )
    form = CommentEditForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        services.comment_edit(comment=comment, body=form.cleaned_data["body"], by=request.user)
        messages.success(request, _("Your comment is updated."))
        return redirect(comment.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "comments/comment_edit.html",
        {"form": form, "comment": comment, "post": comment.post, "course": comment.post.course},
        status=status,
    )


@require_POST
@login_required
def comment_remove(request, course_slug, pk):
    comment = _visible_comment(request, course_slug, pk)
    course_permissions.refuse_if_archived(comment.post.course)
    if not permissions.can_remove_own(request.user, comment):
        raise PermissionDenied(_("You can remove only your own comments."))
    services.comment_remove(comment=comment, by=request.user)
    messages.success(request, _("Your comment is removed."))
    return redirect(f"{comment.post.get_absolute_url()}#comments")


MODERATION_ACTIONS = {
    "approve": (services.comment_approve, gettext_lazy("The comment is approved and published.")),
    "spam": (services.comment_mark_spam, gettext_lazy("The comment is marked as spam and hidden.")),
    "remove": (services.comment_remove, gettext_lazy("The comment is removed.")),
}


@require_POST
@login_required
def comment_moderate(request, course_slug, pk):
    comment = _visible_comment(request, course_slug, pk)
    course_permissions.refuse_if_archived(comment.post.course)
    if not permissions.can_moderate(request.user, comment.post.course):
        raise PermissionDenied(_("Only the course's instructors can moderate comments."))
    action = MODERATION_ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, _("Choose approve, spam or remove."))
        return redirect(comment.get_absolute_url())
    service, message = action
    service(comment=comment, by=request.user)
    messages.success(request, message)
    return redirect(comment.get_absolute_url())


@require_safe
@login_required
def comment_history(request, course_slug, pk):
    comment = _visible_comment(request, course_slug, pk)
    if not permissions.can_moderate(request.user, comment.post.course):
        raise PermissionDenied(_("Only the course's instructors can read a comment's earlier versions."))
    return render(
        request,
        "comments/comment_history.html",
        {
            "comment": comment,
            "revisions": comment.revisions.all(),
            "post": comment.post,
            "course": comment.post.course,
        },
    )


@login_required
def notification_settings(request):
    # Reading the page must not write: an unsaved default row stands in until the first save.
    preference = NotificationPreference.objects.filter(user=request.user).first() or NotificationPreference(
        user=request.user
    )
    form = NotificationPreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your email choices are saved."))
        return redirect("comments:notification-settings")
    muted = PostMute.objects.filter(user=request.user).select_related("post", "post__course")
    return render(request, "comments/notification_settings.html", {"form": form, "muted": muted})


def mute_post(request, token):
    """The mute link in every comment email: no login needed, the signature is the proof.

    Opening the link shows one button; the click (a POST) mutes. A GET never
    changes anything, so mail scanners that open links cannot mute anybody.
    """
    try:
        user_pk, post_pk = read_mute_token(token)
    except signing.BadSignature:
        return render(request, "comments/mute.html", {"invalid": True}, status=400)
    user = get_object_or_404(User, pk=user_pk)
    post = get_object_or_404(Post.objects.select_related("course"), pk=post_pk)
    if request.method == "POST" and request.POST.get("action") == "unmute":
        PostMute.objects.filter(user=user, post=post).delete()
        state = "unmuted"
    elif request.method == "POST":
        PostMute.objects.get_or_create(user=user, post=post)
        state = "muted"
    else:
        state = "muted" if PostMute.objects.filter(user=user, post=post).exists() else "ask"
    return render(request, "comments/mute.html", {"post": post, "state": state, "token": token})
