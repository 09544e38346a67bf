"""Uploads built to hurt: many-frame animations, lying headers, bombs. Bounded time and memory."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from posts.images import ImageRejected, clean_image

ROOT = Path(__file__).resolve().parents[2]


def _animated_gif(frames: int) -> bytes:
    images = [Image.new("P", (16, 16), color=n % 256) for n in range(frames)]
    out = io.BytesIO()
    images[0].save(out, "GIF", save_all=True, append_images=images[1:], duration=10, loop=0)
    return out.getvalue()


def _animated_webp(frames: int) -> bytes:
    images = [Image.new("RGB", (16, 16), color=(n % 256, 0, 0)) for n in range(frames)]
    out = io.BytesIO()
    images[0].save(out, "WEBP", save_all=True, append_images=images[1:], duration=10)
    return out.getvalue()


def _bomb_png() -> bytes:
    out = io.BytesIO()
    Image.new("1", (20000, 20000)).save(out, "PNG")
    return out.getvalue()


def _jpeg_claiming(width: int, height: int) -> bytes:
    """A real small JPEG whose frame header is rewritten to claim a huge size."""
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "JPEG")
    data = bytearray(out.getvalue())
    sof = data.find(b"\xff\xc0")
    data[sof + 5 : sof + 9] = height.to_bytes(2, "big") + width.to_bytes(2, "big")
    return bytes(data)


@pytest.mark.parametrize("maker", [_animated_gif, _animated_webp], ids=["gif", "webp"])
def test_an_animation_with_thousands_of_frames_is_stored_as_its_first_frame(maker, settings):
    data = maker(3000)
    cleaned = clean_image(SimpleUploadedFile("many.img", data))
    with Image.open(io.BytesIO(cleaned.content.read())) as stored:
        assert getattr(stored, "n_frames", 1) == 1
        assert stored.size == (16, 16)


def test_a_header_that_claims_a_huge_image_is_refused():
    with pytest.raises(ImageRejected, match="megapixels|too large"):
        clean_image(SimpleUploadedFile("huge.jpg", _jpeg_claiming(65000, 65000)))


MEASURE = """
import io, json, resource, sys, django
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from posts.images import ImageRejected, clean_image
data = sys.stdin.buffer.read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    clean_image(SimpleUploadedFile("upload", data))
    outcome = "stored"
except ImageRejected as refusal:
    outcome = str(refusal)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"outcome": outcome, "grew_kb": after - before}))
"""


def _peak_growth_kb(data: bytes) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", MEASURE],
        input=data,
        cwd=ROOT,
        capture_output=True,
        timeout=120,
        env={"DJANGO_SETTINGS_MODULE": "coursesite.settings", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    return json.loads(result.stdout.decode().strip().splitlines()[-1])


@pytest.mark.parametrize(
    "name, maker",
    [
        ("bomb", _bomb_png),
        ("lying header", lambda: _jpeg_claiming(60000, 60000)),
        ("3000 frames", lambda: _animated_gif(3000)),
    ],
)
def test_hostile_files_cost_a_bounded_amount_of_memory(name, maker):
    measured = _peak_growth_kb(maker())
    # A refused bomb must not be decoded at all; 64 MB covers Pillow's buffers with room to spare.
    assert measured["grew_kb"] < 64 * 1024, f"{name}: {measured}"


def test_the_largest_allowed_image_stays_within_its_decoded_size():
    """40 megapixels at 3 bytes each is 120 MB decoded; the whole clean-up stays under 2.5 times that."""
    out = io.BytesIO()
    Image.new("RGB", (8000, 5000), "white").save(out, "PNG")
    measured = _peak_growth_kb(out.getvalue())
    assert measured["outcome"] == "stored"
    assert measured["grew_kb"] < 300 * 1024, measured
