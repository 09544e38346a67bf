"""Images that load fast on phones (issue 21): narrower copies, sizes in the HTML, the first image eager.

A stored image gets copies 480, 800 and 1200 pixels wide (only those narrower than it); a
post's page gives each of its images width and height (so the text does not jump), a srcset
of the copies and the original with the reading column's sizes, and loading="lazy" to every
image but the first. A copy goes to the readers of its image and to nobody else.
"""

import io
import urllib.request

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from posts import services
from posts.images import clean_image, image_store, rendition_names
from posts.markdown import IMAGE_SIZES, POST_ATTRIBUTES, POST_TAGS, render_post_markdown
from posts.models import Post, PostImage
from tests.factories import CourseFactory, InstructorFactory, MembershipFactory, UserFactory
from tests.ops.conftest import bucket, media_on_s3, s3_client, s3_endpoint  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def photograph(width=1000, height=600, fmt="JPEG", mode="RGB") -> bytes:
    """A picture with detail in it, so a smaller copy is really fewer bytes."""
    im = Image.linear_gradient("L").resize((width, height)).convert(mode)
    out = io.BytesIO()
    im.save(out, fmt)
    return out.getvalue()


def store(uploader, data=None, name="photo.jpg", alt="A fence") -> PostImage:
    upload = SimpleUploadedFile(name, data or photograph(), content_type="image/jpeg")
    return image_store(uploader=uploader, cleaned=clean_image(upload), details={"alt": alt})


def size_of(name: str) -> tuple[int, int]:
    with default_storage.open(name) as f, Image.open(f) as im:
        return im.size


def publish(course, author, body) -> Post:
    return services.post_save(
        course=course, author=author, title="Letters home", body=body, category=None, publish=True
    )


def images_on_page(client, post, *, cached=False):
    if not cached:
        cache.clear()  # the page's own work, not a copy kept from before
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").select(".post-body img")


