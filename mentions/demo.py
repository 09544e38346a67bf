"""The demo's mentions: rkw15's "Check out Caitlin's post" on the seed post lists it on "The Thaw in Print".

The other apps write the demo's comments directly, and their signals make the
mentions as they go; rebuilding here (this app comes after them in
INSTALLED_APPS) also covers a database seeded before this app existed, where
seed_demo finds the comments already there and writes nothing.
"""

from courses.demo import register

from .services import mentions_rebuild


@register
def seed(context):
    mentions_rebuild(courses=list(context.courses.values()))
