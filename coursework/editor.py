"""The editor's "In response to" field: which prompt a post answers (posts/editor.py explains the hook).

The choices are the course's prompts that have opened, newest first; a post
keeps the prompt it answers even if that one would not be offered. A choice
that is not among them (another course's prompt, sent by hand) is a form
error like any other: the editor shows it and keeps the text.
"""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.permissions import is_member
from posts import editor

from . import weeks
from .models import Prompt, PromptResponse

FIELD = "prompt"


class PromptChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, course, **kwargs):
        self.course = course
        super().__init__(*args, **kwargs)

    def label_from_instance(self, prompt):
        return _("%(title)s, due %(when)s") % {
            "title": prompt.title,
            "when": weeks.label(self.course, prompt.due_at),
        }


class PromptExtension(editor.EditorExtension):
    template_name = "coursework/includes/_editor_prompt.html"

    def add_fields(self, form, *, course, post, user, query) -> None:
        if not is_member(user, course):
            return
        current = PromptResponse.objects.filter(post=post).first() if post is not None else None
        shown = Q(opens_at__lte=timezone.now())
        if current is not None:
            shown |= Q(pk=current.prompt_id)
        choices = Prompt.objects.filter(course=course).filter(shown).order_by("-opens_at", "-pk")
        field = PromptChoiceField(
            queryset=choices,
            course=course,
            required=False,
            label=_("In response to"),
            empty_label=_("No prompt: a post of my own"),
            help_text=_("The prompt this post answers, if any. The prompt's page lists its responses."),
            error_messages={"invalid_choice": _("Choose one of this course's prompts, or none.")},
        )
        if current is not None:
            field.initial = current.prompt_id
        elif query.get("prompt"):
            # "Write your response" on a prompt's page: that prompt, chosen already.
            field.initial = choices.filter(slug=query["prompt"]).values_list("pk", flat=True).first()
        form.fields[FIELD] = field
        form.coursework_prompt_response = current

    def saved(self, form, post, *, user) -> None:
        if FIELD not in form.fields:
            return
        chosen = form.cleaned_data.get(FIELD)
        current = getattr(form, "coursework_prompt_response", None)
        if chosen is None:
            if current is not None:
                current.delete()
        elif current is None:
            PromptResponse.objects.update_or_create(post=post, defaults={"prompt": chosen})
        elif current.prompt_id != chosen.pk:
            current.prompt = chosen
            current.save(update_fields=["prompt"])


editor.register(PromptExtension())
