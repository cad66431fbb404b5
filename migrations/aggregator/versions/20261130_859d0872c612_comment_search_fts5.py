"""aggregator: an FTS5 index over the comments' folded text, on SQLite only

``aggregator_comments_fts`` is an external-content FTS5 table over ``aggregator_comments``
(keyed by its rowid), tokenised by unicode61 with ``remove_diacritics 2`` and ``_`` as a word
character (so its words are ``\\w+``, as ``folded_words`` cuts them). Three triggers keep it
current in the transaction that writes the comment. PostgreSQL keeps its pg_trgm index and
gets nothing here.

A later migration that recreates ``aggregator_comments`` on SQLite (``batch_alter_table``)
drops the triggers and renumbers the rowids: it must create the triggers again and run
``INSERT INTO aggregator_comments_fts(aggregator_comments_fts) VALUES ('rebuild')``.

Revision ID: 859d0872c612
Revises: fc799cc8c7eb
Create Date: 2026-11-30 07:55:00.000000+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "859d0872c612"
down_revision: str | None = "fc799cc8c7eb"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CREATE = [
    "CREATE VIRTUAL TABLE aggregator_comments_fts USING fts5("
    "folded_text, content='aggregator_comments', content_rowid='rowid', "
    "tokenize=\"unicode61 remove_diacritics 2 tokenchars '_'\")",
    "CREATE TRIGGER aggregator_comments_fts_insert AFTER INSERT ON aggregator_comments BEGIN "
    "INSERT INTO aggregator_comments_fts(rowid, folded_text) "
    "VALUES (new.rowid, new.folded_text); END",
    "CREATE TRIGGER aggregator_comments_fts_delete AFTER DELETE ON aggregator_comments BEGIN "
    "INSERT INTO aggregator_comments_fts(aggregator_comments_fts, rowid, folded_text) "
    "VALUES ('delete', old.rowid, old.folded_text); END",
    "CREATE TRIGGER aggregator_comments_fts_update AFTER UPDATE OF folded_text "
    "ON aggregator_comments BEGIN "
    "INSERT INTO aggregator_comments_fts(aggregator_comments_fts, rowid, folded_text) "
    "VALUES ('delete', old.rowid, old.folded_text); "
    "INSERT INTO aggregator_comments_fts(rowid, folded_text) "
    "VALUES (new.rowid, new.folded_text); END",
    # the comments already there
    "INSERT INTO aggregator_comments_fts(aggregator_comments_fts) VALUES ('rebuild')",
]


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in CREATE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for trigger in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS aggregator_comments_fts_{trigger}")
    op.execute("DROP TABLE IF EXISTS aggregator_comments_fts")
