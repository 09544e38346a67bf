"""The editors' digest form: an introduction, and a position number per post of the week to feature it.

A number per post rather than an ordered multi-select: it works without
JavaScript, with a keyboard and a screen reader, and says the order plainly.
Posts left blank are not featured; equal numbers keep the posts' own order.
"""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .digests import INTRODUCTION_MAX_CHARS

MAX_POSITION = 99


class DigestForm(forms.Form):
    introduction = forms.CharField(
        required=False,
        max_length=INTRODUCTION_MAX_CHARS,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy(
            "Markdown, like a post: the editors' word on the week. Shown at the top of the digest."
        ),
    )

    def __init__(self, *args, posts, positions: dict[int, int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.posts = list(posts)
        positions = positions or {}
        for post in self.posts:
            self.fields[self.field_name(post)] = forms.IntegerField(
                required=False,
                min_value=1,
                max_value=MAX_POSITION,
                label=_("Position of “%(title)s”") % {"title": post.title},
                initial=positions.get(post.pk),
                widget=forms.NumberInput(
                    attrs={"class": "position-input", "aria-describedby": "positions-help"}
                ),
            )

    @staticmethod
    def field_name(post) -> str:
        return f"position_{post.pk}"

    def position_rows(self):
        """(post, bound field) for each post of the week, for the template's table."""
        return [(post, self[self.field_name(post)]) for post in self.posts]

    def featured(self) -> list:
        """The posts given a number, in the editors' order (call after is_valid())."""
        chosen = [
            (self.cleaned_data[self.field_name(post)], index, post)
            for index, post in enumerate(self.posts)
            if self.cleaned_data.get(self.field_name(post)) is not None
        ]
        return [post for _position, _index, post in sorted(chosen, key=lambda c: (c[0], c[1]))]
