"""The LMS's doors into coursesite: keys, OIDC login, the launch, linking a course, deep linking."""

import logging

from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException, OIDCException
from pylti1p3.lineitem import LineItem as LtiLineItem

from courses.models import Course, Membership
from coursework.models import Prompt

from . import keys, services
from .middleware import FRAME_ORIGINS_SESSION_KEY, PLATFORM_SESSION_KEY
from .models import CourseLink, LtiIdentity, Platform, ResourceLink, origin_of
from .services import CLAIM
from .tasks import roster_sync_task
from .tool import DatabaseLaunchStorage, Refusal, ToolConf, ToolLaunch, ToolLogin, ToolRegistration, refusal

logger = logging.getLogger(__name__)

PENDING_LAUNCH_SESSION_KEY = "lti_pending_launch"  # a launch waiting for its course to be linked
DEEP_LINK_SESSION_KEY = "lti_deep_link"  # a deep linking request waiting for the instructor's choice
DEEP_LINKING = "LtiDeepLinkingRequest"


def refused(request, problem: Refusal):
    return render(request, "lti/refused.html", {"problem": problem}, status=problem.status)


def _refused_simply(request, title: str, tell_admin: str = "", status: int = 403):
    return refused(request, Refusal(title, tell_admin, status))


@require_GET
def jwks(request):
    """The tool's public keys, for the platform to check what the tool signs."""
    return JsonResponse(keys.jwks())


@csrf_exempt  # the platform's form post; the state cookie and nonce stand in for the token
@require_http_methods(["GET", "POST"])
def oidc_login(request):
    try:
        keys.active_key()
        login_request = ToolLogin(request, ToolConf())
        return login_request.redirect(request.build_absolute_uri(reverse("lti:launch")))
    except keys.NoToolKey:
        return refused(request, refusal("keys"))
    except OIDCException as error:
        logger.info("LTI login refused: %s", error)
        if "registration" in str(error):
            return refused(request, refusal("platform"))
        return refused(request, refusal("missing"))


def _launch_claims(request) -> tuple[ToolLaunch, dict, ToolConf]:
    conf = ToolConf()
    message = ToolLaunch(request, conf)
    message.set_launch_data_lifetime(3600)
    return message, message.get_launch_data(), conf


@csrf_exempt  # signed by the platform; state, nonce and signature are checked instead
@require_POST
def launch(request):
    try:
        message, claims, conf = _launch_claims(request)
    except Refusal as problem:
        return refused(request, problem)
    except keys.NoToolKey:
        return refused(request, refusal("keys"))
    platform = conf.platform
    sub = str(claims.get("sub") or "")
    role = services.course_role(claims.get(CLAIM + "roles"))
    if not sub:
        return _refused_simply(
            request,
            _("This launch does not say who you are."),
            _(
                "The launch had no user (sub): coursesite needs the user's id; "
                "anonymous launches are not supported."
            ),
            400,
        )
    if role is None:
        return _refused_simply(
            request,
            _("Your role in this LMS course is not one coursesite knows."),
            _("coursesite lets in Instructors, Teaching Assistants and Learners of the course."),
        )
    user = services.user_for_person(
        platform=platform,
        sub=sub,
        email=str(claims.get("email") or ""),
        name=str(claims.get("name") or ""),
        given_name=str(claims.get("given_name") or ""),
    )
    if not user.is_active:
        return _refused_simply(
            request,
            _("This account is disabled."),
            _("The coursesite account linked to this user is disabled."),
        )
    LtiIdentity.objects.filter(platform=platform, sub=sub).update(last_launch_at=timezone.now())
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[PLATFORM_SESSION_KEY] = platform.pk
    request.session[FRAME_ORIGINS_SESSION_KEY] = platform.allowed_frame_origins
    context = claims.get(CLAIM + "context") or {}
    link = (
        CourseLink.objects.select_related("course", "platform")
        .filter(platform=platform, context_id=str(context.get("id") or ""))
        .first()
    )
    if claims.get(CLAIM + "message_type") == DEEP_LINKING:
        if role != Membership.Role.INSTRUCTOR:
            return _refused_simply(request, _("Only the course's instructors place coursesite links."))
        request.session[DEEP_LINK_SESSION_KEY] = message.get_launch_id()
        return _deep_link_page(request, link)
    if link is None:
        if role == Membership.Role.INSTRUCTOR:
            request.session[PENDING_LAUNCH_SESSION_KEY] = message.get_launch_id()
            return _link_page(request, context)
        return render(request, "lti/not_linked.html", {"context": context}, status=409)
    return _enter(request, claims=claims, link=link, user=user, role=role)


