"""Serving uploaded images to the readers of their post, and to nobody else.

An image is served to whoever may read the post that shows it (an image in no post
yet, to its uploader only), and is a 404 to anyone else, as the post is. Where an
anonymous reader could see the post, the image is public and may be kept by any cache;
otherwise the answer is `Cache-Control: private`, for the reader's browser alone.

The app decides and the file goes out another way: on the file system the web server
sends it (`X-Accel-Redirect` to an internal location, MEDIA_ACCEL_REDIRECT; README.md
has the nginx lines), or, without that setting (development, tests), Django does; on S3
the answer is a redirect to a signed URL that expires within a minute
(MEDIA_SIGNED_URL_SECONDS), so a copied address stops working.

An image's narrower copies (posts.images.rendition_names) go to exactly the readers of
the image, the same way; a name that is no copy of a stored image is a 404.
"""

import mimetypes
import posixpath
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from courses import permissions

from .images import originals_of, rendition_names
from .models import PostImage

# Names are random and never reused, so the bytes behind a name never change: what a
# cache may keep is bounded by who may see them, not by freshness. Public copies live
# five minutes, so unpublishing reaches shared caches soon.
PUBLIC_CACHE_CONTROL = "public, max-age=300"
PRIVATE_CACHE_CONTROL = "private, max-age=300"
NOT_FOUND_CACHE_CONTROL = "private, no-store"  # a shared cache must not keep a member's 404 for others
SIGNED_URL_SECONDS = 60
PUBLIC_SIGNED_URL_SECONDS = 3600  # outlives the public redirect's max-age


def _audience(image: PostImage, user) -> str | None:
    """ "public" if anyone may see the image, "private" if this user may, None if they may not."""
    post = image.post
    if post is None:
        # Uploaded, in no saved post yet: the writer's preview only.
        if user.is_authenticated and (user.pk == image.uploader_id or user.is_superuser):
            return "private"
        return None
    anonymous = AnonymousUser()
    if permissions.can_read(anonymous, post.course) and post.readable_by(anonymous):
        return "public"
    if permissions.can_read(user, post.course) and post.readable_by(user):
        return "private"
    return None


def _image_named(name: str) -> PostImage | None:
    """The stored image `name` is, or the one it is a narrower copy of; in one query either way."""
    originals = originals_of(name)
    found = {
        row.file.name: row
        for row in PostImage.objects.select_related("post__course").filter(file__in=[name, *originals])
    }
    if name in found:
        return found[name]
    for original in originals:
        image = found.get(original)
        if image is not None and name in rendition_names(image.file.name, image.width).values():
            return image
    return None


@require_safe
def image(request, name):
    found = _image_named(name)
    audience = _audience(found, request.user) if found is not None else None
    if audience is None:
        return _not_found()
    try:
        # `name` is the image's own file or one of its copies: both are the image's to give.
        response = _file_response(name, public=audience == "public")
    except FileNotFoundError:
        return _not_found()
    response["Cache-Control"] = PUBLIC_CACHE_CONTROL if audience == "public" else PRIVATE_CACHE_CONTROL
    if audience == "private" and isinstance(response, HttpResponseRedirect):
        # The redirect must not be reused after its signature has expired.
        response["Cache-Control"] = f"private, max-age={_signed_seconds() // 2}"
    return response


def _file_response(name: str, *, public: bool):
    try:
        default_storage.path(name)
    except NotImplementedError:
        return HttpResponseRedirect(_signed_url(name, public=public))
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    accel_prefix = getattr(settings, "MEDIA_ACCEL_REDIRECT", "")
    if accel_prefix:
        # The web server sends the file from its internal location; the app only said yes.
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = quote(posixpath.join(accel_prefix, name))
        return response
    return FileResponse(default_storage.open(name), content_type=content_type)


def _not_found():
    response = HttpResponse(_("No such image."), status=404, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = NOT_FOUND_CACHE_CONTROL
    return response


def _signed_seconds() -> int:
    return getattr(settings, "MEDIA_SIGNED_URL_SECONDS", SIGNED_URL_SECONDS)


def _signed_url(name: str, *, public: bool) -> str:
    """A URL of the object that works for a short while, signed whatever AWS_QUERYSTRING_AUTH says."""
    storage = default_storage
    bucket = getattr(storage, "bucket", None)
    if bucket is None:  # another remote storage: its own URL is all there is
        return storage.url(name)
    key = posixpath.join(storage.location, name) if getattr(storage, "location", "") else name
    return bucket.meta.client.generate_presigned_url(
        "get_object",
        Params={"Bucket": storage.bucket_name, "Key": key},
        ExpiresIn=PUBLIC_SIGNED_URL_SECONDS if public else _signed_seconds(),
    )