def fetch(url, user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(url)


def copy_url(image, width, extension="jpg"):
    stem = image.file.name.rpartition(".")[0]
    return reverse("posts:image", kwargs={"name": f"{stem}.{width}w.{extension}"})


# --- The copies ---------------------------------------------------------------------------------


def test_a_stored_photograph_gets_narrower_copies_beside_it():
    image = store(UserFactory(), photograph(1000, 600))
    stem = image.file.name.removesuffix(".jpg")
    assert size_of(f"{stem}.480w.jpg") == (480, 288)
    assert size_of(f"{stem}.800w.jpg") == (800, 480)
    assert not default_storage.exists(f"{stem}.1200w.jpg")  # never wider than the original
    original_bytes = default_storage.size(image.file.name)
    assert (
        default_storage.size(f"{stem}.480w.jpg") < default_storage.size(f"{stem}.800w.jpg") < original_bytes
    )


def test_a_png_gets_webp_copies_that_keep_its_transparency():
    im = Image.linear_gradient("L").resize((900, 300)).convert("RGBA")
    im.putalpha(Image.linear_gradient("L").resize((900, 300)))
    out = io.BytesIO()
    im.save(out, "PNG")
    image = store(UserFactory(), out.getvalue(), name="map.png")
    copy = image.file.name.removesuffix(".png") + ".480w.webp"
    with default_storage.open(copy) as f, Image.open(f) as im:
        assert (im.format, im.size, im.mode) == ("WEBP", (480, 160), "RGBA")


def test_a_small_image_gets_no_copies():
    image = store(UserFactory(), photograph(400, 300))
    folder, _ = image.file.name.rsplit("/", 1)
    assert default_storage.listdir(folder)[1] == [image.file.name.rsplit("/", 1)[1]]


# --- The post's HTML ----------------------------------------------------------------------------


@pytest.fixture
def course_post():
    course = CourseFactory(visibility="public")
    author = MembershipFactory(course=course).user
    first = store(author, photograph(1000, 600), alt="The fence")
    second = store(author, photograph(1200, 800), alt="The tower")
    small = store(author, photograph(300, 200), alt="A stamp")
    body = (
        f'![The fence]({first.get_absolute_url()} "Fence | Archive")\n\nText between.\n\n'
        f"![The tower]({second.get_absolute_url()})\n\nA stamp: ![A stamp]({small.get_absolute_url()})"
    )
    return publish(course, author, body), (first, second, small)


def test_the_post_page_gives_each_image_its_size_and_its_copies(client, course_post):
    post, (first, second, small) = course_post
    fence, tower, stamp = images_on_page(client, post)
    assert (fence["width"], fence["height"]) == ("1000", "600")
    assert (tower["width"], tower["height"]) == ("1200", "800")
    assert (stamp["width"], stamp["height"]) == ("300", "200")
    src = first.get_absolute_url()
    assert fence["srcset"] == f"{copy_url(first, 480)} 480w, {copy_url(first, 800)} 800w, {src} 1000w"
    assert fence["sizes"] == tower["sizes"] == IMAGE_SIZES == "(max-width: 42rem) 100vw, 42rem"
    assert tower["srcset"].split(", ")[-2:] == [
        f"{copy_url(second, 800)} 800w",
        f"{second.get_absolute_url()} 1200w",
    ]
    assert "srcset" not in stamp.attrs and "sizes" not in stamp.attrs  # nothing narrower to offer
    # Every address in a srcset answers with a picture of the width it claims.
    for candidate in fence["srcset"].split(", "):
        url, width = candidate.split(" ")
        response = client.get(url)
        assert response.status_code == 200
        assert Image.open(io.BytesIO(b"".join(response.streaming_content))).width == int(width[:-1])


def test_only_the_first_image_is_fetched_at_once(client, course_post):
    post, _ = course_post
    fence, tower, stamp = images_on_page(client, post)
    assert "loading" not in fence.attrs and fence["fetchpriority"] == "high"
    assert tower["loading"] == stamp["loading"] == "lazy"
    assert "fetchpriority" not in tower.attrs
    assert {img["decoding"] for img in (fence, tower, stamp)} == {"async"}


def test_an_image_dropped_by_the_sanitiser_does_not_count_as_the_first(client):
    course = CourseFactory(visibility="public")
    author = MembershipFactory(course=course).user
    image = store(author)
    post = publish(
        course, author, f"![x](https://tracker.example/p.png)\n\n![A fence]({image.get_absolute_url()})"
    )
    ours = [img for img in images_on_page(client, post) if img.get("src")]
    assert len(ours) == 1 and "loading" not in ours[0].attrs


def test_editing_the_text_keeps_the_sizes(client, course_post):
    post, (first, *_) = course_post
    post.body = post.body.replace("Text between.", "Other words.")
    post.save(update_fields=["body", "updated_at"])
    fence = images_on_page(client, post)[0]
    assert fence["width"] == "1000" and copy_url(first, 480) in fence["srcset"]


def test_the_post_page_runs_the_same_queries_with_one_image_or_many(client):
    course = CourseFactory(visibility="public")
    author = MembershipFactory(course=course).user

    def queries(count):
        body = "\n\n".join(
            f"![Photo {i}]({store(author, alt=f'Photo {i}').get_absolute_url()})" for i in range(count)
        )
        post = services.post_save(
            course=course, author=author, title=f"Post {count}", body=body, category=None, publish=True
        )
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(post.get_absolute_url())
        page = BeautifulSoup(response.content, "html.parser")
        assert len(page.select(".post-body img[srcset]")) == count
        return [query["sql"] for query in captured.captured_queries]

    one, many = queries(1), queries(8)
    assert len(one) == len(many), "\n\n".join(["1 image:", *one, "8 images:", *many])


# --- Hostile text -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "markdown",
    [
        "![a](</media/posts/x.jpg 1w, https://evil.example/y.jpg 2w>)",
        '![a](/media/posts/x.jpg "t\\" srcset=\\"https://evil.example/y.jpg 2w")',
        '![a](/media/posts/x.jpg "t" srcset="https://evil.example/y.jpg 2w" loading="eager")',
        "<img src=/media/posts/x.jpg srcset='https://evil.example/y.jpg 2w' width=1 onload=alert(1)>",
    ],
)
def test_writers_cannot_write_image_attributes(markdown):
    for img in BeautifulSoup(render_post_markdown(markdown), "html.parser").find_all("img"):
        assert "srcset" not in img.attrs and "width" not in img.attrs and "onload" not in img.attrs
        assert "evil" not in img.get("src", "")


