"""`manage.py backup`: an online copy of SQLite and the media folder; on PostgreSQL, the pg_dump to run."""

import io
import shlex
import sqlite3
import threading
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from ops.management.commands.backup import backup_sqlite, open_source, pg_dump_command
from tests.factories import PostFactory

on_postgresql = connection.vendor == "postgresql"
sqlite_only = pytest.mark.skipif(
    on_postgresql, reason="copies SQLite; on PostgreSQL the command names pg_dump instead (tested below)"
)


def run_backup(*args) -> str:
    out = io.StringIO()
    call_command("backup", *map(str, args), stdout=out)
    return out.getvalue()


def only_backup_in(folder: Path) -> Path:
    (made,) = folder.iterdir()
    return made


@sqlite_only
@pytest.mark.django_db(transaction=True)  # the backup reads what is committed, as on the live site
def test_a_backup_holds_every_post_and_every_media_file(tmp_path, settings):
    posts = [PostFactory(title=f"Essay number {n}: on the Thaw") for n in range(5)]
    stored = default_storage.save("posts/2026/12/picture.png", ContentFile(b"\x89PNG not really"))
    dest = tmp_path / "backups"

    output = run_backup(dest)

    backup = only_backup_in(dest)
    assert backup.name.startswith("coursesite-") and not backup.name.endswith(".partial")
    assert f"Backup written to {backup}" in output
    copy = sqlite3.connect(backup / "db.sqlite3")
    try:
        titles = {title for (title,) in copy.execute("SELECT title FROM posts_post")}
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one file, nothing beside it
    finally:
        copy.close()
    assert titles == {post.title for post in posts}
    assert (backup / "media" / stored).read_bytes() == b"\x89PNG not really"
    assert sorted(p.name for p in backup.iterdir()) == ["db.sqlite3", "media"]
    assert backup.stat().st_mode & 0o777 == 0o700  # it holds password hashes and sessions


@sqlite_only
@pytest.mark.django_db  # the test's own open transaction: what it wrote is not committed
def test_inside_a_transaction_it_refuses_instead_of_waiting_for_ever(tmp_path):
    PostFactory()
    with pytest.raises(CommandError, match="outside a transaction"):
        run_backup(tmp_path / "backups")
    assert not (tmp_path / "backups").exists()


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_dry_run_lists_what_would_be_copied_and_copies_nothing(tmp_path):
    PostFactory()
    default_storage.save("posts/2026/12/a.png", ContentFile(b"a" * 10))
    default_storage.save("posts/2026/12/b.png", ContentFile(b"b" * 10))
    dest = tmp_path / "backups"

    output = run_backup(dest, "--dry-run")

    assert "Would create" in output
    assert "db.sqlite3: the database" in output
    assert "media: 2 files (20\xa0bytes) to copy from" in output
    assert not dest.exists()


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_with_media_on_s3_the_database_is_copied_and_the_bucket_named(tmp_path, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {"bucket_name": "course-media"}},
    }
    dest = tmp_path / "backups"
    output = run_backup(dest)
    assert "media: not copied; uploads are in S3Storage" in output
    assert sorted(p.name for p in only_backup_in(dest).iterdir()) == ["db.sqlite3"]


def test_the_copy_is_consistent_while_the_site_writes(tmp_path):
    """A WAL database written to all the while: the copy holds whole transactions only.

    Each transaction writes two rows, so a copy caught halfway through one would hold an odd number.
    """
    live = tmp_path / "live.sqlite3"
    setup = sqlite3.connect(live)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE entry (id INTEGER PRIMARY KEY, body TEXT)")
    setup.commit()
    setup.close()
    stop, written = threading.Event(), [0]

    def writer():
        db = sqlite3.connect(live, timeout=20, isolation_level=None)
        while not stop.is_set():
            db.execute("BEGIN IMMEDIATE")
            db.executemany("INSERT INTO entry (body) VALUES (?)", [("x" * 500,), ("y" * 500,)])
            db.execute("COMMIT")
            written[0] += 1
        db.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while written[0] < 200:  # well under way
            stop.wait(0.01)
        copies = []
        for n in range(5):
            source = open_source({"NAME": str(live)})  # as the command opens the site's database
            try:
                backup_sqlite(source, tmp_path / f"copy{n}.sqlite3")
            finally:
                source.close()
            copies.append(tmp_path / f"copy{n}.sqlite3")
    finally:
        stop.set()
        thread.join()
    counts = []
    for path in copies:
        db = sqlite3.connect(path)
        counts.append(db.execute("SELECT count(*) FROM entry").fetchone()[0])
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        db.close()
    assert all(count % 2 == 0 and count >= 400 for count in counts), counts
    assert counts == sorted(counts)  # each copy is a later moment of the same database


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_a_missing_database_file_is_an_error_not_an_empty_copy(tmp_path, settings, monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "NAME", str(tmp_path / "nowhere.sqlite3"))
    with pytest.raises(CommandError, match="There is no database at"):
        run_backup(tmp_path / "backups")
    assert list((tmp_path / "backups").iterdir()) == []  # no half-made backup left behind


@pytest.mark.skipif(not on_postgresql, reason="runs when the suite runs on PostgreSQL (DATABASE_URL)")
@pytest.mark.django_db
def test_on_postgresql_it_explains_pg_dump_and_fails(tmp_path):
    with pytest.raises(CommandError) as refused:
        run_backup(tmp_path)
    message = str(refused.value)
    assert "back it up with pg_dump" in message and "PGPASSWORD" in message
    database = connection.settings_dict
    arguments = shlex.split(message.splitlines()[-1])
    assert arguments[:2] == ["pg_dump", "--format=custom"]
    assert arguments[2].startswith(f"--file={tmp_path}/coursesite-") and arguments[2].endswith(".dump")
    assert f"--username={database['USER']}" in arguments
    assert arguments[-1] == database["NAME"]
    assert not any("password" in argument.lower() for argument in arguments)
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_the_pg_dump_command_is_built_from_the_settings_without_the_password():
    command = pg_dump_command(
        {"NAME": "coursesite", "USER": "app", "PASSWORD": "s3cret-pass", "HOST": "db.internal", "PORT": 5432},
        Path("/var/backups/coursesite-20261201T000000Z.dump"),
    )
    assert command == (
        "pg_dump --format=custom --file=/var/backups/coursesite-20261201T000000Z.dump "
        "--host=db.internal --port=5432 --username=app coursesite"
    )
    assert "s3cret" not in command
