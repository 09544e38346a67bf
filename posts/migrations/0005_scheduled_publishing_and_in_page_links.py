"""Scheduled publishing's marker, and every stored post rendered again for in-page links and excerpts.

- went_live_at: a post live already has had its going-live moment; it is dated
  with its publication so the tick (posts/tick.py) does not take it for due.
- body_html: headings now carry ids, and links to them or to the footnotes
  follow the prefixed ids while page anchors such as #comments are left alone.
- excerpt: whole sentences, with headings, tables and list items no longer run
  into the prose.
"""

from django.db import migrations, models
from django.db.models import F
from django.utils import timezone

from posts.markdown import excerpt_of, plain_text, render_post_markdown


def mark_live_posts(apps, schema_editor):
    Post = apps.get_model("posts", "Post")
    Post.objects.filter(
        status="published", published_at__lte=timezone.now(), went_live_at__isnull=True
    ).update(went_live_at=F("published_at"))


def rerender(apps, schema_editor):
    Post = apps.get_model("posts", "Post")
    for post in Post.objects.only("pk", "body").iterator(chunk_size=200):
        html = render_post_markdown(post.body)
        Post.objects.filter(pk=post.pk).update(
            body_html=html, excerpt=excerpt_of(html), word_count=len(plain_text(html).split())
        )


class Migration(migrations.Migration):
    dependencies = [("posts", "0004_image_provenance")]

    operations = [
        migrations.AddField(
            model_name="post",
            name="went_live_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="post",
            index=models.Index(
                condition=models.Q(("went_live_at__isnull", True)),
                fields=["published_at"],
                name="post_going_live_due",
            ),
        ),
        # Reversing: the field goes with its column; the new output is kept (nothing worth restoring).
        migrations.RunPython(mark_live_posts, migrations.RunPython.noop),
        migrations.RunPython(rerender, migrations.RunPython.noop),
    ]