@pytest.mark.parametrize(
    ("attribute", "value"),
    [
        ("srcset", "/media/posts/a.480w.jpg 480w, https://evil.example/b.jpg 800w"),
        ("srcset", "//evil.example/b.jpg 480w"),
        ("srcset", "/media/../accounts/logout/ 480w"),
        ("srcset", "/media/posts/a.480w.jpg 480w, data:image/png;base64,AAAA 1w"),
        ("srcset", "/media/posts/a.480w.jpg"),
        ("width", "100%"),
        ("height", "1e9"),
        ("sizes", "100vw"),
        ("loading", "eager"),
        ("fetchpriority", "low"),
        ("decoding", "sync"),
    ],
)
def test_the_sanitiser_keeps_only_our_own_values_of_image_attributes(attribute, value):
    """HTML reaching nh3 another way (a feed's re-cleaning reuses these lists) is held to the same rule."""
    from posts.markdown import _sanitise

    html = _sanitise(f'<img src="/media/posts/a.jpg" alt="a" {attribute}="{value}">', "post")
    img = BeautifulSoup(html, "html.parser").find("img")
    assert img["src"] == "/media/posts/a.jpg"
    assert attribute not in img.attrs
    assert "img" in POST_TAGS and attribute in POST_ATTRIBUTES["img"]


# --- Serving the copies -------------------------------------------------------------------------


def build(visibility):
    course = CourseFactory(visibility=visibility)
    people = {
        "author": MembershipFactory(course=course).user,
        "member": MembershipFactory(course=course).user,
        "instructor": InstructorFactory(course=course).user,
        "other_instructor": InstructorFactory(course=CourseFactory()).user,
        "outsider": UserFactory(),
    }
    image = store(people["author"])
    publish(course, people["author"], f"![A fence]({image.get_absolute_url()})")
    image.refresh_from_db()
    return image, people


@pytest.mark.parametrize("visibility", ["public", "members"])
def test_a_copy_goes_to_the_readers_of_its_image_and_no_one_else(visibility):
    image, people = build(visibility)
    readers = {"anonymous", "outsider", "other_instructor"} if visibility == "public" else set()
    readers |= {"member", "author", "instructor"}
    url = copy_url(image, 480)
    for who in ["anonymous", "outsider", "member", "author", "instructor", "other_instructor"]:
        original = fetch(image.get_absolute_url(), people.get(who))
        copy = fetch(url, people.get(who))
        assert copy.status_code == original.status_code == (200 if who in readers else 404), who
        assert copy["Cache-Control"] == original["Cache-Control"], who
        if who in readers:
            assert copy["Content-Type"] == "image/jpeg"
            assert Image.open(io.BytesIO(b"".join(copy.streaming_content))).width == 480


def test_a_copy_of_an_image_in_no_post_is_its_uploaders_alone():
    uploader = UserFactory()
    image = store(uploader)
    assert fetch(copy_url(image, 480)).status_code == 404
    assert fetch(copy_url(image, 480), UserFactory()).status_code == 404
    assert fetch(copy_url(image, 480), uploader).status_code == 200


def test_made_up_copy_names_are_a_404(settings):
    image, people = build("public")
    stem = image.file.name.removesuffix(".jpg")
    (settings.MEDIA_ROOT / f"{stem}.481w.jpg").write_bytes(photograph(481, 100))  # on disk, named by nobody
    for name in [
        f"{stem}.481w.jpg",  # not one of our widths
        f"{stem}.1200w.jpg",  # wider than the original: never made
        f"{stem}.480w.webp",  # a JPEG's copies are JPEG
        f"{stem}.480w.png",
        f"{stem}.0480w.jpg",
        f"{stem}.480w.jpg.480w.jpg",
        "posts/nothing.480w.jpg",
        f"../{stem}.480w.jpg",
        ".480w.jpg",
    ]:
        response = fetch(reverse("posts:image", kwargs={"name": name}), people["author"])
        assert response.status_code == 404, name
        assert response["Cache-Control"] == "private, no-store"


def test_a_public_copy_is_served_in_as_few_queries_as_its_image(django_assert_num_queries):
    image, _ = build("public")
    with django_assert_num_queries(2):  # as tests/posts/test_image_serving.py pins for the original
        assert fetch(copy_url(image, 800)).status_code == 200


