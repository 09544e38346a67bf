# Consent to publish and pseudonymous author addresses (issue 18).

import django.db.models.deletion
from django.db import migrations, models

import courses.models


def give_each_membership_an_author_slug(apps, schema_editor):
    """A slug of its own for every existing membership (a column default would give them all one)."""
    Membership = apps.get_model("courses", "Membership")
    taken = set()
    for membership in Membership.objects.order_by("pk").only("pk", "course_id"):
        slug = courses.models.new_author_slug()
        while (membership.course_id, slug) in taken:
            slug = courses.models.new_author_slug()
        taken.add((membership.course_id, slug))
        Membership.objects.filter(pk=membership.pk).update(author_slug=slug)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0005_course_archive"),
    ]

    operations = [
        migrations.AddField(
            model_name="course",
            name="consent_text",
            field=models.TextField(
                default=courses.models.default_consent_text,
                help_text="In a public course, what a student agrees to before their posts are shown to "
                "anyone who is not a member. Each consent keeps the text it was given to.",
            ),
        ),
        migrations.AddField(
            model_name="membership",
            name="publish_consent_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="membership",
            name="author_slug",
            field=models.SlugField(default="", editable=False, max_length=20),
            preserve_default=False,
        ),
        migrations.RunPython(give_each_membership_an_author_slug, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="membership",
            name="author_slug",
            field=models.SlugField(default=courses.models.new_author_slug, editable=False, max_length=20),
        ),
        migrations.AddConstraint(
            model_name="membership",
            constraint=models.UniqueConstraint(
                fields=("course", "author_slug"), name="one_author_slug_per_course"
            ),
        ),
        migrations.CreateModel(
            name="PublishConsent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "text",
                    models.TextField(help_text="The course's consent text as the student was shown it."),
                ),
                ("given_at", models.DateTimeField()),
                ("revoked_at", models.DateTimeField(blank=True, null=True)),
                (
                    "membership",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="publish_consents",
                        to="courses.membership",
                    ),
                ),
            ],
            options={
                "ordering": ["-given_at", "-pk"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("revoked_at__isnull", True)),
                        fields=("membership",),
                        name="one_open_consent_per_member",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("revoked_at__isnull", True),
                            ("revoked_at__gte", models.F("given_at")),
                            _connector="OR",
                        ),
                        name="consent_revoked_after_given",
                    ),
                ],
            },
        ),
    ]