def _enter(request, *, claims: dict, link: CourseLink, user, role: str):
    """Join the linked course and land on it, or on the prompt the placement points to."""
    name = str(claims.get("name") or "")
    membership = services.membership_ensure(course=link.course, user=user, role=role, display_name=name)
    services.link_services_update(link=link, claims=claims)
    if membership.is_instructor and link.memberships_url:
        transaction.on_commit(lambda: roster_sync_task.enqueue(link.pk), robust=True)
    resource = claims.get(CLAIM + "resource_link") or {}
    prompt = None
    if resource.get("id"):
        placement, _created = ResourceLink.objects.get_or_create(
            course_link=link,
            resource_link_id=str(resource["id"])[:255],
            defaults={"title": str(resource.get("title") or "")[:255]},
        )
        if placement.prompt_id is None:
            slug = str((claims.get(CLAIM + "custom") or {}).get("coursesite_prompt") or "")
            # Only a prompt of the linked course: the placement cannot lead into another course.
            found = Prompt.objects.filter(course=link.course, slug=slug).first() if slug else None
            if found is not None:
                placement.prompt = found
                placement.save(update_fields=["prompt"])
        prompt = placement.prompt
    if prompt is not None and prompt.course_id == link.course_id:
        prompt.course = link.course
        return HttpResponseRedirect(prompt.get_absolute_url())
    return HttpResponseRedirect(link.course.get_absolute_url())


def _pending_claims(request, session_key: str) -> dict | None:
    launch_id = request.session.get(session_key)
    if not launch_id:
        return None
    storage = DatabaseLaunchStorage()
    return storage.get_value(launch_id)


def _platform_of(request, claims) -> Platform | None:
    platform = Platform.objects.filter(pk=request.session.get(PLATFORM_SESSION_KEY)).first()
    if platform is None or platform.issuer != claims.get("iss"):
        return None
    if not LtiIdentity.objects.filter(
        platform=platform, sub=str(claims.get("sub")), user=request.user
    ).exists():
        return None  # the launch was someone else's
    return platform


def _link_page(request, context, error: str = "", status: int = 200):
    courses = Course.objects.taught_by(request.user).order_by("title")
    return render(
        request,
        "lti/link_course.html",
        {"context": context, "courses": courses, "error": error},
        status=status,
    )


@login_required
@require_POST
def link_course(request):
    """An instructor links the LMS course they launched from to one of their courses."""
    claims = _pending_claims(request, PENDING_LAUNCH_SESSION_KEY)
    platform = _platform_of(request, claims) if claims else None
    if platform is None:
        return _refused_simply(
            request,
            _("There is no LMS launch to link."),
            _("Open the coursesite link in the LMS again."),
            400,
        )
    context = claims.get(CLAIM + "context") or {}
    course = Course.objects.taught_by(request.user).filter(pk=_int(request.POST.get("course"))).first()
    if course is None:
        return _link_page(request, context, _("Choose one of the courses you teach."), 400)
    try:
        link = services.course_link_create(platform=platform, context=context, course=course, by=request.user)
    except services.LinkRefused as error:
        return _link_page(request, context, str(error), 400)
    request.session.pop(PENDING_LAUNCH_SESSION_KEY, None)
    role = services.course_role(claims.get(CLAIM + "roles")) or Membership.Role.STUDENT
    return _enter(request, claims=claims, link=link, user=request.user, role=role)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- Deep linking -----------------------------------------------------------------------------


