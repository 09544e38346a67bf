"""The "Instructors" group. Its permissions are added after every migrate by
courses/apps.py: on a fresh database the permission rows do not exist yet while
migrations run (Django creates them in post_migrate)."""

from django.db import migrations

GROUP = "Instructors"


def create_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.get_or_create(name=GROUP)


def delete_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("courses", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
