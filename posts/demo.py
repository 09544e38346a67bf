"""The demo's posts: the seed post with its two images and sources, and a lived-in front page."""

import datetime
import io
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from courses.demo import register

from . import services
from .images import clean_image, image_store
from .models import Post, PostImage

DATA = Path(__file__).parent / "demo_data"
SEED_TITLE = "Soviet Prisoners Released . . . Not All Necessarily Free"
SEED_SLUG = "soviet-prisoners-released-not-all-necessarily-free"

OTHER_POSTS = [
    ("caitlin", "The Thaw in Print: Novy Mir and Its Readers", "Culture", "thaw, literature"),
    ("cpurvis2", "Virgin Lands: Khrushchev's Great Gamble", "Economy", "agriculture, Khrushchev"),
    ("rkw15", "Sputnik and the Space Race at Home", "Science", "space, propaganda"),
    ("jslattery", "Women's Work in the Postwar Factory", "Society", "women, labour"),
    ("dmorozov", "The 1957 Youth Festival: Moscow Opens Its Doors", "Culture", "youth, festival"),
    ("caitlin", "Communal Apartments and the Khrushchevka", "Society", "housing"),
    ("cpurvis2", "The Hungarian Uprising Seen from Moscow", "Politics", "Hungary, 1956"),
    ("rkw15", "Corn, Corn Everywhere", "Economy", "agriculture"),
    ("jslattery", "Doctor Zhivago and the Nobel Prize Affair", "Culture", "Pasternak, literature"),
    ("dmorozov", "The Anti-Party Group of 1957", "Politics", "Khrushchev, Molotov"),
    ("kpeters", "Letters Home from the Virgin Lands", "Society", "letters, agriculture"),
    ("caitlin", "Kitchen Debate: Consumer Goods as Cold War Weapons", "Politics", "Nixon, consumer goods"),
]

FILLER = (
    "This week's primary source shows how ordinary people lived through the change. "
    "The document is short, but its choice of words says a great deal about what the "
    "authorities hoped readers would believe.\n\n"
    "Reading it beside Freeze's chapter[^1], I noticed how often the official line and "
    "private letters disagree. What do you make of the ending?\n\n"
    "[^1]: Gregory Freeze, *Russia: A History*, chapter 12."
)


def _demo_image(kind: str) -> SimpleUploadedFile:
    """A drawn stand-in for the seed's photographs (a fence, a portrait)."""
    im = Image.new("RGB", (900, 560), (214, 210, 200))
    draw = ImageDraw.Draw(im)
    if kind == "fence":
        draw.rectangle((0, 380, 900, 560), fill=(120, 112, 98))
        for x in range(20, 900, 60):
            draw.rectangle((x, 120, x + 12, 470), fill=(70, 62, 52))
        for y in (150, 230, 310, 390):
            draw.line((0, y, 900, y + 8), fill=(40, 40, 40), width=3)
    else:
        draw.ellipse((330, 90, 570, 350), fill=(190, 160, 140))
        draw.rectangle((270, 350, 630, 560), fill=(50, 50, 60))
    out = io.BytesIO()
    im.save(out, "JPEG", quality=80)
    return SimpleUploadedFile(f"{kind}.jpg", out.getvalue(), content_type="image/jpeg")


def _image_markdown(author, kind, alt, caption, credit, source_title, source_url):
    # The seed credits its images by hand ("... retrieved from: ..."); here they also carry
    # their source, so the post ends with its "Image credits" (the licences are not stated).
    details = {
        "alt": alt,
        "caption": caption,
        "source_title": source_title,
        "source_url": source_url,
        "licence": PostImage.Licence.UNKNOWN,
    }
    stored = image_store(uploader=author, cleaned=clean_image(_demo_image(kind)), details=details)
    return f'![{alt}]({stored.get_absolute_url()} "{caption} | {credit}")'


@register
def seed(context):
    course = context.course
    users = context.users
    now = timezone.now()
    if not Post.objects.filter(course=course, slug=SEED_SLUG).exists():
        author = users["kpeters"]
        body = (
            (DATA / "seed_post.md")
            .read_text(encoding="utf-8")
            .format(
                fence=_image_markdown(
                    author,
                    "fence",
                    "A wooden fence and barbed wire at the site of an old Gulag camp",
                    "Fence at the old Gulag",
                    "Gulag Image retrieved from: Seventeen Moments in Soviet History",
                    "Seventeen Moments in Soviet History",
                    "https://soviethistory.msu.edu/",
                ),
                khrushchev=_image_markdown(
                    author,
                    "portrait",
                    "Portrait of Nikita Khrushchev",
                    "Nikita Khrushchev",
                    "Khrushchev Image retrieved from: Wikimedia Commons",
                    "Wikimedia Commons",
                    "https://commons.wikimedia.org/",
                ),
            )
        )
        post = services.post_save(
            course=course,
            author=author,
            title=SEED_TITLE,
            body=body,
            category=None,
            publish=True,
        )
        Post.objects.filter(pk=post.pk).update(published_at=now - datetime.timedelta(days=2, hours=3))
    for n, (username, title, category_name, tags) in enumerate(OTHER_POSTS, start=1):
        if Post.objects.filter(course=course, title=title).exists():
            continue
        category, _ = course.categories.get_or_create(
            slug=category_name.lower(), defaults={"name": category_name}
        )
        post = services.post_save(
            course=course,
            author=users[username],
            title=title,
            body=FILLER,
            category=category,
            tags_text=tags,
            publish=True,
        )
        Post.objects.filter(pk=post.pk).update(published_at=now - datetime.timedelta(days=2 + n * 2))
    draft_title = "Notes for next week (draft)"
    if not Post.objects.filter(course=course, title=draft_title).exists():
        services.post_save(
            course=course,
            author=users["rkw15"],
            title=draft_title,
            body="Only I and the instructor can see this draft.",
            category=None,
        )
    china = context.courses["china"]
    if not Post.objects.filter(course=china).exists():
        services.post_save(
            course=china,
            author=users["liwei"],
            title="Reading Lu Xun in Translation",
            body="A members-only post: outsiders get a 404.",
            category=None,
            publish=True,
        )
