"""Checking and cleaning every uploaded image before it is stored.

The browser's file name and content type are never trusted: Pillow decodes
the image, the format comes from the decoded data, metadata (EXIF, GPS, XMP,
comments, the colour profile) is dropped by re-encoding, and the stored name is random.
HEIC photos (an iPhone's camera) go through the same checks and are stored as JPEG.

It also keeps what the writer says about an image (alt text, caption, credit, source,
licence: ImageDetailsForm), links images to the post that shows them when it is saved,
and makes the post's "Image credits" and its publishing warning from them.

Every stored image gets narrower copies beside it ("renditions": posts/2026/12/abc.jpg has
posts/2026/12/abc.480w.jpg...), and a saved post's HTML gives its images their size and
those copies, so a phone fetches a small file and the text does not jump when it arrives.
"""

import contextlib
import io
import logging
import posixpath
import re
import secrets
import warnings
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageCms, ImageOps
from pillow_heif import register_heif_opener

from .markdown import ImageSize, images_in, render_post_markdown
from .models import Post, PostImage

# Pillow opens HEIC/HEIF through pillow-heif (decoding only: nothing is ever stored as HEIC).
register_heif_opener(thumbnails=False)

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
# Decoded, then stored in a format every browser shows: HEIC only Safari does.
CONVERTED_FORMATS = {"HEIF": "JPEG"}
ONLY_THESE_FORMATS = gettext_lazy(
    "Only JPEG, PNG, GIF and WebP images, and HEIC photos from phones can be added."
)
# What a re-encoded image keeps of the original's info: how it looks, nothing about who
# took it where, and no bytes of the uploader's choosing (the colour profile is converted
# away first). Pillow writes some info keys back by default (JPEG and GIF comments, and
# a PNG's colour profile).
KEPT_INFO = {"transparency", "background"}


def too_large_message() -> str:
    return _("The image is larger than %(size)s. Please resize it.") % {
        "size": filesizeformat(settings.IMAGE_MAX_BYTES)
    }


class ImageRejected(Exception):
    """The upload is not an image we store; the message is shown to the writer."""


@dataclass(frozen=True)
class CleanImage:
    content: ContentFile
    width: int
    height: int
    format: str


