import calendar
import contextlib
import datetime
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView

from core import ratelimit
from core.cache import cached_row
from core.cache import is_enabled as cache_is_enabled
from core.cpu_budget import CpuBudgetExceeded, cpu_time_limit
from core.request_body import accepts_files, upload_refusal
from courses import permissions
from courses.models import Membership

from . import editor, services
from .forms import SCHEDULE, TOOLBAR, PostForm, course_time
from .images import (
    ImageDetailsForm,
    ImageRejected,
    clean_image,
    image_store,
    missing_source_warning,
    too_large_message,
)
from .markdown import render_post_markdown
from .models import Category, Post, Tag

User = get_user_model()

POSTS_PER_PAGE = 10


class CourseMixin:
    """Resolves the course from the URL; a course the user may not read is a 404."""

    def dispatch(self, request, *args, **kwargs):
        self.course = permissions.readable_course_or_404(request.user, kwargs["course_slug"])
        return super().dispatch(request, *args, **kwargs)

    def course_posts(self):
        return Post.objects.visible_in(self.course, self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        membership = permissions.membership_of(self.request.user, self.course)
        context.update(
            course=self.course,
            membership=membership,
            is_instructor=permissions.is_instructor(self.request.user, self.course),
        )
        return context


class PostListView(CourseMixin, ListView):
    template_name = "posts/post_list.html"
    context_object_name = "posts"
    paginate_by = POSTS_PER_PAGE
    heading = None

    def get_queryset(self):
        # Members read every live post; others those of consenting authors (issue 18).
        listed = Post.objects.listed_in(self.course, self.request.user)
        return self.filter_posts(listed.for_listing()).order_by("-published_at", "-pk")

    def filter_posts(self, posts):
        return posts

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["heading"] = self.get_heading()
        context["categories"] = Category.objects.filter(course=self.course).select_related("course")
        return context

    def get_heading(self):
        return self.heading


class FrontPageView(PostListView):
    template_name = "posts/front.html"


class CategoryView(PostListView):
    def filter_posts(self, posts):
        self.category = get_object_or_404(Category, course=self.course, slug=self.kwargs["slug"])
        return posts.filter(category=self.category)

    def get_heading(self):
        return _("Posts in %(category)s") % {"category": self.category.name}


class TagView(PostListView):
    def filter_posts(self, posts):
        self.tag = get_object_or_404(Tag, course=self.course, slug=self.kwargs["slug"])
        return posts.filter(tags=self.tag)

    def get_heading(self):
        return _("Posts tagged “%(tag)s”") % {"tag": self.tag.name}


class AuthorView(PostListView):
    """A member's posts, at their author slug: the address never carries the username (issue 18).

    Readers who are not members see only a member whose posts they may read
    (an instructor, or a student who consents): anyone else is a 404 to them.
    An old address by username redirects members, and is a 404 to everyone else.
    """

    template_name = "posts/author.html"

    def get(self, request, *args, **kwargs):
        memberships = Membership.objects.filter(course=self.course)
        self.author_membership = memberships.filter(author_slug=self.kwargs["author_slug"]).first()
        if self.author_membership is None:
            if permissions.is_member(request.user, self.course) or request.user.is_superuser:
                by_username = memberships.filter(user__username=self.kwargs["author_slug"]).first()
                if by_username is not None:
                    by_username.course = self.course
                    return redirect(by_username)
            raise Http404(_("No such author."))
        self.author_membership.course = self.course
        member_reader = permissions.is_member(request.user, self.course) or request.user.is_superuser
        if not member_reader and not self.author_membership.shown_to_world:
            raise Http404(_("No such author."))
        return super().get(request, *args, **kwargs)

    def filter_posts(self, posts):
        return posts.filter(author_id=self.author_membership.user_id)

    def get_heading(self):
        return _("Posts by %(author)s") % {"author": self.author_membership.display_name}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["author_membership"] = self.author_membership
        return context


class MonthView(PostListView):
    def filter_posts(self, posts):
        year, month = self.kwargs["year"], self.kwargs["month"]
        # Years at the ends of what datetime can hold would be a 500 once moved to UTC
        # (year 1 east of UTC, 9999 west of it): no course blogs there.
        if not (1 <= month <= 12 and 1000 <= year <= 9000):
            raise Http404(_("No such month."))
        tz = timezone.get_current_timezone()
        start = datetime.datetime(year, month, 1, tzinfo=tz)
        end = start + datetime.timedelta(days=calendar.monthrange(year, month)[1])
        self.month_start = start
        return posts.filter(published_at__gte=start, published_at__lt=end)

    def get_heading(self):
        return _("Posts from %(month)s") % {"month": date_format(self.month_start, "F Y")}


class DraftListView(CourseMixin, ListView):
    """The user's own drafts; instructors see every draft of their course."""

    template_name = "posts/drafts.html"
    context_object_name = "posts"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        # Posts scheduled for later are drafts to everyone else until their time: listed here too.
        drafts = Post.objects.drafts_and_scheduled().filter(course=self.course)
        if not permissions.is_instructor(self.request.user, self.course):
            drafts = drafts.filter(author=self.request.user)
        return drafts.for_listing().order_by("-updated_at")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for post in context["posts"]:
            post.scheduled_for = course_time(post.published_at, self.course) if post.is_scheduled else ""
        return context


class PostDetailView(CourseMixin, DetailView):
    template_name = "posts/post_detail.html"
    context_object_name = "post"

    def get_object(self, queryset=None):
        if not cache_is_enabled():
            return get_object_or_404(self.course_posts().for_detail(), slug=self.kwargs["slug"])
        # The article comes from the fragment cache (post_article), which loads the
        # author, category and tags itself when it must render again; the row
        # itself is kept under the course's version too.
        slug = self.kwargs["slug"]
        post = cached_row(self.course.slug, f"post:{slug}", Post, course=self.course, slug=slug)
        if post is None:
            raise Http404(_("No such post."))
        post.course = self.course
        if not post.readable_by(self.request.user):
            raise Http404(_("No such post."))
        return post

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if request.path != self.object.get_absolute_url():
            # Another date, or the same one spelt with leading zeros: one address per post.
            return redirect(self.object, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        post = self.object
        is_author = post.author_id == self.request.user.pk
        context["can_edit"] = is_author
        context["can_unpublish"] = post.is_published and (is_author or context["is_instructor"])
        # Only its author and the instructors can read a post before its time.
        context["scheduled_for"] = course_time(post.published_at, self.course) if post.is_scheduled else ""
        return context


def redirect_to_login(request):
    from django.contrib.auth.views import redirect_to_login as _redirect

    return _redirect(request.get_full_path())


def _member_or_refuse(request, course):
    if not permissions.is_member(request.user, course):
        raise PermissionDenied(_("Only members of this course can write here. Join it with its code."))


@login_required
def post_write(request, course_slug, slug=None):
    """Write a new post or edit one of your own. The draft is never lost on a refusal."""
    course = permissions.readable_course_or_404(request.user, course_slug)
    permissions.refuse_if_archived(course)
    _member_or_refuse(request, course)
    post = None
    if slug is not None:
        post = get_object_or_404(Post.objects.visible_to(request.user), course=course, slug=slug)
        if post.author_id != request.user.pk:
            raise PermissionDenied(_("You can edit only your own posts."))
    form = PostForm(request.POST or None, instance=post, course=course)
    for extension in editor.extensions():
        extension.add_fields(form, course=course, post=post, user=request.user, query=request.GET)
    if (
        request.method == "POST"
        and form.is_valid()
        and _within_rate_limit(request, form, "post-save")
        and _within_render_budget(request, form)
    ):
        action = request.POST.get("action")
        is_live = post is not None and post.is_live
        # A live post stays live; any other is published now, scheduled, or (back to) a draft.
        publish = action == "publish" or is_live
        publish_at = form.cleaned_data["publish_at"] if action == SCHEDULE and not is_live else None
        try:
            with _rendering_counted(request.user), cpu_time_limit(SAVE_CPU_SECONDS):
                saved = services.post_save(
                    post=post,
                    course=course,
                    author=request.user,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    category=form.cleaned_data["category"],
                    tags_text=form.cleaned_data["tags_text"],
                    publish=publish,
                    publish_at=publish_at,
                    unschedule=action == "draft",
                )
        except services.ScheduleRefused as refusal:
            form.add_error("publish_at", str(refusal))
        except services.PublishRefused as refusal:
            form.add_error("body", str(refusal))
        except CpuBudgetExceeded:
            form.add_error("body", _(TOO_SLOW_TO_FORMAT))
        else:
            for extension in editor.extensions():
                extension.saved(form, saved, user=request.user)
            if saved.is_published and (warning := missing_source_warning(saved)):
                messages.warning(request, warning)  # a warning only: the post is published all the same
            if saved.is_scheduled:
                when = course_time(saved.published_at, course)
                messages.success(
                    request,
                    _("Scheduled for %(when)s. Until then only you and your instructors can see it.")
                    % {"when": when},
                )
                return redirect(saved)
            if saved.is_published:
                messages.success(request, _("Your post is published."))
                return redirect(saved)
            messages.success(request, _("Draft saved. Only you and your instructors can see it."))
            return redirect(saved.get_edit_url())
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "posts/post_form.html",
        {
            "form": form,
            "course": course,
            "post": post,
            "membership": permissions.membership_of(request.user, course),  # the course navigation
            "is_instructor": permissions.is_instructor(request.user, course),
            "editor_templates": [e.template_name for e in editor.extensions() if e.template_name],
            "toolbar": TOOLBAR,
            "scheduled_for": course_time(post.published_at, course) if post and post.is_scheduled else "",
        },
        status=status,
    )


# Markdown parsing is superlinear on some text: each render is bounded in CPU time
# (core/cpu_budget.py) and each writer's rendering in milliseconds a minute ("render-ms").
PREVIEW_CPU_SECONDS = 1.0
SAVE_CPU_SECONDS = 1.0
TOO_SLOW_TO_FORMAT = gettext_noop(  # a str for tests; translated where shown
    "This text takes too long to format: look for a long run of unclosed brackets or asterisks. "
    "Your text is kept below."
)


@contextlib.contextmanager
def _rendering_counted(user):
    started = time.perf_counter()
    try:
        yield
    finally:
        elapsed_ms = int((time.perf_counter() - started) * 1000)
        ratelimit.count("render-ms", f"user:{user.pk}", amount=max(1, elapsed_ms))


def _within_render_budget(request, form) -> bool:
    try:
        ratelimit.check("render-ms", f"user:{request.user.pk}")
    except ratelimit.RateLimited:
        form.add_error(
            None, _("Your texts took long to format in the last minute. Wait a moment and save again.")
        )
        return False
    return True


def _within_rate_limit(request, form, scope) -> bool:
    try:
        ratelimit.hit(scope, f"user:{request.user.pk}", f"ip:{ratelimit.client_address(request)}")
    except ratelimit.RateLimited as refusal:
        form.add_error(
            None,
            _("You have saved many times in %(span)s. Wait a moment and save again: your text is kept below.")
            % {"span": refusal.limit.describe()},
        )
        return False
    return True


@require_POST
@login_required
def post_unpublish(request, course_slug, slug):
    course = permissions.readable_course_or_404(request.user, course_slug)
    permissions.refuse_if_archived(course)
    post = get_object_or_404(Post.objects.visible_to(request.user), course=course, slug=slug)
    if post.author_id != request.user.pk and not permissions.is_instructor(request.user, course):
        raise PermissionDenied(_("You can unpublish only your own posts."))
    services.post_unpublish(post=post)
    if post.author_id == request.user.pk:
        messages.success(request, _("The post is a draft again. Only you and your instructors can see it."))
        return redirect(post.get_edit_url())
    # An instructor may not edit a student's post: show them the draft instead.
    messages.success(request, _("The post is a draft again. Only its author and the instructors can see it."))
    return redirect(post)


@require_POST
@login_required
def markdown_preview(request):
    """The editor's live preview: the same pipeline as the post page, bounded in CPU time."""
    content = request.POST.get("content", "")
    try:
        ratelimit.hit("preview", f"user:{request.user.pk}")
        ratelimit.check("render-ms", f"user:{request.user.pk}")
    except ratelimit.RateLimited:
        return HttpResponse(_("Preview paused for a moment: too many updates. Keep writing."), status=429)
    if len(content) > settings.POST_BODY_MAX_CHARS:
        return HttpResponseBadRequest(_("This text is too long to preview."))
    try:
        with _rendering_counted(request.user), cpu_time_limit(PREVIEW_CPU_SECONDS):
            return HttpResponse(render_post_markdown(content))
    except CpuBudgetExceeded:
        return HttpResponseBadRequest(_(TOO_SLOW_TO_FORMAT))


def _image_too_large(request):
    return JsonResponse({"image": [too_large_message()]}, status=400)


# A body declared larger than an image can be is answered before it is read (core/request_body.py).
@accepts_files(max_bytes=settings.IMAGE_MAX_BYTES, too_large=_image_too_large)
@require_POST
@login_required
def image_upload(request):
    """The editor's image upload: checked and cleaned by Pillow, answered in JSON."""
    try:
        ratelimit.hit("image-upload", f"user:{request.user.pk}", f"ip:{ratelimit.client_address(request)}")
    except ratelimit.RateLimited as refusal:
        message = _("Too many images in %(span)s. Wait a moment and add it again.") % {
            "span": refusal.limit.describe()
        }
        return JsonResponse({"image": [message]}, status=429)
    upload = request.FILES.get("image")
    if upload is None:
        message = upload_refusal(request) or _("Choose an image file to upload.")  # or why it was cut short
        return JsonResponse({"image": [message]}, status=400)
    # An archived course takes no new images: a member of archived courses only is refused.
    writable = Membership.objects.filter(user=request.user, course__archived_at__isnull=True)
    if not writable.exists() and not request.user.is_superuser:
        raise PermissionDenied(_("Only members of a course that is not archived can upload images."))
    details = None
    if "alt" in request.POST:
        # From the "Add an image" panel, with what the writer says about the image (a drop
        # onto the text sends the file alone: its alt text is then written in the text).
        details_form = ImageDetailsForm(request.POST)
        if not details_form.is_valid():
            return JsonResponse(details_form.errors, status=400)
        details = details_form.cleaned_data
    try:
        cleaned = clean_image(upload)
    except ImageRejected as rejection:
        return JsonResponse({"image": [str(rejection)]}, status=400)
    image = image_store(uploader=request.user, cleaned=cleaned, details=details)
    # Addressed through the view that checks who reads it (posts/media.py), on any storage.
    url = image.get_absolute_url()
    return JsonResponse({"image_code": f"![]({url})", "image_url": url})
