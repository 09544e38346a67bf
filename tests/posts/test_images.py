"""Image uploads through the editor's endpoint, with real files made by Pillow here."""

import io
import random
import re
import struct
import zlib
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import ExifTags, Image

from posts.markdown import render_post_markdown
from posts.models import PostImage

UPLOAD = reverse("posts:upload")
PREVIEW = reverse("posts:preview")


# --- Files made here ------------------------------------------------------------------


def encode(im, fmt, **options):
    out = io.BytesIO()
    im.save(out, fmt, **options)
    return out.getvalue()


def picture(size=(120, 80), color=(200, 30, 30), mode="RGB"):
    return Image.new(mode, size, color)


def noise(size, seed=1):
    """An image that does not compress: for size limits and truncation."""
    return Image.frombytes("RGB", size, random.Random(seed).randbytes(size[0] * size[1] * 3))


def _png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width, height):
    """A real, complete PNG of a black 1-bit image: tiny on disk, huge once decoded."""
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + packed bits
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def jpeg_with_exif(size=(300, 100), orientation=None):
    """A JPEG as a phone writes it: camera make, GPS position, maybe an orientation."""
    im = picture(size)
    # Left half red, right half blue, so a rotation shows.
    im.paste((20, 40, 220), (size[0] // 2, 0, size[0], size[1]))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneCoCamera"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (55.0, 45.0, 21.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (37.0, 37.0, 4.0)
    data = encode(im, "JPEG", exif=exif, quality=95, comment=b"taken at home by Kim")
    # The file really carries what the test says it does.
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    return data


# --- Helpers ----------------------------------------------------------------------------


def upload(client, name, data, content_type):
    return client.post(UPLOAD, {"image": SimpleUploadedFile(name, data, content_type=content_type)})


def stored_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def stored_image(response):
    """The stored file behind a successful upload's answer, decoded."""
    payload = response.json()
    image = PostImage.objects.get()
    assert payload["image_url"] == image.file.url
    assert payload["image_code"] == f"![]({image.file.url})"
    with default_storage.open(image.file.name) as f:
        data = f.read()
    decoded = Image.open(io.BytesIO(data))
    decoded.load()
    return image, decoded, data


def assert_refused(response, settings, message):
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    errors = response.json()["image"]
    assert any(message in error.replace("\xa0", " ") for error in errors), errors
    assert PostImage.objects.count() == 0
    assert stored_files(settings) == []


# --- Good images ------------------------------------------------------------------------

GOOD = [
    ("photo.jpg", "image/jpeg", "JPEG", "jpg", {}),
    ("drawing.png", "image/png", "PNG", "png", {}),
    ("diagram.gif", "image/gif", "GIF", "gif", {}),
    ("poster.webp", "image/webp", "WEBP", "webp", {}),
    # The browser's name and type are not trusted: the stored name follows the real format.
    ("really-a-png.jpg", "image/jpeg", "PNG", "png", {}),
    ("no-extension", "application/octet-stream", "JPEG", "jpg", {}),
]


@pytest.mark.parametrize(("name", "content_type", "fmt", "extension", "options"), GOOD)
def test_good_image_is_stored_under_a_random_name(
    member_client, settings, name, content_type, fmt, extension, options
):
    response = upload(member_client, name, encode(picture(), fmt, **options), content_type)
    assert response.status_code == 200
    image, decoded, _ = stored_image(response)
    assert decoded.format == fmt
    assert decoded.size == (120, 80)
    assert (image.width, image.height) == (120, 80)
    stored_name = image.file.name.rsplit("/", 1)[-1]
    assert re.fullmatch(rf"[A-Za-z0-9_-]{{16,}}\.{extension}", stored_name), stored_name
    assert name.split(".")[0] not in stored_name
    assert image.file.name.startswith("posts/")
    assert image.uploader.memberships.exists()


def test_two_uploads_of_the_same_file_get_different_names(member_client):
    data = encode(picture(), "PNG")
    first = upload(member_client, "same.png", data, "image/png").json()["image_url"]
    second = upload(member_client, "same.png", data, "image/png").json()["image_url"]
    assert first != second


def test_uploaded_image_shows_in_a_post(member_client):
    url = upload(member_client, "a.png", encode(picture(), "PNG"), "image/png").json()["image_url"]
    html = render_post_markdown(f"![A red square]({url})")
    assert BeautifulSoup(html, "html.parser").find("img")["src"] == url


def test_gif_with_a_script_appended_is_stored_clean(member_client):
    """A GIF/HTML polyglot: the re-encoded copy keeps the picture and loses the payload."""
    data = encode(picture(), "GIF") + b"<html><script>alert(document.cookie)</script></html>"
    response = upload(member_client, "poly.gif", data, "image/gif")
    assert response.status_code == 200
    _, decoded, stored = stored_image(response)
    assert decoded.format == "GIF"
    assert b"<script" not in stored


# --- Metadata, orientation and width --------------------------------------------------


def test_exif_and_gps_are_stripped(member_client):
    response = upload(member_client, "phone.jpg", jpeg_with_exif(), "image/jpeg")
    assert response.status_code == 200
    _, decoded, stored = stored_image(response)
    assert dict(decoded.getexif()) == {}
    assert decoded.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert "exif" not in decoded.info
    assert b"PhoneCoCamera" not in stored
    assert b"Exif\x00\x00" not in stored


def test_comments_are_stripped(member_client):
    """JPEG and GIF comments are metadata too: they can name a person or a place."""
    for fmt, name in (("JPEG", "c.jpg"), ("GIF", "c.gif")):
        data = encode(picture(), fmt, comment=b"taken at 12 Lenin Street by Kim")
        assert Image.open(io.BytesIO(data)).info.get("comment")
        response = upload(member_client, name, data, f"image/{fmt.lower()}")
        assert response.status_code == 200
        image = PostImage.objects.latest("pk")
        with default_storage.open(image.file.name) as f:
            stored = f.read()
        assert b"Lenin Street" not in stored, fmt
        assert not Image.open(io.BytesIO(stored)).info.get("comment"), fmt


def test_png_text_and_webp_xmp_are_stripped(member_client):
    from PIL.PngImagePlugin import PngInfo

    text = PngInfo()
    text.add_text("Author", "Kim at 12 Lenin Street")
    png = encode(picture(), "PNG", pnginfo=text)
    webp = encode(picture(), "WEBP", xmp=b"<x:xmpmeta>Kim at 12 Lenin Street</x:xmpmeta>")
    for name, data, content_type in (("t.png", png, "image/png"), ("x.webp", webp, "image/webp")):
        assert upload(member_client, name, data, content_type).status_code == 200
        image = PostImage.objects.latest("pk")
        with default_storage.open(image.file.name) as f:
            assert b"Lenin Street" not in f.read(), name


def test_transparency_is_kept(member_client):
    """Stripping metadata must not strip what the picture looks like."""
    rgba = Image.new("RGBA", (40, 20), (0, 0, 0, 0))
    rgba.paste((255, 0, 0, 255), (0, 0, 20, 20))
    gif = Image.new("P", (40, 20))
    gif.putpalette([255, 0, 0, 0, 255, 0] * 128)
    gif.paste(1, (20, 0, 40, 20))
    for name, data in (("t.png", encode(rgba, "PNG")), ("t.gif", encode(gif, "GIF", transparency=1))):
        assert upload(member_client, name, data, "image/png").status_code == 200
        image = PostImage.objects.latest("pk")
        with default_storage.open(image.file.name) as f:
            stored = Image.open(io.BytesIO(f.read())).convert("RGBA")
        assert stored.getpixel((5, 5))[3] == 255, name
        assert stored.getpixel((35, 5))[3] == 0, name


SCRIPT = b"<html><script>alert(1)</script></html>"


def srgb_profile():
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _tag_entries(profile):
    """Where each tag's (offset, size) pair sits in an ICC profile's tag table."""
    count = struct.unpack(">I", profile[128:132])[0]
    return {bytes(profile[132 + 12 * i : 136 + 12 * i]): 136 + 12 * i for i in range(count)}


def profile_with_red_and_blue_swapped():
    """A valid RGB profile whose red primary is sRGB's blue and the other way round.

    Converted to sRGB, a red pixel described by it comes out blue: a conversion that happened shows.
    """
    profile = bytearray(srgb_profile())
    entries = _tag_entries(profile)
    red, blue = entries[b"rXYZ"], entries[b"bXYZ"]
    profile[red : red + 8], profile[blue : blue + 8] = profile[blue : blue + 8], profile[red : red + 8]
    return bytes(profile)


def profile_carrying(payload):
    """A valid sRGB profile with `payload` inside it (the header's size covers it)."""
    profile = bytearray(srgb_profile()) + payload
    profile[0:4] = struct.pack(">I", len(profile))
    return bytes(profile)


def linear_grey_profile():
    """A valid greyscale profile with no gamma: its grey 64 is sRGB's grey 137."""
    profile = bytearray(srgb_profile())
    curve_at = len(profile)
    profile += b"curv" + bytes(8)  # a curve with no points is the identity
    profile[16:20] = b"GRAY"
    at = _tag_entries(profile)[b"rTRC"]
    profile[at - 4 : at + 8] = b"kTRC" + struct.pack(">II", curve_at, 12)
    profile[0:4] = struct.pack(">I", len(profile))
    return bytes(profile)


def assert_colour(decoded, expected, tolerance=8):
    stored = decoded.convert("RGB").getpixel((5, 5))
    assert all(abs(a - b) <= tolerance for a, b in zip(stored, expected, strict=True)), (stored, expected)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
@pytest.mark.parametrize(
    "profile",
    [SCRIPT, profile_carrying(SCRIPT)],
    ids=["html-as-profile", "valid-profile-holding-html"],
)
def test_a_colour_profile_holding_html_is_not_stored(member_client, fmt, profile):
    """The profile is the uploader's bytes: one holding an HTML page was served intact."""
    data = encode(picture(), fmt, icc_profile=profile)
    assert Image.open(io.BytesIO(data)).info["icc_profile"] == profile  # the upload carries it
    response = upload(member_client, f"p.{fmt.lower()}", data, f"image/{fmt.lower()}")
    assert response.status_code == 200
    _, decoded, stored = stored_image(response)
    assert "icc_profile" not in decoded.info, fmt
    assert b"<script" not in stored, fmt
    assert b"alert(1)" not in stored, fmt
    assert_colour(decoded, (200, 30, 30))  # the picture itself is kept


def _in_mode(mode):
    if mode == "P":
        im = Image.new("P", (40, 20), 0)
        im.putpalette([200, 30, 30, 0, 0, 0])
        return im
    if mode == "RGBA":
        im = picture(size=(40, 20), mode=mode, color=(200, 30, 30, 255))
        im.paste((0, 0, 0, 0), (20, 0, 40, 20))
        return im
    return picture(size=(40, 20), mode=mode)


@pytest.mark.parametrize(
    ("mode", "fmt"),
    [("RGB", "JPEG"), ("RGB", "PNG"), ("RGBA", "PNG"), ("P", "PNG"), ("RGB", "WEBP"), ("RGBA", "WEBP")],
)
@pytest.mark.parametrize(
    ("profile", "expected"),
    [(srgb_profile(), (200, 30, 30)), (profile_with_red_and_blue_swapped(), (30, 30, 200))],
    ids=["srgb", "red-and-blue-swapped"],
)
def test_colours_are_converted_to_srgb_and_the_profile_dropped(member_client, mode, fmt, profile, expected):
    """Browsers show untagged pixels as sRGB: converted first, they look as the uploader saw them."""
    data = encode(_in_mode(mode), fmt, icc_profile=profile)
    response = upload(member_client, f"p.{fmt.lower()}", data, "image/png")
    assert response.status_code == 200
    _, decoded, _ = stored_image(response)
    assert decoded.format == fmt
    assert "icc_profile" not in decoded.info
    assert_colour(decoded, expected)
    if mode == "RGBA":  # transparency survives the conversion
        assert decoded.convert("RGBA").getpixel((35, 5))[3] == 0
    if mode == "P":  # so does the palette
        assert decoded.mode == "P"


@pytest.mark.parametrize(("mode", "fmt", "colour"), [("L", "JPEG", 64), ("LA", "PNG", (64, 255))])
def test_greyscale_is_converted_and_stays_greyscale(member_client, mode, fmt, colour):
    data = encode(Image.new(mode, (40, 20), colour), fmt, icc_profile=linear_grey_profile())
    response = upload(member_client, f"g.{fmt.lower()}", data, "image/png")
    assert response.status_code == 200
    _, decoded, _ = stored_image(response)
    assert decoded.mode == mode
    assert "icc_profile" not in decoded.info
    assert_colour(decoded, (137, 137, 137))


@pytest.mark.parametrize(
    ("mode", "colour", "expected"),
    [("L", 64, (64, 64, 64)), ("CMYK", (0, 255, 255, 0), (255, 0, 0))],
)
def test_a_profile_that_does_not_fit_the_pixels_is_dropped_and_the_pixels_kept(
    member_client, mode, colour, expected
):
    """An RGB profile on greyscale or CMYK pixels cannot be applied: the pixels are kept as they are."""
    data = encode(Image.new(mode, (40, 20), colour), "JPEG", icc_profile=profile_carrying(SCRIPT))
    response = upload(member_client, "p.jpg", data, "image/jpeg")
    assert response.status_code == 200
    _, decoded, stored = stored_image(response)
    assert "icc_profile" not in decoded.info
    assert b"<script" not in stored
    assert_colour(decoded, expected, tolerance=12)


@pytest.mark.parametrize(
    ("mode", "fmt", "colour"),
    [
        ("CMYK", "JPEG", (0, 255, 255, 0)),  # printers' red
        ("L", "JPEG", 64),
        ("I;16", "PNG", 16384),  # 16-bit greyscale from a scanner: a quarter grey
        ("LA", "PNG", (64, 255)),
        ("1", "PNG", 1),
        ("P", "PNG", 3),
        ("RGBA", "WEBP", (200, 30, 30, 255)),
        ("L", "GIF", 64),
    ],
)
def test_every_pixel_format_is_stored_looking_the_same(member_client, mode, fmt, colour):
    original = Image.new(mode, (40, 20), colour)
    expected = original.convert("I").point(lambda v: v / 256).convert("RGB") if mode == "I;16" else original
    expected = expected.convert("RGB").getpixel((5, 5))
    response = upload(member_client, f"x.{fmt.lower()}", encode(original, fmt), "image/png")
    assert response.status_code == 200
    _, decoded, _ = stored_image(response)
    assert decoded.format == fmt
    stored = decoded.convert("RGB").getpixel((5, 5))
    assert all(abs(a - b) <= 8 for a, b in zip(stored, expected, strict=True)), (stored, expected)


def test_exif_orientation_is_applied(member_client):
    """Orientation 6 means "turn 90° clockwise to view": the stored copy is already turned."""
    response = upload(
        member_client, "sideways.jpg", jpeg_with_exif(size=(300, 100), orientation=6), "image/jpeg"
    )
    assert response.status_code == 200
    image, decoded, _ = stored_image(response)
    assert decoded.size == (100, 300)
    assert (image.width, image.height) == (100, 300)
    top, bottom = decoded.convert("RGB").getpixel((50, 20)), decoded.convert("RGB").getpixel((50, 280))
    assert top[0] > 150 and top[2] < 100  # the red half is on top
    assert bottom[2] > 150 and bottom[0] < 100  # the blue half below
    assert "exif" not in decoded.info


def test_width_is_bounded(member_client, settings):
    assert settings.IMAGE_MAX_WIDTH == 2000
    response = upload(member_client, "wide.png", encode(picture(size=(2400, 300)), "PNG"), "image/png")
    assert response.status_code == 200
    image, decoded, _ = stored_image(response)
    assert decoded.size == (2000, 250)
    assert (image.width, image.height) == (2000, 250)


def test_width_bound_follows_the_setting(member_client, settings):
    settings.IMAGE_MAX_WIDTH = 60
    response = upload(member_client, "w.jpg", encode(picture(size=(120, 80)), "JPEG"), "image/jpeg")
    _, decoded, _ = stored_image(response)
    assert decoded.size == (60, 40)


# --- Bad files ----------------------------------------------------------------------------

NOT_READABLE = "could not be read as an image"


def _truncated(fmt):
    data = encode(noise((160, 160)), fmt)
    return data[: len(data) // 2]


BAD = [
    pytest.param("half.jpg", _truncated("JPEG"), "image/jpeg", NOT_READABLE, id="truncated-jpeg"),
    pytest.param("half.png", _truncated("PNG"), "image/png", NOT_READABLE, id="truncated-png"),
    pytest.param("half.gif", _truncated("GIF"), "image/gif", NOT_READABLE, id="truncated-gif"),
    pytest.param("half.webp", _truncated("WEBP"), "image/webp", NOT_READABLE, id="truncated-webp"),
    pytest.param(
        "head.jpg", encode(picture(), "JPEG")[:200], "image/jpeg", NOT_READABLE, id="jpeg-header-only"
    ),
    pytest.param(
        "essay.jpg", b"This is my essay, not a picture.\n" * 40, "image/jpeg", NOT_READABLE, id="text-as-jpg"
    ),
    pytest.param(
        "x.gif",
        b"<html><body><script>alert(document.cookie)</script></body></html>",
        "image/gif",
        NOT_READABLE,
        id="html-as-gif",
    ),
    pytest.param(
        "x.gif",
        b"GIF89a<script>alert(document.cookie)</script>",
        "image/gif",
        NOT_READABLE,
        id="gif-magic-html",
    ),
    pytest.param(
        "x.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="9" height="9"/></svg>',
        "image/svg+xml",
        "SVG drawings cannot be added",
        id="svg",
    ),
    pytest.param("pic.bmp", encode(picture(), "BMP"), "image/bmp", "Only JPEG, PNG, GIF and WebP", id="bmp"),
    pytest.param(
        "pic.tif", encode(picture(), "TIFF"), "image/tiff", "Only JPEG, PNG, GIF and WebP", id="tiff"
    ),
    pytest.param(
        "pic.ico", encode(picture((32, 32)), "ICO"), "image/png", "Only JPEG, PNG, GIF and WebP", id="ico"
    ),
    pytest.param(
        "random.png", random.Random(2).randbytes(3000), "image/png", NOT_READABLE, id="random-bytes"
    ),
    pytest.param(
        "broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "image/png", NOT_READABLE, id="png-magic-garbage"
    ),
]


@pytest.mark.parametrize(("name", "data", "content_type", "message"), BAD)
def test_bad_file_is_refused_with_a_message(member_client, settings, name, data, content_type, message):
    assert_refused(upload(member_client, name, data, content_type), settings, message)


def test_empty_file_is_refused(member_client, settings):
    response = upload(member_client, "empty.jpg", b"", "image/jpeg")
    assert response.status_code == 400
    assert response.json()["image"]
    assert PostImage.objects.count() == 0


def test_no_file_is_refused(member_client, settings):
    assert_refused(member_client.post(UPLOAD, {}), settings, "Choose an image file")


def test_decompression_bomb_is_refused(member_client, settings):
    """20000×20000 pixels in a few kilobytes: refused before anything is decoded."""
    data = png_claiming(20_000, 20_000)
    assert len(data) < 100_000
    assert_refused(upload(member_client, "bomb.png", data, "image/png"), settings, "too large")


def test_image_between_pillows_warning_and_its_error_is_refused(member_client, settings):
    """Pillow only warns between 89 and 179 megapixels: that is refused too."""
    data = png_claiming(10_000, 10_000)
    assert_refused(upload(member_client, "big.png", data, "image/png"), settings, "too large")


def test_image_over_our_pixel_limit_is_refused(member_client, settings):
    """7000×7000 is below Pillow's own limit but above the 40 megapixels we accept."""
    data = png_claiming(7_000, 7_000)
    assert_refused(upload(member_client, "big.png", data, "image/png"), settings, "40 megapixels")


def test_pixel_limit_follows_the_setting(member_client, settings):
    settings.IMAGE_MAX_PIXELS = 5_000
    data = encode(picture((100, 100)), "PNG")
    assert_refused(upload(member_client, "p.png", data, "image/png"), settings, "100×100 pixels")


def test_oversized_upload_is_refused_before_reading(member_client, settings):
    settings.IMAGE_MAX_BYTES = 20_000
    data = encode(noise((200, 200)), "PNG")
    assert len(data) > 20_000 + 64 * 1024
    assert_refused(upload(member_client, "huge.png", data, "image/png"), settings, "larger than 19.5 KB")


def test_oversized_file_is_refused(member_client, settings):
    settings.IMAGE_MAX_BYTES = 20_000
    data = encode(noise((100, 100)), "PNG")
    assert 20_000 < len(data) < 20_000 + 64 * 1024
    assert_refused(upload(member_client, "big.png", data, "image/png"), settings, "larger than 19.5 KB")


def test_default_size_limit_is_10_mb(member_client, settings):
    assert settings.IMAGE_MAX_BYTES == 10 * 1024 * 1024
    data = b"\xff\xd8\xff" + random.Random(3).randbytes(10 * 1024 * 1024 + 100)
    assert_refused(upload(member_client, "big.jpg", data, "image/jpeg"), settings, "larger than 10.0 MB")


def test_garbled_content_length_is_not_a_server_error(member_client, settings):
    response = member_client.post(
        UPLOAD,
        {"image": SimpleUploadedFile("a.png", encode(picture(), "PNG"), "image/png")},
        CONTENT_LENGTH="not-a-number",
    )
    assert response.status_code == 400
    assert response.json()["image"]
    assert PostImage.objects.count() == 0


# --- Who may upload -----------------------------------------------------------------------


def test_anonymous_cannot_upload(client, db, settings):
    response = upload(client, "a.png", encode(picture(), "PNG"), "image/png")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert PostImage.objects.count() == 0
    assert stored_files(settings) == []


def test_user_without_a_course_cannot_upload(client, outsider, settings):
    client.force_login(outsider)
    response = upload(client, "a.png", encode(picture(), "PNG"), "image/png")
    assert response.status_code == 403
    assert PostImage.objects.count() == 0
    assert stored_files(settings) == []


def test_upload_needs_post(member_client):
    assert member_client.get(UPLOAD).status_code == 405


def test_upload_needs_the_csrf_token(member, settings):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    data = encode(picture(), "PNG")
    response = upload(client, "a.png", data, "image/png")
    assert response.status_code == 403
    assert PostImage.objects.count() == 0
    # With the token the write page gives, the same upload goes through.
    write = reverse("posts:write", kwargs={"course_slug": member.memberships.get().course.slug})
    assert client.get(write).status_code == 200
    token = client.cookies["csrftoken"].value
    response = client.post(
        UPLOAD, {"image": SimpleUploadedFile("a.png", data, "image/png"), "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 200
    assert PostImage.objects.count() == 1


# --- The live preview -----------------------------------------------------------------------


def test_preview_renders_through_the_pipeline(member_client):
    text = (
        "# Heading\n\n**bold** <script>alert(1)</script> [x](javascript:alert(1))\n\n"
        "A note[^1].\n\n[^1]: Source."
    )
    response = member_client.post(PREVIEW, {"content": text})
    assert response.status_code == 200
    html = response.content.decode()
    assert html == render_post_markdown(text)
    page = BeautifulSoup(html, "html.parser")
    assert page.find("strong").text == "bold"
    assert page.find("h2").text == "Heading"
    assert page.find("script") is None
    assert not page.find_all(href=re.compile("javascript", re.IGNORECASE))
    assert page.find("section", class_="footnotes") is not None


def test_preview_requires_login(client):
    response = client.post(PREVIEW, {"content": "**bold**"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert b"<strong>" not in response.content


def test_preview_needs_post(member_client):
    assert member_client.get(PREVIEW, {"content": "**bold**"}).status_code == 405


def test_preview_needs_the_csrf_token(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.post(PREVIEW, {"content": "**bold**"})
    assert response.status_code == 403
    assert b"<strong>bold</strong>" not in response.content


def test_preview_refuses_too_long_input(member_client, settings):
    settings.POST_BODY_MAX_CHARS = 100
    response = member_client.post(PREVIEW, {"content": "word " * 30})
    assert response.status_code == 400
    assert "too long" in response.content.decode()
    assert member_client.post(PREVIEW, {"content": "word " * 19}).status_code == 200