def clean_image(upload) -> CleanImage:
    """Decode, check, orient, strip and re-encode an uploaded file, or raise ImageRejected."""
    max_bytes = settings.IMAGE_MAX_BYTES
    max_pixels = settings.IMAGE_MAX_PIXELS
    if upload.size is not None and upload.size > max_bytes:
        raise ImageRejected(too_large_message())
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ImageRejected(too_large_message())
    if not data:
        raise ImageRejected(_("The file is empty."))
    if _looks_like_svg(data):
        # A drawing, not a picture: it can carry scripts, and Pillow cannot read it.
        raise ImageRejected(_("SVG drawings cannot be added. %(formats)s") % {"formats": ONLY_THESE_FORMATS})

    try:
        with warnings.catch_warnings():
            # Pillow only warns between its limit and twice it: treat that as a bomb too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                fmt = probe.format
                width, height = probe.size
                if fmt not in ALLOWED_FORMATS and fmt not in CONVERTED_FORMATS:
                    raise ImageRejected(str(ONLY_THESE_FORMATS))
                if width * height > max_pixels:
                    raise ImageRejected(
                        _(
                            "The image is %(width)s×%(height)s pixels; the limit is "
                            "%(megapixels)s megapixels. Please resize it."
                        )
                        % {"width": width, "height": height, "megapixels": max_pixels // 1_000_000}
                    )
                probe.verify()
            with Image.open(io.BytesIO(data)) as im:
                im.load()  # a truncated file fails here
                # Animated images keep their first frame: thousands of frames are not decoded.
                ImageOps.exif_transpose(im, in_place=True)  # no second full-size copy
                cleaned = _encode(im, CONVERTED_FORMATS.get(fmt, fmt))
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected(_("The image is too large to open safely. Please resize it.")) from None
    except Exception:  # Pillow raises many kinds (OSError, SyntaxError, IndexError...) on bad data
        raise ImageRejected(
            _("This file could not be read as an image. It may be damaged or not an image at all.")
        ) from None
    return cleaned


def _looks_like_svg(data: bytes) -> bool:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<") and b"<svg" in head


def _encode(im: Image.Image, fmt: str) -> CleanImage:
    max_width = settings.IMAGE_MAX_WIDTH
    if im.mode == "I" or im.mode.startswith("I;16"):
        # 16-bit greyscale (scanners): scale to 8 bits; a plain convert clips it to white.
        im = im.convert("I").point(lambda value: value / 256).convert("L")
    if im.width > max_width:
        im = im.resize((max_width, round(im.height * max_width / im.width)), Image.Resampling.LANCZOS)
    im = _to_srgb(im)
    im.info = {key: value for key, value in im.info.items() if key in KEPT_INFO}
    out = io.BytesIO()
    if fmt == "JPEG":
        if im.mode not in ("RGB", "L"):
            im = im.convert("RGB")  # CMYK whose profile could not be applied
        im.save(out, "JPEG", quality=85, optimize=True)
    elif fmt == "WEBP":
        im.save(out, "WEBP", quality=85)
    elif fmt == "GIF":
        im.save(out, "GIF")
    else:
        if im.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            im = im.convert("RGBA")  # CMYK and other modes PNG cannot hold
        im.save(out, "PNG", optimize=True)
    name = f"{secrets.token_urlsafe(16)}.{ALLOWED_FORMATS[fmt]}"
    return CleanImage(
        content=ContentFile(out.getvalue(), name=name), width=im.width, height=im.height, format=fmt
    )


def _to_srgb(im: Image.Image) -> Image.Image:
    """The pixels converted from the embedded colour profile to sRGB, and the profile dropped.

    A profile is bytes of the uploader's choosing, served from our domain (one held an HTML
    page), so it is never stored. Browsers show untagged pixels as sRGB: converted first, the
    picture still looks as the uploader saw it. A profile LittleCMS cannot read, or one that
    does not fit the pixels (an RGB profile on a greyscale JPEG), is dropped all the same and
    the pixels are kept as they are.
    """
    icc_profile = im.info.get("icc_profile")
    if icc_profile:
        # A broken profile fails in several ways (OSError, PyCMSError, UnicodeDecodeError from
        # a mangled header...); none of them is a reason to refuse the picture.
        with contextlib.suppress(Exception):
            im = _converted(im, ImageCms.ImageCmsProfile(io.BytesIO(icc_profile)))
    im.info.pop("icc_profile", None)  # Pillow tags a converted image with the sRGB profile
    return im


def _converted(im: Image.Image, source: ImageCms.ImageCmsProfile) -> Image.Image:
    space = source.profile.xcolor_space.strip()
    srgb = ImageCms.createProfile("sRGB")
    if im.mode == "P" and space == "RGB":
        # Convert the palette, not the pixels: the image stays a palette image.
        palette = im.getpalette("RGB")
        colours = Image.frombytes("RGB", (len(palette) // 3, 1), bytes(palette))
        im.putpalette(ImageCms.profileToProfile(colours, source, srgb, outputMode="RGB").tobytes())
    elif im.mode in ("RGB", "RGBA") and space == "RGB":
        ImageCms.profileToProfile(im, source, srgb, inPlace=True)  # no second full-size copy
    elif im.mode == "CMYK" and space == "CMYK":
        im = ImageCms.profileToProfile(im, source, srgb, outputMode="RGB")
    elif im.mode in ("L", "LA") and space == "GRAY":
        alpha = im.getchannel("A") if im.mode == "LA" else None
        # LittleCMS has no greyscale sRGB: go through RGB, whose three channels stay equal.
        grey = ImageCms.profileToProfile(im.convert("L"), source, srgb, outputMode="RGB").convert("L")
        if alpha is not None:
            grey.putalpha(alpha)
        im = grey
    return im


class ImageDetailsForm(forms.Form):
    """What the writer says about an image in the "Add an image" panel, sent with the file."""

    alt = forms.CharField(
        max_length=300,
        error_messages={
            "required": gettext_lazy(
                "Describe the image in the alt text field: readers who cannot see it rely on it."
            )
        },
    )
    caption = forms.CharField(max_length=300, required=False)
    credit = forms.CharField(max_length=300, required=False)
    source_title = forms.CharField(max_length=300, required=False)
    source_url = forms.CharField(
        max_length=500,
        required=False,
        # Only a web address can become a link in the credits: no javascript:, data: or ftp:.
        validators=[
            URLValidator(
                schemes=["http", "https"],
                message=gettext_lazy("The source's address must be a web address (http:// or https://)."),
            )
        ],
    )
    licence = forms.ChoiceField(
        choices=PostImage.Licence.choices, initial=PostImage.Licence.UNKNOWN, required=False
    )

    def clean_licence(self):
        return self.cleaned_data["licence"] or PostImage.Licence.UNKNOWN


def image_store(*, uploader, cleaned: CleanImage, details: dict | None = None) -> PostImage:
    """Store a cleaned image with what the writer said about it (a dropped image has no details yet)."""
    details = details or {}
    image = PostImage(
        uploader=uploader,
        alt_text=details.get("alt", ""),
        caption=details.get("caption", ""),
        credit=details.get("credit", ""),
        source_title=details.get("source_title", ""),
        source_url=details.get("source_url", ""),
        licence=details.get("licence") or PostImage.Licence.UNKNOWN,
    )
    image.file.save(cleaned.content.name, cleaned.content, save=False)
    image.save()
    return image


def image_url_prefixes() -> list[str]:
    """The starts of an uploaded image's address in a post's text, newest first.

    Today's uploads are addressed through the checking view (posts/media.py); older
    posts may hold the storage's own URL (MEDIA_URL), which names the same file.
    """
    own = reverse("posts:image", kwargs={"name": "x"}).removesuffix("x")
    return list(dict.fromkeys([own, settings.MEDIA_URL]))


def stored_name(src: str) -> str | None:
    """The storage name of the uploaded image an address in a post points at, if it is one."""
    for prefix in image_url_prefixes():
        if prefix and src.startswith(prefix):
            name = src[len(prefix) :]
            return name if name and ".." not in name.split("/") else None
    return None


def link_post_images(post: Post) -> None:
    """Give the post the images its text shows, and take back those it no longer shows.

    Only images the post's author uploaded are linked, and only while no other post
    has them: pasting someone else's image address into a public post must not make
    their members-only image public. An image taken out of the text goes back to its
    uploader alone. The text's alt text is the one readers get, so it is copied over.
    """
    shown = {}
    for image in images_in(post.body):
        name = stored_name(image.src)
        if name and name not in shown:
            shown[name] = (len(shown), image.alt)
    PostImage.objects.filter(post=post).exclude(file__in=list(shown)).update(post=None, position=0)
    if not shown:
        return
    candidates = PostImage.objects.filter(
        Q(post=None) | Q(post=post), file__in=list(shown), uploader_id=post.author_id
    )
    changed = []
    for image in candidates:
        position, alt = shown[image.file.name]
        if image.post_id != post.pk or image.position != position or (alt and image.alt_text != alt):
            image.post, image.position = post, position
            image.alt_text = alt or image.alt_text
            changed.append(image)
    PostImage.objects.bulk_update(changed, ["post", "position", "alt_text"])


@receiver(post_save, sender=Post, dispatch_uid="posts-link-images")
def _post_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and "body" not in update_fields):
        return  # loaddata, or a save that left the text alone (unpublish, counts)
    link_post_images(instance)


def images_without_source(post: Post) -> list[PostImage]:
    return [image for image in PostImage.objects.credited_in(post) if not image.has_source]


def missing_source_warning(post: Post) -> str | None:
    """The warning a writer gets on publishing a post with an image of unknown origin (it still publishes)."""
    missing = images_without_source(post)
    if not missing:
        return None
    names = [image.alt_text or posixpath.basename(image.file.name) for image in missing]
    listed = ", ".join(f"“{name}”" for name in names)
    if len(missing) == 1:
        return _(
            "The image %(listed)s has no source. Say where it comes from (a title or a web address) "
            "so readers can find it: add it again with “Add an image” and fill in Source."
        ) % {"listed": listed}
    return _(
        "%(count)s images have no source: %(listed)s. Say where they come from (a title or a web "
        "address) so readers can find them: add them again with “Add an image” and fill in Source."
    ) % {"count": len(missing), "listed": listed}


def credits_of(post: Post) -> list[PostImage]:
    """The post's "Image credits": its images in the order it shows them, in one query."""
    return list(PostImage.objects.credited_in(post))


# --- Narrower copies for small screens ---------------------------------------------------------

logger = logging.getLogger(__name__)

# A phone's column is about 380 CSS pixels at 2-3 device pixels each; a desktop's 42rem at 1-2.
RENDITION_WIDTHS = (480, 800, 1200)
# JPEG stays JPEG; PNG and GIF copies are WebP, which keeps transparency at a fraction of the bytes.
RENDITION_EXTENSIONS = {"jpg": "jpg", "webp": "webp", "png": "webp", "gif": "webp"}
RENDITION_FORMATS = {"jpg": "JPEG", "webp": "WEBP"}
_RENDITION_NAME = re.compile(r"(?P<stem>.+)\.(?P<width>[1-9][0-9]*)w\.(?P<ext>jpg|webp)")


def rendition_names(name: str, width: int) -> dict[int, str]:
    """The narrower copies of the stored image `name`, `width` pixels wide: {width: storage name}.

    Derived from the name alone, so no column records them: only widths narrower than the image.
    """
    stem, dot, extension = name.rpartition(".")
    target = RENDITION_EXTENSIONS.get(extension)
    if not (dot and target):
        return {}
    return {size: f"{stem}.{size}w.{target}" for size in RENDITION_WIDTHS if size < width}


def originals_of(name: str) -> list[str]:
    """The storage names of the images `name` could be a narrower copy of; none if it names no copy."""
    match = _RENDITION_NAME.fullmatch(name)
    if match is None or int(match["width"]) not in RENDITION_WIDTHS:
        return []
    return [
        f"{match['stem']}.{extension}"
        for extension, target in RENDITION_EXTENSIONS.items()
        if target == match["ext"]
    ]


def make_renditions(image: PostImage, *, only_missing: bool = False) -> list[str]:
    """Store the image's narrower copies beside it, through the storage API (files or S3).

    The stored image is already cleaned (no metadata, sRGB, at most IMAGE_MAX_WIDTH wide), so
    a copy is only made smaller. Returns the names written.
    """
    storage = image.file.storage
    wanted = rendition_names(image.file.name, image.width)
    if only_missing:
        wanted = {size: name for size, name in wanted.items() if not storage.exists(name)}
    if not wanted:
        return []
    with storage.open(image.file.name) as stored:
        data = stored.read()
    written = []
    with Image.open(io.BytesIO(data)) as im:
        full_width, full_height = im.size
        if im.format == "JPEG":
            # Decode at the smallest scale still wider than the widest copy: less memory and time.
            widest = max(wanted)
            im.draft(im.mode, (widest, round(full_height * widest / full_width)))
        im.load()
        if im.mode not in ("RGB", "RGBA", "L"):
            # Palette and grey-with-alpha images are resampled in full colour (a palette's would be blocky).
            im = im.convert("RGBA" if im.has_transparency_data else "RGB")
        for size, name in sorted(wanted.items(), reverse=True):
            copy = im.resize((size, max(1, round(full_height * size / full_width))), Image.Resampling.LANCZOS)
            saved = storage.save(name, ContentFile(_encode_rendition(copy, name)))
            if saved != name:  # a file was there already under that name: never serve a stranger's
                storage.delete(saved)
                logger.warning("A file is in the way of the rendition %s; it was not replaced", name)
                continue
            written.append(name)
    return written


def _encode_rendition(im: Image.Image, name: str) -> bytes:
    out = io.BytesIO()
    if RENDITION_FORMATS[name.rpartition(".")[2]] == "JPEG":
        im.save(out, "JPEG", quality=82, optimize=True, progressive=True)
    else:
        im.save(out, "WEBP", quality=82, method=4)
    return out.getvalue()


@receiver(post_save, sender=PostImage, dispatch_uid="posts-image-renditions")
def _image_stored(sender, instance, created, raw=False, **kwargs):
    # Whichever way the image came in (the editor, the WordPress importer, the demo, the admin).
    if not created or raw or not instance.file:
        return
    try:
        make_renditions(instance)
    except Exception:  # the image is stored all the same: its page falls back to the original
        logger.exception("Could not make the renditions of %s", instance.file.name)


def image_sizes_for(text: str) -> dict[str, ImageSize]:
    """Our stored images a post's text shows, by their address in it: size and narrower copies, one query.

    What render_post_markdown needs to give each image its box and its srcset.
    """
    prefixes = image_url_prefixes()
    if not any(prefix and prefix in text for prefix in prefixes):
        return {}  # most posts: no stored image, no parse, no query
    names = {}
    for shown in images_in(text):
        name = stored_name(shown.src)
        if name:
            names[shown.src] = name
    if not names:
        return {}
    found = PostImage.objects.filter(file__in=set(names.values()), width__gt=0, height__gt=0)
    dimensions = {row[0]: row[1:] for row in found.values_list("file", "width", "height")}
    sizes = {}
    for src, name in names.items():
        if name not in dimensions:
            continue
        width, height = dimensions[name]
        prefix = src.removesuffix(name)  # the copies are addressed the way the text addresses the image
        renditions = tuple((prefix + copy, size) for size, copy in rendition_names(name, width).items())
        sizes[src] = ImageSize(width=width, height=height, renditions=renditions)
    return sizes


def render_with_image_sizes(text: str) -> str:
    """A post's HTML with its stored images' sizes and narrower copies."""
    return render_post_markdown(text, images=image_sizes_for(text))
