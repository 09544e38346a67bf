"""The search entries, and each engine's index over them: FTS5 on SQLite, a GIN-indexed tsvector on PostgreSQL.

Made by makemigrations, then the engine-specific parts moved into operations
that run on one database only. The SQL comes from search/ddl.py, which
`manage.py rebuild_search` uses too to create the FTS5 table again.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

from search import ddl


class RunSQLOn(migrations.RunSQL):
    """RunSQL on one database vendor only."""

    def __init__(self, vendor, *args, **kwargs):
        self.vendor = vendor
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        return name, [self.vendor, *args], kwargs

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class AddIndexOn(migrations.AddIndex):
    """An index of the model's state everywhere, created in one database vendor only (GIN: PostgreSQL)."""

    def __init__(self, vendor, *args, **kwargs):
        self.vendor = vendor
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        return name, [self.vendor, *args], kwargs

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('comments', '0002_protect_authors_and_threads'),
        ('courses', '0004_course_assign_readers_course_time_zone'),
        ('posts', '0003_rerender_stored_post_html'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.TextField(blank=True)),
                ('body', models.TextField(blank=True)),
                ('tags', models.TextField(blank=True)),
                ('comment_body', models.TextField(blank=True)),
                ('vector', django.contrib.postgres.search.SearchVectorField(editable=False, null=True)),
                ('comment', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='comments.comment')),
                ('course', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='courses.course')),
                ('post', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='posts.post')),
            ],
            options={
                'verbose_name_plural': 'search entries',
                'ordering': ['pk'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('comment__isnull', True)), fields=('post',), name='one_search_entry_per_post')],
            },
        ),
        RunSQLOn(
            "postgresql",
            sql=list(ddl.POSTGRES_CREATE),
            reverse_sql=list(ddl.POSTGRES_DROP),
        ),
        AddIndexOn(
            "postgresql",
            model_name="searchentry",
            index=django.contrib.postgres.indexes.GinIndex(fields=["vector"], name="search_entry_vector"),
        ),
        RunSQLOn(
            "sqlite",
            sql=[ddl.SQLITE_CREATE_TABLE, *ddl.SQLITE_CREATE_TRIGGERS],
            reverse_sql=list(ddl.SQLITE_DROP),
        ),
    ]
