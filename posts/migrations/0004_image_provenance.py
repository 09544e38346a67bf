"""Images carry where they come from, and belong to the post that shows them.

Images uploaded before this are linked to the first post (by creation) of their
uploader whose text names their file, as saving a post links them from now on
(posts.images.link_post_images); an image in no post is seen by its uploader only.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def link_existing_images(apps, schema_editor):
    PostImage = apps.get_model("posts", "PostImage")
    Post = apps.get_model("posts", "Post")
    for image in PostImage.objects.filter(post=None).iterator():
        post = (
            Post.objects.filter(author_id=image.uploader_id, body__contains=image.file.name)
            .order_by("created_at", "pk")
            .first()
        )
        if post is not None:
            image.post = post
            position = post.body.find(image.file.name)
            # Ordered by where the text first names the file (only the order matters).
            image.position = min(position, 32767)
            image.save(update_fields=["post", "position"])


class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0003_rerender_stored_post_html"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="postimage",
            name="alt_text",
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AddField(
            model_name="postimage",
            name="caption",
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AddField(
            model_name="postimage",
            name="credit",
            field=models.CharField(blank=True, help_text="Who made the image.", max_length=300),
        ),
        migrations.AddField(
            model_name="postimage",
            name="licence",
            field=models.CharField(
                choices=[
                    ("public-domain", "Public domain"),
                    ("cc-by", "CC BY"),
                    ("cc-by-sa", "CC BY-SA"),
                    ("cc-by-nc", "CC BY-NC"),
                    ("permission", "Used with permission"),
                    ("unknown", "Unknown"),
                ],
                default="unknown",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="postimage",
            name="position",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="postimage",
            name="post",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="images",
                to="posts.post",
            ),
        ),
        migrations.AddField(
            model_name="postimage",
            name="source_title",
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AddField(
            model_name="postimage",
            name="source_url",
            field=models.URLField(blank=True, max_length=500),
        ),
        migrations.AlterField(
            model_name="postimage",
            name="file",
            field=models.ImageField(
                db_index=True, height_field="height", upload_to="posts/%Y/%m/", width_field="width"
            ),
        ),
        migrations.AddConstraint(
            model_name="postimage",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("source_url", ""),
                    ("source_url__startswith", "http://"),
                    ("source_url__startswith", "https://"),
                    _connector="OR",
                ),
                name="image_source_url_is_http",
            ),
        ),
        migrations.RunPython(link_existing_images, migrations.RunPython.noop),
    ]