def _deep_link_page(request, link, error: str = "", status: int = 200):
    courses = Course.objects.taught_by(request.user).order_by("title")
    if link is not None:
        courses = courses.filter(pk=link.course_id)
    prompts = (
        Prompt.objects.filter(course__in=courses).select_related("course").order_by("course__title", "due_at")
    )
    return render(
        request,
        "lti/deep_link.html",
        {"courses": courses, "prompts": prompts, "link": link, "error": error},
        status=status,
    )


@login_required
@require_POST
def deep_link_return(request):
    """Sign the instructor's choice and send it back to the LMS (a form posted by the browser)."""
    claims = _pending_claims(request, DEEP_LINK_SESSION_KEY)
    platform = _platform_of(request, claims) if claims else None
    if platform is None or claims.get(CLAIM + "message_type") != DEEP_LINKING:
        return _refused_simply(
            request,
            _("There is no link placement to finish."),
            _("Start adding the coursesite link in the LMS again."),
            400,
        )
    context = claims.get(CLAIM + "context") or {}
    link = CourseLink.objects.filter(platform=platform, context_id=str(context.get("id") or "")).first()
    kind, _colon, pk = (request.POST.get("choice") or "").partition(":")
    taught = Course.objects.taught_by(request.user)
    if link is not None:
        taught = taught.filter(pk=link.course_id)
    prompt = None
    if kind == "prompt":
        prompt = Prompt.objects.filter(pk=_int(pk), course__in=taught).select_related("course").first()
        course = prompt.course if prompt else None
    else:
        course = taught.filter(pk=_int(pk)).first() if kind == "course" else None
    if course is None:
        return _deep_link_page(request, link, _("Choose a course or a prompt of a course you teach."), 400)
    if link is None and context.get("id"):
        try:
            services.course_link_create(platform=platform, context=context, course=course, by=request.user)
        except services.LinkRefused as error:
            return _deep_link_page(request, link, str(error), 400)
    resource = DeepLinkResource().set_url(request.build_absolute_uri(reverse("lti:launch")))
    if prompt is not None:
        # The points of the link just made (or the defaults, for an LMS course without an id).
        link_for_points = (
            link
            or CourseLink.objects.filter(platform=platform, context_id=str(context.get("id") or "")).first()
            or CourseLink()
        )
        resource.set_title(prompt.title).set_custom_params({"coursesite_prompt": prompt.slug})
        resource.set_lineitem(
            LtiLineItem()
            .set_label(prompt.title)
            .set_score_maximum(services.score_maximum(link_for_points, prompt))
            .set_resource_id(f"prompt-{prompt.pk}")
            .set_tag(services.PARTICIPATION_TAG)
        )
    else:
        resource.set_title(course.title)
    settings_claim = claims.get("https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings") or {}
    return_url = str(settings_claim.get("deep_link_return_url") or "")
    if not origin_of(return_url):
        return _refused_simply(
            request,
            _("The LMS did not say where to send the link."),
            _("deep_link_return_url is missing."),
            400,
        )
    try:
        deep_link = DeepLink(ToolRegistration(platform), str(claims[CLAIM + "deployment_id"]), settings_claim)
        token = deep_link.get_response_jwt([resource])
    except (LtiException, keys.NoToolKey, KeyError) as error:
        logger.warning("Deep linking response failed: %s", error)
        return refused(request, refusal("keys"))
    request.session.pop(DEEP_LINK_SESSION_KEY, None)  # one answer per request
    response = render(request, "lti/deep_link_return.html", {"return_url": return_url, "jwt": token})
    # The form goes to the LMS: allow that one origin as a form target on this page.
    response._csp_update = {"form-action": [origin_of(return_url)]}
    return response
