"""Images with provenance (issue 17): what the writer says about an image, its credits and its formats."""

import importlib
import io

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.contrib.messages import get_messages
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import ExifTags, Image
from pillow_heif import register_heif_opener

from posts import services
from posts.images import clean_image, image_store
from posts.models import Post, PostImage
from tests.factories import MembershipFactory, PostFactory

register_heif_opener()

UPLOAD = reverse("posts:upload")
FORMATS = "Only JPEG, PNG, GIF and WebP images, and HEIC photos from phones can be added."


def png(size=(90, 60), color=(30, 120, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def heic_from_a_phone(size=(160, 120)) -> bytes:
    """A HEIC photo as an iPhone writes it: camera make, GPS position, an XMP packet."""
    im = Image.new("RGB", size, (200, 40, 40))
    im.paste((20, 40, 220), (size[0] // 2, 0, size[0], size[1]))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Apple"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (55.0, 45.0, 21.0)
    out = io.BytesIO()
    im.save(out, "HEIF", exif=exif.tobytes(), xmp=b"<x:xmpmeta>taken at home</x:xmpmeta>", quality=90)
    data = out.getvalue()
    with Image.open(io.BytesIO(data)) as check:  # the file really carries what the test says
        assert check.format == "HEIF"
        assert check.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    return data


def upload(client, data=None, name="fence.png", content_type="image/png", **details):
    fields = {"image": SimpleUploadedFile(name, data or png(), content_type=content_type), **details}
    return client.post(UPLOAD, fields)


def panel_details(**overrides):
    return {
        "alt": "A wooden fence in the snow",
        "caption": "Fence at the old Gulag",
        "credit": "Unknown photographer",
        "source_title": "Seventeen Moments in Soviet History",
        "source_url": "https://soviethistory.msu.edu/1953-2/prisoners-return/",
        "licence": "cc-by-sa",
        **overrides,
    }


def stored(author, **details) -> PostImage:
    data = SimpleUploadedFile("x.png", png(), content_type="image/png")
    return image_store(uploader=author, cleaned=clean_image(data), details=details)


def write(author, course, body, *, publish=True, post=None):
    return services.post_save(
        post=post,
        course=course,
        author=author,
        title="Letters home",
        body=body,
        category=None,
        publish=publish,
    )


def credits_section(html):
    return BeautifulSoup(html, "html.parser").select_one("section.image-credits")


# --- What the panel sends is kept -----------------------------------------------------------


def test_the_panel_stores_alt_text_caption_credit_source_and_licence(member_client):
    response = upload(member_client, **panel_details())
    assert response.status_code == 200
    image = PostImage.objects.get()
    assert response.json()["image_url"] == image.get_absolute_url() == f"/media/{image.file.name}"
    assert (image.alt_text, image.caption, image.credit) == (
        "A wooden fence in the snow",
        "Fence at the old Gulag",
        "Unknown photographer",
    )
    assert image.source_title == "Seventeen Moments in Soviet History"
    assert image.source_url == "https://soviethistory.msu.edu/1953-2/prisoners-return/"
    assert image.get_licence_display() == "CC BY-SA"
    assert image.post is None  # nobody's post yet: its uploader's alone


def test_every_licence_the_issue_names_can_be_chosen(member_client):
    labels = {label for _, label in PostImage.Licence.choices}
    assert labels == {"Public domain", "CC BY", "CC BY-SA", "CC BY-NC", "Used with permission", "Unknown"}
    for value, _ in PostImage.Licence.choices:
        assert upload(member_client, **panel_details(licence=value)).status_code == 200
    assert sorted(PostImage.objects.values_list("licence", flat=True)) == sorted(
        v for v, _ in PostImage.Licence.choices
    )


def test_the_panel_refuses_an_image_without_alt_text_and_stores_nothing(member_client):
    response = upload(member_client, **panel_details(alt="   "))
    assert response.status_code == 400
    assert "alt text" in response.json()["alt"][0]
    assert PostImage.objects.count() == 0


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://example.edu/x.png",
        "not a url",
    ],
)
def test_a_source_address_must_be_a_web_address(member_client, url):
    response = upload(member_client, **panel_details(source_url=url))
    assert response.status_code == 400
    assert response.json()["source_url"] == [
        "The source's address must be a web address (http:// or https://)."
    ]
    assert PostImage.objects.count() == 0


def test_a_made_up_licence_is_refused(member_client):
    response = upload(member_client, **panel_details(licence="all-mine"))
    assert response.status_code == 400
    assert "licence" in response.json()
    assert PostImage.objects.count() == 0


def test_a_dropped_image_is_stored_without_details(member_client):
    """markdownx's drag and drop sends the file alone: its alt text is then written in the text."""
    response = upload(member_client)
    assert response.status_code == 200
    image = PostImage.objects.get()
    assert (image.alt_text, image.source_title, image.source_url, image.licence) == ("", "", "", "unknown")


def test_the_database_refuses_a_source_address_that_is_not_http(member):
    from django.db import IntegrityError, transaction

    image = stored(member)
    image.source_url = "javascript:alert(1)"
    with pytest.raises(IntegrityError), transaction.atomic():
        image.save()


# --- Formats: HEIC converted, SVG and others refused by name -------------------------------


def test_a_heic_photo_is_stored_as_jpeg_with_its_metadata_removed(member_client):
    response = upload(
        member_client, heic_from_a_phone(), name="IMG_0001.HEIC", content_type="image/heic", **panel_details()
    )
    assert response.status_code == 200, response.content
    image = PostImage.objects.get()
    assert image.file.name.endswith(".jpg")
    with default_storage.open(image.file.name) as f:
        data = f.read()
    decoded = Image.open(io.BytesIO(data))
    assert decoded.format == "JPEG"
    assert decoded.size == (160, 120) == (image.width, image.height)
    assert not decoded.getexif()
    assert b"Apple" not in data and b"xmpmeta" not in data and b"taken at home" not in data
    assert decoded.getpixel((10, 60))[0] > 150 and decoded.getpixel((150, 60))[2] > 150  # still the picture


def test_a_heic_photo_goes_through_the_same_size_checks(member_client, settings):
    settings.IMAGE_MAX_PIXELS = 100 * 100
    response = upload(member_client, heic_from_a_phone(), name="big.heic", content_type="image/heic")
    assert response.status_code == 400
    assert "megapixels" in response.json()["image"][0]


def test_an_svg_is_refused_with_the_formats_we_take(member_client):
    svg = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>'
    response = upload(member_client, svg, name="map.svg", content_type="image/svg+xml")
    assert response.status_code == 400
    assert response.json()["image"] == [f"SVG drawings cannot be added. {FORMATS}"]
    assert PostImage.objects.count() == 0


def test_another_image_format_is_refused_with_the_formats_we_take(member_client):
    out = io.BytesIO()
    Image.new("RGB", (20, 20)).save(out, "BMP")
    response = upload(member_client, out.getvalue(), name="scan.bmp", content_type="image/bmp")
    assert response.status_code == 400
    assert response.json()["image"] == [FORMATS]


# --- Images belong to the post that shows them ------------------------------------------------


def test_saving_a_post_links_the_images_its_text_shows_in_their_order(course, member):
    first, second, unused = stored(member), stored(member), stored(member)
    body = f"Intro.\n\n![Second]({second.get_absolute_url()})\n\nText ![First]({first.get_absolute_url()})."
    post = write(member, course, body)
    assert list(PostImage.objects.credited_in(post)) == [second, first]
    unused.refresh_from_db()
    assert unused.post is None


def test_the_texts_alt_text_is_the_one_kept(course, member):
    image = stored(member, alt="Old words")
    write(member, course, f"![New words]({image.get_absolute_url()})")
    image.refresh_from_db()
    assert image.alt_text == "New words"


def test_an_image_taken_out_of_the_text_goes_back_to_its_uploader(course, member):
    image = stored(member)
    post = write(member, course, f"![A fence]({image.get_absolute_url()})")
    write(member, course, "No picture any more.", post=post)
    image.refresh_from_db()
    assert image.post is None


def test_another_writers_image_is_not_taken_into_a_post(course, member):
    """Pasting a classmate's image address must not move their image (and its audience) to your post."""
    classmate = MembershipFactory(course=course).user
    theirs = stored(classmate)
    write(member, course, f"![Borrowed]({theirs.get_absolute_url()})")
    theirs.refresh_from_db()
    assert theirs.post is None


def test_an_image_stays_with_the_first_post_that_shows_it(course, member):
    image = stored(member)
    first = write(member, course, f"![A fence]({image.get_absolute_url()})")
    write(member, course, f"![The same fence]({image.get_absolute_url()})")
    image.refresh_from_db()
    assert image.post == first


def test_an_older_post_with_the_storages_own_url_links_its_image(course, member, settings):
    image = stored(member)
    post = write(member, course, f"![A fence]({settings.MEDIA_URL}{image.file.name})")
    assert list(PostImage.objects.credited_in(post)) == [image]


def test_the_migration_links_images_uploaded_before_it_to_their_post(course, member):
    image = stored(member)
    post = PostFactory(course=course, author=member, body=f"![A fence]({image.get_absolute_url()})")
    PostImage.objects.filter(pk=image.pk).update(post=None)  # as every image was before the migration
    migration = importlib.import_module("posts.migrations.0004_image_provenance")
    migration.link_existing_images(apps, None)
    image.refresh_from_db()
    assert image.post == post


# --- "Image credits" at the end of the post ----------------------------------------------------


def test_the_post_ends_with_its_image_credits(client, course, member):
    fence = stored(member, **panel_details())
    portrait = stored(
        member,
        alt="Portrait of Nikita Khrushchev",
        caption="Nikita Khrushchev",
        source_title="Wikimedia Commons",
        source_url="https://commons.wikimedia.org/",
        licence="public-domain",
    )
    body = f"![A fence]({fence.get_absolute_url()})\n\nText.\n\n![Khrushchev]({portrait.get_absolute_url()})"
    post = write(member, course, body)
    html = client.get(post.get_absolute_url()).content.decode()
    section = credits_section(html)
    assert section.h2.get_text() == "Image credits"
    lines = [" ".join(li.get_text().split()) for li in section.select("li")]
    assert lines == [
        "Fence at the old Gulag, by Unknown photographer, retrieved from: "
        "Seventeen Moments in Soviet History. CC BY-SA.",
        "Nikita Khrushchev, retrieved from: Wikimedia Commons. Public domain.",
    ]
    links = section.select("a")
    assert [a["href"] for a in links] == [
        "https://soviethistory.msu.edu/1953-2/prisoners-return/",
        "https://commons.wikimedia.org/",
    ]
    assert all(a["rel"] == ["nofollow", "ugc", "noopener"] for a in links)
    # After the article's text, as the seed's credit lines are.
    assert html.index("post-body") < html.index("image-credits")


def test_an_image_without_a_source_says_so_in_the_credits(client, course, member):
    image = stored(member, alt="A fence", caption="The fence")
    post = write(member, course, f"![A fence]({image.get_absolute_url()})")
    section = credits_section(client.get(post.get_absolute_url()).content.decode())
    assert " ".join(section.li.get_text().split()) == "The fence. Source not given."
    assert section.a is None


def test_a_source_without_an_address_is_plain_text(client, course, member):
    image = stored(member, alt="A fence", source_title="The course reader, p. 12")
    post = write(member, course, f"![A fence]({image.get_absolute_url()})")
    section = credits_section(client.get(post.get_absolute_url()).content.decode())
    assert " ".join(section.li.get_text().split()) == "A fence, retrieved from: The course reader, p. 12."
    assert section.a is None


def test_the_credits_are_escaped(client, course, member):
    image = stored(
        member,
        alt="x",
        caption="<script>alert(1)</script>",
        credit='"><img src=x onerror=alert(2)>',
        source_title="<b>bold</b>",
        source_url='https://example.edu/"onmouseover="alert(3)',
    )
    post = write(member, course, f"![x]({image.get_absolute_url()})")
    section = credits_section(client.get(post.get_absolute_url()).content.decode())
    assert section.find("script") is None and section.find("img") is None and section.find("b") is None
    assert "<script>alert(1)</script>" in section.get_text()
    assert not section.a.has_attr("onmouseover")


def test_a_post_without_images_has_no_credits(client, course, member):
    post = write(member, course, "Only words.")
    assert credits_section(client.get(post.get_absolute_url()).content.decode()) is None


def test_the_credits_follow_a_change_with_caching_on(client, course, member, settings):
    settings.ANONYMOUS_PAGE_CACHE = True  # the course's cache on, as with Redis in production
    first = stored(member, alt="A fence", caption="The fence")
    second = stored(member, alt="A portrait", caption="The portrait")
    post = write(member, course, f"![A fence]({first.get_absolute_url()})")
    reader = Client()
    reader.force_login(MembershipFactory(course=course).user)
    assert len(credits_section(reader.get(post.get_absolute_url()).content.decode()).select("li")) == 1
    write(
        member,
        course,
        f"![A fence]({first.get_absolute_url()})\n\n![P]({second.get_absolute_url()})",
        post=post,
    )
    assert len(credits_section(reader.get(post.get_absolute_url()).content.decode()).select("li")) == 2


def test_the_credits_cost_one_query_however_many_images(client, course, member, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for(post):
        client.get(post.get_absolute_url())  # warm whatever is kept between requests
        with CaptureQueriesContext(connection) as captured:
            assert client.get(post.get_absolute_url()).status_code == 200
        return len(captured)

    one = write(member, course, f"![1]({stored(member, alt='1').get_absolute_url()})")
    body = "\n\n".join(f"![{n}]({stored(member, alt=str(n)).get_absolute_url()})" for n in range(12))
    many = services.post_save(
        course=course, author=member, title="Many", body=body, category=None, publish=True
    )
    assert len(PostImage.objects.credited_in(many)) == 12
    assert queries_for(one) == queries_for(many)
    without = write(member, course, "Only words.")
    assert queries_for(one) - queries_for(without) <= 1


# --- Publishing warns about an image of unknown origin ------------------------------------------


def publish_through_the_site(client, course, body):
    return client.post(
        reverse("posts:write", args=[course.slug]),
        {"title": "Letters home", "body": body, "category": "", "tags_text": "", "action": "publish"},
    )


def test_publishing_with_an_image_without_a_source_warns_and_publishes(member_client, course, member):
    image = stored(member, alt="A fence")
    response = publish_through_the_site(member_client, course, f"![A fence]({image.get_absolute_url()})")
    assert response.status_code == 302
    post = Post.objects.get()
    assert post.is_published
    warnings = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert len(warnings) == 1
    assert "“A fence” has no source" in warnings[0]


def test_publishing_with_every_source_given_does_not_warn(member_client, course, member):
    image = stored(member, alt="A fence", source_title="Seventeen Moments in Soviet History")
    response = publish_through_the_site(member_client, course, f"![A fence]({image.get_absolute_url()})")
    assert response.status_code == 302
    assert Post.objects.get().is_published
    assert not [m for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]


# --- The demo ---------------------------------------------------------------------------------


def test_the_demos_seed_post_credits_its_images_sources(client, db):
    from django.core.management import call_command

    call_command("seed_demo", force=True, verbosity=0)
    from posts.demo import SEED_SLUG

    post = Post.objects.get(slug=SEED_SLUG)
    section = credits_section(client.get(post.get_absolute_url()).content.decode())
    text = " ".join(section.get_text().split())
    assert "Fence at the old Gulag, retrieved from: Seventeen Moments in Soviet History" in text
    assert "Nikita Khrushchev, retrieved from: Wikimedia Commons" in text
