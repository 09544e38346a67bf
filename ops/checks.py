"""Start-up checks of the media storage: a misconfigured bucket shows in `manage.py check`, not in posts.

The Markdown pipeline keeps an image only if its URL is under MEDIA_URL (posts/markdown.py), so a
storage whose URLs start elsewhere would have every uploaded image silently dropped from posts.
Making a URL needs no network: these checks never reach the bucket.
"""

from django.conf import settings
from django.core import checks
from django.core.files.storage import storages

PROBE_NAME = "posts/2026/01/probe.png"


@checks.register(checks.Tags.files)
def check_media_urls(app_configs=None, **kwargs):
    try:
        storage = storages["default"]
        url = storage.url(PROBE_NAME)
    except Exception as error:  # a storage that cannot even be built is reported, not raised
        return [checks.Error(f"The media storage cannot make URLs: {error}", id="ops.E001")]
    problems = []
    bare = url.partition("?")[0]
    if not bare.startswith(settings.MEDIA_URL):
        problems.append(
            checks.Error(
                f"The media storage's URLs ({bare}) do not start with MEDIA_URL ({settings.MEDIA_URL}): "
                "images in posts would be dropped.",
                hint="Set MEDIA_URL to the part of that URL before the file's name.",
                id="ops.E002",
            )
        )
    if "?" in url and "://" in url:
        problems.append(
            checks.Warning(
                "The media storage signs its URLs (AWS_QUERYSTRING_AUTH is on): an uploaded image's "
                "signed URL expires, and the Markdown pipeline keeps no image URL with a query, so "
                "images do not show in posts.",
                hint="Serve media publicly (AWS_QUERYSTRING_AUTH=false, a public-read bucket policy).",
                id="ops.W001",
            )
        )
    return problems