def test_with_x_accel_redirect_the_web_server_sends_the_copy(settings):
    settings.MEDIA_ACCEL_REDIRECT = "/protected-media/"
    image, people = build("members")
    response = fetch(copy_url(image, 480), people["member"])
    assert (
        response["X-Accel-Redirect"]
        == "/protected-media/" + image.file.name.removesuffix(".jpg") + ".480w.jpg"
    )
    assert "X-Accel-Redirect" not in fetch(copy_url(image, 480))


def test_on_s3_the_copies_are_in_the_bucket_and_served_by_signed_redirect(media_on_s3, s3_client, bucket):  # noqa: F811
    media_on_s3()
    image, people = build("members")
    keys = [item["Key"] for item in s3_client.list_objects_v2(Bucket=bucket).get("Contents", [])]
    stem = image.file.name.removesuffix(".jpg")
    for width in (480, 800):
        assert any(key.endswith(f"{stem}.{width}w.jpg") for key in keys), keys
    assert fetch(copy_url(image, 480)).status_code == 404  # anonymous: no signature handed out
    response = fetch(copy_url(image, 480), people["member"])
    assert response.status_code == 302
    assert ".480w.jpg?" in response["Location"]
    with urllib.request.urlopen(response["Location"], timeout=10) as answer:
        assert Image.open(io.BytesIO(answer.read())).width == 480


# --- Posts and images from before -----------------------------------------------------------------


def as_before(image, post):
    """What a site has from before the copies existed: no copy files, HTML without sizes."""
    for name in rendition_names(image.file.name, image.width).values():
        default_storage.delete(name)
    Post.objects.filter(pk=post.pk).update(body_html=render_post_markdown(post.body))


def test_the_command_makes_missing_copies_and_sizes_old_posts(client, settings):
    settings.ANONYMOUS_PAGE_CACHE = True
    image, people = build("public")
    post = image.post
    as_before(image, post)
    assert fetch(copy_url(image, 480)).status_code == 404
    assert "srcset" not in images_on_page(client, post)[0].attrs  # and the page is kept in the cache

    out = io.StringIO()
    call_command("refresh_post_images", "--dry-run", stdout=out)
    assert "2 image copies and 1 post in 1 course would be written" in out.getvalue()
    assert fetch(copy_url(image, 480)).status_code == 404  # a dry run writes nothing

    call_command("refresh_post_images", stdout=out)
    assert fetch(copy_url(image, 480)).status_code == 200
    fence = images_on_page(client, post, cached=True)[0]  # the kept page was made stale
    assert fence["width"] == "1000" and copy_url(image, 800) in fence["srcset"]

    again = io.StringIO()
    call_command("refresh_post_images", stdout=again)
    assert "0 image copies and 0 posts in 0 courses written" in again.getvalue()


def test_the_command_reads_in_chunks(monkeypatch):
    from posts.management.commands import refresh_post_images

    monkeypatch.setattr(refresh_post_images, "CHUNK", 2)
    course = CourseFactory()
    author = MembershipFactory(course=course).user
    posts = []
    for i in range(5):
        image = store(author, alt=f"Photo {i}")
        post = publish(course, author, f"![Photo {i}]({image.get_absolute_url()})")
        as_before(image, post)
        posts.append(post)
    out = io.StringIO()
    call_command("refresh_post_images", stdout=out)
    assert "10 image copies and 5 posts in 1 course written" in out.getvalue()
    assert all("srcset" in html for html in Post.objects.values_list("body_html", flat=True))


def test_the_demo_seed_post_offers_phones_a_smaller_first_photograph(client, settings):
    """The seed post's first photograph is its largest paint on a phone: a smaller copy, its box reserved."""
    from posts.demo import SEED_SLUG

    settings.DEBUG = True  # seed_demo refuses to run otherwise
    call_command("seed_demo", stdout=io.StringIO())
    post = Post.objects.get(slug=SEED_SLUG)
    first, *others = images_on_page(client, post)
    assert (first["width"], first["height"]) == ("1200", "800")
    assert "loading" not in first.attrs and all(img["loading"] == "lazy" for img in others)
    copies = dict(reversed(candidate.split(" ")) for candidate in first["srcset"].split(", "))
    assert set(copies) == {"480w", "800w", "1200w"}
    original = len(b"".join(client.get(copies["1200w"]).streaming_content))
    phone_copy = len(b"".join(client.get(copies["800w"]).streaming_content))
    assert phone_copy < original * 0.6
