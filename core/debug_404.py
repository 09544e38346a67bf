"""Our own 404 page under `make run` (DEBUG on), unless a developer asks for Django's URL list.

Django answers every 404 with its technical page (the URLconf's patterns) when DEBUG is on, and
handler404 is only used with DEBUG off, so a mistyped address in development looked nothing like
the site. With DEBUG on and SHOW_DEBUG_404 off (DJANGO_DEBUG_404 unset), this middleware answers
unknown addresses and a view's Http404 with the same handler404 production uses. It removes
itself when DEBUG is off or SHOW_DEBUG_404 is on, so production never pays for it.
"""

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.http import Http404
from django.urls import Resolver404, get_resolver
from django.utils.translation import gettext as _


class OwnNotFoundPageMiddleware:
    def __init__(self, get_response):
        if not settings.DEBUG or settings.SHOW_DEBUG_404:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        resolver = get_resolver(getattr(request, "urlconf", None))
        try:
            # Django resolves after the middleware and turns a miss into its technical page
            # before any middleware sees the exception: look first, the same way it will.
            resolver.resolve(request.path_info)
        except Resolver404:
            return self._not_found(request, resolver, Http404(_("No page at this address.")))
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Http404):
            return self._not_found(request, get_resolver(getattr(request, "urlconf", None)), exception)
        return None

    @staticmethod
    def _not_found(request, resolver, exception):
        response = resolver.resolve_error_handler(404)(request, exception)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        return response
