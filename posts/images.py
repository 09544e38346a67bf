"""Checking and cleaning every uploaded image before it is stored.

The browser's file name and content type are never trusted: Pillow decodes
the image, the format comes from the decoded data, metadata (EXIF, GPS, XMP,
comments, the colour profile) is dropped by re-encoding, and the stored name is random.
"""

import contextlib
import io
import secrets
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageCms, ImageOps

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
# What a re-encoded image keeps of the original's info: how it looks, nothing about who
# took it where, and no bytes of the uploader's choosing (the colour profile is converted
# away first). Pillow writes some info keys back by default (JPEG and GIF comments, and
# a PNG's colour profile).
KEPT_INFO = {"transparency", "background"}


def too_large_message() -> str:
    return f"The image is larger than {filesizeformat(settings.IMAGE_MAX_BYTES)}. Please resize it."


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
        raise ImageRejected("The file is empty.")

    try:
        with warnings.catch_warnings():
            # Pillow only warns between its limit and twice it: treat that as a bomb too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                fmt = probe.format
                width, height = probe.size
                if fmt not in ALLOWED_FORMATS:
                    raise ImageRejected("Only JPEG, PNG, GIF and WebP images can be added.")
                if width * height > max_pixels:
                    raise ImageRejected(
                        f"The image is {width}×{height} pixels; the limit is "
                        f"{max_pixels // 1_000_000} megapixels. Please resize it."
                    )
                probe.verify()
            with Image.open(io.BytesIO(data)) as im:
                im.load()  # a truncated file fails here
                # Animated images keep their first frame: thousands of frames are not decoded.
                ImageOps.exif_transpose(im, in_place=True)  # no second full-size copy
                cleaned = _encode(im, fmt)
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected("The image is too large to open safely. Please resize it.") from None
    except Exception:  # Pillow raises many kinds (OSError, SyntaxError, IndexError...) on bad data
        raise ImageRejected(
            "This file could not be read as an image. It may be damaged or not an image at all."
        ) from None
    return cleaned


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
