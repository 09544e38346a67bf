from django import forms
from django.conf import settings
from django.utils.text import slugify
from markdownx.widgets import MarkdownxWidget

from .models import Category, Post
from .services import DEFAULT_CATEGORY


class PostForm(forms.ModelForm):
    tags_text = forms.CharField(
        label="Tags",
        required=False,
        max_length=500,
        help_text="Separate tags with commas, for example: Khrushchev, Gulag.",
    )

    class Meta:
        model = Post
        fields = ["title", "body", "category"]
        widgets = {"body": MarkdownxWidget(attrs={"rows": 18})}
        help_texts = {
            "body": (
                "Markdown: **bold**, *italic*, ## headings, - lists, [links](https://...), "
                "footnotes[^1] with [^1]: Source. Drop an image here or use “Add an image”."
            )
        }

    def __init__(self, *args, course, **kwargs):
        super().__init__(*args, **kwargs)
        # The empty choice is "Uncategorized": the real row would show the name twice.
        self.fields["category"].queryset = Category.objects.filter(course=course).exclude(
            slug=slugify(DEFAULT_CATEGORY)
        )
        self.fields["category"].required = False
        self.fields["category"].empty_label = "Uncategorized"
        self.fields["body"].max_length = settings.POST_BODY_MAX_CHARS
        if self.instance.pk:
            self.fields["tags_text"].initial = ", ".join(t.name for t in self.instance.tags.all())

    def clean_body(self):
        body = self.cleaned_data["body"]
        limit = settings.POST_BODY_MAX_CHARS
        if len(body) > limit:
            raise forms.ValidationError(
                f"The post is {len(body):,} characters long; the limit is {limit:,}. Split it into two posts."
            )
        return body
