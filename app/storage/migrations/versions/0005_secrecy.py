"""secrecy: counted sheets keep no scan file name and no exact time

Revision ID: 0005_secrecy
Revises: 0005_sync
Create Date: 2026-12-07 01:30:00

A counted sheet's original file name (often the time it was scanned) becomes the name it is
stored under (its SHA-256 and suffix), and the record times of sheets, decisions and audit rows
(and of their sync outbox rows) keep the hour only: an exact time beside a sign-in sheet could
point at a voter. The audit log's own entries are not touched (their times are hashed into the
chain); new sheet entries carry the hour only (see docs/audit-log.md). The append-only triggers
are lifted for the update and put back.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text

revision = "0005_secrecy"
down_revision = "0005_sync"
branch_labels = None
depends_on = None

# Frozen copy of the append-only triggers (app.storage.count_tables.refuse_changes_ddl).
APPEND_ONLY = ("count_audit", "count_decision")
COARSE = ("count_sheet", "count_decision", "count_audit")
SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".pdf", ".bmp", ".webp")


def _triggers(table: str) -> list[str]:
    message = f"{table} is append-only"
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
    ]


def _hour(column: str) -> str:
    """SQL: an ISO time `YYYY-MM-DDTHH:MM:SS.ffffff+00:00` cut to its hour."""
    return (
        f"CASE WHEN length({column}) >= 26 THEN substr({column}, 1, 13) || ':00:00.000000' "
        f"|| substr({column}, 27) ELSE {column} END"
    )


def _stored_name(sha: str, original: str) -> str:
    dot = original.rfind(".")
    suffix = original[dot:].lower() if dot >= 0 else ""
    return sha + (suffix if suffix in SUFFIXES else ".bin")


def upgrade() -> None:
    bind = op.get_bind()
    for table in APPEND_ONLY:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
    rows = bind.execute(
        text("SELECT id, image_sha256, file_name FROM count_sheet WHERE hand_keyed = 0")
    ).all()
    for sheet_id, sha, name in rows:
        if name and not name.startswith(sha):
            bind.execute(
                text("UPDATE count_sheet SET file_name = :name WHERE id = :id"),
                {"name": _stored_name(sha, name), "id": sheet_id},
            )
    for table in COARSE:
        op.execute(
            f"UPDATE {table} SET created_at = {_hour('created_at')}, "
            f"updated_at = {_hour('updated_at')}"
        )
    names = ", ".join(f"'{t}'" for t in COARSE)
    op.execute(
        f"UPDATE pending_change SET changed_at = {_hour('changed_at')} "
        f"WHERE table_name IN ({names})"
    )
    for table in APPEND_ONLY:
        for statement in _triggers(table):
            op.execute(statement)


def downgrade() -> None:
    """Nothing to undo: the exact times and names are gone on purpose."""
