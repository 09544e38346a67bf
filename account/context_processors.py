"""What every page knows of the logged-in reader: their unread count, lazily.

It is also where a member's visit to a course's front page is noted (for "new
since your last visit"): the front page belongs to the posts app, which must
not know of this one, and every page a member opens is rendered through here.
"""

from django.utils.functional import SimpleLazyObject

from . import services

FRONT_PAGE = "posts:front"


def reader(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    memo = request.__dict__.setdefault("_account_reader", {})
    if "unread" not in memo:  # once a request, however many templates it renders
        _note_front_page_visit(request, user)
        # Counted only if the page shows it (base.html's navigation does).
        memo["unread"] = SimpleLazyObject(lambda: services.unread_count(user=user))
    return {"whats_new_unread": memo["unread"]}


def _note_front_page_visit(request, user) -> None:
    match = getattr(request, "resolver_match", None)
    if request.method == "GET" and match is not None and match.view_name == FRONT_PAGE:
        services.course_visit_record(user=user, course_slug=match.kwargs.get("course_slug", ""))
