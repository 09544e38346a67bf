"""Start-up checks of the media storage: a misconfigured bucket shows in `manage.py check`, not in posts.

Posts address their images as /media/<name>, answered by posts/media.py, which on S3 redirects the
reader to a signed URL of the bucket. Two things can still hide every image: posts written before
that hold the storage's own URLs, which the Markdown pipeline keeps only under MEDIA_URL
(posts/markdown.py); and a browser follows the redirect only to an origin the
Content-Security-Policy's img-src allows. Making a URL needs no network: these checks never reach
the bucket.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.core.files.storage import storages

PROBE_NAME = "posts/2026/01/probe.png"
DEFAULT_PORTS = {"http": 80, "https": 443}


@checks.register(checks.Tags.files)
def check_media_urls(app_configs=None, **kwargs):
    try:
        storage = storages["default"]
        url = storage.url(PROBE_NAME)
        redirect_url = _redirect_url(storage)
    except Exception as error:  # a storage that cannot even be built is reported, not raised
        return [checks.Error(f"The media storage cannot make URLs: {error}", id="ops.E001")]
    problems = []
    bare = url.partition("?")[0]
    if not bare.startswith(settings.MEDIA_URL):
        problems.append(
            checks.Error(
                f"The media storage's URLs ({bare}) do not start with MEDIA_URL ({settings.MEDIA_URL}): "
                "images in posts that hold the storage's URLs would be dropped.",
                hint="Set MEDIA_URL to the part of that URL before the file's name.",
                id="ops.E002",
            )
        )
    # ops.W001 (signed storage URLs) is retired: posts no longer hold the storage's URLs, and the
    # app signs its redirects whatever AWS_QUERYSTRING_AUTH says.
    if redirect_url is not None and not _image_allowed(redirect_url):
        origin = _origin(redirect_url)
        problems.append(
            checks.Warning(
                f"Readers are redirected to images at {origin} (signed URLs of the bucket itself, "
                "never AWS_S3_CUSTOM_DOMAIN), which the Content-Security-Policy's img-src does not "
                "allow: browsers will not show images in posts.",
                hint=f"Allow {origin} in img-src (CONTENT_SECURITY_POLICY, MEDIA_HOST).",
                id="ops.W002",
            )
        )
    return problems


def _redirect_url(storage) -> str | None:
    """An object's URL on the host posts/media.py redirects readers to, or None where it sends files itself.

    The unsigned client has the signed one's endpoint and addressing, so the host is the same,
    and it needs no credentials.
    """
    if getattr(storage, "bucket_name", None) is None:
        return None
    return storage.unsigned_connection.meta.client.generate_presigned_url(
        "get_object", Params={"Bucket": storage.bucket_name, "Key": PROBE_NAME}
    )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _image_allowed(url: str) -> bool:
    """Whether the policy's img-src (or default-src) lets a page show an image from this URL.

    Only the forms a media host is written in: *, a scheme (https:), a host with an optional
    scheme, port and path (a path is not checked after a redirect), and *.domain wildcards.
    """
    directives = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
    directives = directives.get("DIRECTIVES", {})
    sources = directives.get("img-src", directives.get("default-src"))
    if sources is None:
        return True  # no policy for images: anything loads
    target = urlsplit(url)
    return any(_source_matches(str(source), target) for source in sources)


def _source_matches(source: str, target) -> bool:
    if source == "*":
        return target.scheme in DEFAULT_PORTS
    if source.startswith("'"):
        return False  # 'self', 'none' and the like: the bucket is never the site's own origin
    if source.endswith(":") and "/" not in source:
        return source[:-1].lower() == target.scheme
    scheme, _, rest = source.rpartition("://")
    if scheme and scheme.lower() != target.scheme:
        return False
    host, _, port = rest.partition("/")[0].partition(":")
    host = host.lower()
    target_host = (target.hostname or "").lower()
    if host.startswith("*."):
        if not target_host.endswith(host[1:]):
            return False
    elif host != target_host:
        return False
    if port == "*":
        return True
    if port and not port.isdigit():
        return False
    wanted = int(port) if port else DEFAULT_PORTS.get(target.scheme)
    return wanted == (target.port or DEFAULT_PORTS.get(target.scheme))
