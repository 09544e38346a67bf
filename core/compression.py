"""Pages compressed for the browsers that ask: HTML, feeds, JSON and the scripts' catalogue.

Django's GZipMiddleware compresses every response; images and uploads are
compressed already and would only cost CPU, so this one leaves them alone. It
keeps Django's mitigation of BREACH (random padding of each compressed page).
A proxy in front that compresses does no harm: a compressed response is not
compressed again.
"""

from django.middleware.gzip import GZipMiddleware

TEXT_TYPES = (
    "text/",
    "application/json",
    "application/javascript",
    "application/atom+xml",
    "application/rss+xml",
)


class TextGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith(TEXT_TYPES):
            return response
        return super().process_response(request, response)
