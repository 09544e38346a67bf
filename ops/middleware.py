"""One log line per request: method, path, status and the time it took.

First in MIDDLEWARE, so the time covers everything, the anonymous page cache's
hits and whitenoise's static files included. It must stay cheap on those
(thousands a second): nothing is measured or built unless the
"coursesite.requests" logger would emit the line, and the message is %-formatted
only by a handler that writes it.
"""

import logging
import time

from django.utils.encoding import escape_uri_path

logger = logging.getLogger("coursesite.requests")
INFO = logging.INFO


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not logger.isEnabledFor(INFO):
            return self.get_response(request)
        started = time.perf_counter()
        response = self.get_response(request)
        milliseconds = round((time.perf_counter() - started) * 1000, 1)
        # The path only: query strings may carry tokens. Quoted again as it came on the wire,
        # so a %0A in it cannot start a forged log line.
        path = escape_uri_path(request.path)
        match = request.resolver_match
        if match is not None and "token" in match.kwargs:
            # A password-reset or mute link is a key: whoever reads the log must not be able to use it.
            path = path.replace(escape_uri_path(str(match.kwargs["token"])), "<token>")
        logger.info(
            "%s %s %s %sms",
            request.method,
            path,
            response.status_code,
            milliseconds,
            extra={
                "method": request.method,
                "path": path,
                "status": response.status_code,
                "duration_ms": milliseconds,
            },
        )
        return response
