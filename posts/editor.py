"""Fields that apps above posts add to the post editor, without posts knowing them.

posts sits below comments, awards and coursework and may not name their models,
yet the editor is where a student says which prompt a post answers. So an app
registers an EditorExtension (in its AppConfig.ready), and the editor view asks
each one to add its fields to the form, draws each one's template in the form,
and hands each one the saved post.
"""

_extensions = []


class EditorExtension:
    template_name = ""  # drawn inside the editor's form, after the tags

    def add_fields(self, form, *, course, post, user, query) -> None:
        """Add fields to `form` (a PostForm); `query` is the editor's GET parameters (?prompt=...)."""

    def saved(self, form, post, *, user) -> None:
        """The post was saved from `form` (valid): store what the extension's fields said."""


def register(extension: EditorExtension) -> EditorExtension:
    if not any(type(e) is type(extension) for e in _extensions):
        _extensions.append(extension)
    return extension


def extensions() -> list[EditorExtension]:
    return list(_extensions)
