"""Re-render every stored post with the current pipeline.

body_html is rendered on save, so posts saved before these fixes kept the old output:
image paths climbing out of the media folder ("/media/../"), which made readers' browsers
request other pages of the site, and "[1:1]" captions on notes cited twice.
"""

from django.db import migrations

from posts.markdown import excerpt_of, plain_text, render_post_markdown


def rerender(apps, schema_editor):
    Post = apps.get_model("posts", "Post")
    for post in Post.objects.only("pk", "body").iterator(chunk_size=200):
        html = render_post_markdown(post.body)
        Post.objects.filter(pk=post.pk).update(
            body_html=html, excerpt=excerpt_of(html), word_count=len(plain_text(html).split())
        )


class Migration(migrations.Migration):
    dependencies = [("posts", "0002_recompute_excerpts_without_captions_and_footnotes")]

    # Nothing to undo: the old output is what the fixes removed.
    operations = [migrations.RunPython(rerender, migrations.RunPython.noop)]
