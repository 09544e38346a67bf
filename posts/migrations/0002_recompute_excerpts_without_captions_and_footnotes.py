"""Recompute stored excerpts: they used to open with image captions and footnote markers."""

from django.db import migrations

from posts.markdown import excerpt_of


def recompute_excerpts(apps, schema_editor):
    Post = apps.get_model("posts", "Post")
    for post in Post.objects.only("pk", "body_html").iterator(chunk_size=500):
        Post.objects.filter(pk=post.pk).update(excerpt=excerpt_of(post.body_html))


class Migration(migrations.Migration):
    dependencies = [("posts", "0001_initial")]

    # Reversing keeps the better excerpts: there is nothing worth restoring.
    operations = [migrations.RunPython(recompute_excerpts, migrations.RunPython.noop)]
