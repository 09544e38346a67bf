# ruff: noqa: S608  -- every name in these statements is a constant of this module; no value is formatted in
"""The database objects each engine searches through, written once for the migration and rebuild_search.

The migration creates them and `manage.py rebuild_search` creates them again
(a dropped or damaged index comes back), so both read the statements here.

Both engines stem English words (Porter on SQLite, Snowball on PostgreSQL),
fold diacritics ("Khrushchëv" finds "Khrushchev") and keep every word: no
stop words, so a phrase such as "the thaw" means what it says.
"""

# --- SQLite: an FTS5 table over search_searchentry (external content: the text is stored once) ---

FTS_TABLE = "search_fts"
ENTRY_TABLE = "search_searchentry"
# The order of the FTS columns; bm25() and highlight() name them by position.
FTS_COLUMNS = ("title", "body", "tags", "comment_body", "course_id")

_COLUMNS = ", ".join(FTS_COLUMNS)
_NEW = ", ".join(f"new.{c}" for c in FTS_COLUMNS)
_OLD = ", ".join(f"old.{c}" for c in FTS_COLUMNS)

SQLITE_CREATE_TABLE = (
    # course_id is a column of its own so a search is narrowed to one course inside the
    # index itself (the user's words are matched against the text columns only).
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5({_COLUMNS}, "
    f"content='{ENTRY_TABLE}', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2', prefix='3')"
)
# Triggers keep the FTS index in step with every write to the entries, however it is made.
SQLITE_CREATE_TRIGGERS = (
    f"CREATE TRIGGER search_entry_inserted AFTER INSERT ON {ENTRY_TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, {_COLUMNS}) VALUES (new.id, {_NEW}); END",
    f"CREATE TRIGGER search_entry_deleted AFTER DELETE ON {ENTRY_TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_COLUMNS}) VALUES ('delete', old.id, {_OLD}); END",
    f"CREATE TRIGGER search_entry_updated AFTER UPDATE OF {_COLUMNS} ON {ENTRY_TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_COLUMNS}) VALUES ('delete', old.id, {_OLD}); "
    f"INSERT INTO {FTS_TABLE}(rowid, {_COLUMNS}) VALUES (new.id, {_NEW}); END",
)
SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS search_entry_inserted",
    "DROP TRIGGER IF EXISTS search_entry_deleted",
    "DROP TRIGGER IF EXISTS search_entry_updated",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
)
# Index every stored entry from scratch, then merge the index into one segment (faster searches).
SQLITE_REINDEX = (
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')",
)

# --- PostgreSQL: a text search configuration; the vector column and its GIN index are the model's ---

PG_CONFIG = "coursesite_search"
_PG_STEM = "coursesite_english_stem"

POSTGRES_CREATE = (
    # unaccent is a trusted extension (PostgreSQL 13+): the database's owner may create it.
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    # Snowball English without its stop-word list.
    f"CREATE TEXT SEARCH DICTIONARY {_PG_STEM} (TEMPLATE = snowball, LANGUAGE = english)",
    f"CREATE TEXT SEARCH CONFIGURATION {PG_CONFIG} (COPY = english)",
    f"ALTER TEXT SEARCH CONFIGURATION {PG_CONFIG} ALTER MAPPING FOR "
    f"asciiword, asciihword, hword_asciipart, word, hword, hword_part WITH unaccent, {_PG_STEM}",
)
POSTGRES_DROP = (
    # The unaccent extension stays: something else may use it.
    f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {PG_CONFIG}",
    f"DROP TEXT SEARCH DICTIONARY IF EXISTS {_PG_STEM}",
)
