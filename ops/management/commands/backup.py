"""A consistent copy of the site while it runs: the SQLite database and the media folder.

The database is copied with SQLite's online backup API through the site's own
connection settings: it reads one snapshot (in WAL mode writers go on
meanwhile), so the copy is a database as it was at one moment, never a file
caught halfway through a write, which copying db.sqlite3 with cp can give.
Media files are written once under random names and never changed, so they are
copied after the database: every file the copy's posts point at is there.

Everything goes into DEST_DIR/coursesite-<UTC time>/, built under a ".partial"
name and renamed when complete, so a folder without that suffix is a whole backup.
On PostgreSQL the command prints the pg_dump command to use instead.
"""

import shlex
import shutil
import sqlite3
from pathlib import Path

from django.core.files.storage import FileSystemStorage, storages
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.db.backends.sqlite3._functions import register as register_django_functions
from django.template.defaultfilters import filesizeformat, pluralize
from django.utils import timezone

DATABASE_FILE = "db.sqlite3"
MEDIA_FOLDER = "media"


class Command(BaseCommand):
    help = (
        "Copy the SQLite database (online, safe while the site writes) and the media folder "
        "into DEST_DIR/coursesite-<time>/. On PostgreSQL, prints the pg_dump command to use."
    )

    def add_arguments(self, parser):
        parser.add_argument("dest_dir", type=Path, help="folder that receives the timestamped backup folder")
        parser.add_argument("--dry-run", action="store_true", help="list what would be copied, copy nothing")
        parser.add_argument("--database", default="default", help="database alias (default: %(default)s)")

    def handle(self, *args, dest_dir, dry_run, database, **options):
        connection = connections[database]
        stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
        if connection.vendor == "postgresql":
            raise CommandError(
                "The database is PostgreSQL: back it up with pg_dump (it reads one consistent snapshot "
                "while the site runs), with the password in PGPASSWORD or ~/.pgpass:\n"
                + pg_dump_command(connection.settings_dict, dest_dir / f"coursesite-{stamp}.dump")
            )
        if connection.vendor != "sqlite":
            raise CommandError(f"backup copies SQLite databases only; this one is {connection.vendor}.")

        target = dest_dir / f"coursesite-{stamp}"
        media_root = _media_folder()

        if dry_run:
            self.stdout.write(f"Would create {target}/ with:")
            self.stdout.write(f"  {DATABASE_FILE}: the database {connection.settings_dict['NAME']}")
            self._describe_media(media_root, _files_in(media_root))
            return

        if connection.in_atomic_block:
            # SQLite's backup of a database this process is writing inside a transaction never ends.
            raise CommandError("Run backup outside a transaction: it copies what is committed.")
        if target.exists():
            raise CommandError(f"{target} already exists: a backup was made this second. Run again.")
        partial = target.with_name(target.name + ".partial")
        # Only its owner may open it: the copy holds password hashes, sessions and every draft.
        dest_dir.mkdir(parents=True, exist_ok=True)
        partial.mkdir(mode=0o700)
        try:
            source = open_source(connection.settings_dict)
            try:
                copied = backup_sqlite(source, partial / DATABASE_FILE)
            finally:
                source.close()
            if media_root is not None and media_root.is_dir():
                shutil.copytree(media_root, partial / MEDIA_FOLDER)
            partial.rename(target)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        name = connection.settings_dict["NAME"]
        self.stdout.write(f"Copied into {target}/:")
        self.stdout.write(f"  {DATABASE_FILE}: {filesizeformat(copied)} from {name}")
        self._describe_media(media_root, _files_in(target / MEDIA_FOLDER), done=True)
        self.stdout.write(self.style.SUCCESS(f"Backup written to {target}"))

    def _describe_media(self, media_root, files, *, done=False):
        if media_root is None:
            self.stdout.write(
                f"  {MEDIA_FOLDER}: not copied; uploads are in {type(storages['default']).__name__} "
                f"(back up the bucket itself, e.g. with its versioning or a sync of it)"
            )
        elif not files:
            self.stdout.write(f"  {MEDIA_FOLDER}: {media_root} holds no files yet")
        else:
            size = filesizeformat(sum(p.stat().st_size for p in files))
            verb = "copied" if done else "to copy"
            count = f"{len(files)} file{pluralize(len(files))}"
            self.stdout.write(f"  {MEDIA_FOLDER}: {count} ({size}) {verb} from {media_root}")


def _files_in(folder: Path | None) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder is not None and folder.is_dir() else []


def _media_folder() -> Path | None:
    """MEDIA_ROOT when uploads are stored there; None when they live elsewhere (S3)."""
    storage = storages["default"]
    if isinstance(storage, FileSystemStorage):
        return Path(storage.location)
    return None


def open_source(settings_dict: dict) -> sqlite3.Connection:
    """A connection of the backup's own to the site's database, read-only.

    Not the command's Django connection: a backup read through a connection that is inside a
    write transaction waits for ever. A reader of its own, in WAL mode, neither waits for the
    site's writers nor holds them up.
    """
    name = str(settings_dict["NAME"])
    if name.startswith("file:"):  # already a URI (the test database in memory is one)
        return sqlite3.connect(name, uri=True, timeout=20)
    path = Path(name)
    if not path.is_file():
        raise CommandError(f"There is no database at {path}.")
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=20)


def backup_sqlite(source: sqlite3.Connection, destination: Path) -> int:
    """Copy the database behind `source` into `destination` with SQLite's backup API; its size in bytes."""
    target = sqlite3.connect(destination)
    # The check below evaluates CHECK constraints, and Django's use the SQL functions (REGEXP...)
    # that Django adds to every SQLite connection of its own.
    register_django_functions(target)
    try:
        # One step: the whole copy reads one snapshot of the database.
        source.backup(target)
        # The copy stands alone: one file, no -wal beside it, checked before it is trusted.
        target.execute("PRAGMA journal_mode=DELETE")
        (verdict,) = target.execute("PRAGMA quick_check").fetchone()
        if verdict != "ok":
            raise CommandError(f"The copy failed SQLite's check: {verdict}")
    finally:
        target.close()
    return destination.stat().st_size


def pg_dump_command(settings_dict: dict, output: Path) -> str:
    """The pg_dump command for these DATABASES settings, without the password."""
    parts = ["pg_dump", "--format=custom", f"--file={output}"]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            parts.append(f"{option}={settings_dict[key]}")
    parts.append(settings_dict["NAME"])
    return shlex.join(parts)
