"""syncclient: the poster's voting times on the residence; the inbox of a resumable pull

`sync_inbox` holds pulled server states until the last page is in (docs/sync.md).

Until now they lived in `local_meta` (`vote_sessions:<residence>`, `poster_contact:<residence>`),
which never leaves the laptop. They are copied onto the residence and removed from `local_meta`;
the residences that got a value are queued in the outbox, so the next sync sends them. The print
batches this laptop printed are queued too: their serial hashes now travel with them.

Revision ID: 0007_syncclient
Revises: 0006_interop
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0007_syncclient"
down_revision = "0006_interop"
branch_labels = None
depends_on = None

COLUMNS = {"vote_sessions": "vote_sessions:", "poster_contact": "poster_contact:"}


def upgrade() -> None:
    op.create_table(
        "sync_inbox",
        sa.Column("seq", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.String(length=100), nullable=False),
        sa.Column("state_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    with op.batch_alter_table("residence") as batch:
        for column in COLUMNS:
            batch.add_column(sa.Column(column, sa.Text(), nullable=False, server_default=""))
    bind = op.get_bind()
    now = datetime.now(UTC).isoformat(timespec="microseconds")
    moved: set[str] = set()
    for column, prefix in COLUMNS.items():
        rows = bind.execute(
            sa.text("SELECT key, value FROM local_meta WHERE key LIKE :p"), {"p": prefix + "%"}
        ).all()
        for key, value in rows:
            residence_id = key[len(prefix) :]
            found = bind.execute(
                sa.text(f"UPDATE residence SET {column} = :v WHERE id = :id"),
                {"v": value, "id": residence_id},
            ).rowcount
            if found and value:
                moved.add(residence_id)
        bind.execute(sa.text("DELETE FROM local_meta WHERE key LIKE :p"), {"p": prefix + "%"})
    # the keyed serial hashes now travel inside their print batch: queue the batches this
    # laptop printed, so that a laptop synced before sends them at its next sync
    bind.execute(
        sa.text(
            "INSERT INTO pending_change (table_name, record_id, op, changed_at) "
            "SELECT 'print_batch', id, 'upsert', :now FROM print_batch "
            "WHERE id IN (SELECT DISTINCT batch_id FROM issued_serial) ORDER BY id"
        ),
        {"now": now},
    )
    for residence_id in sorted(moved):
        bind.execute(
            sa.text(
                "INSERT INTO pending_change (table_name, record_id, op, changed_at) "
                "VALUES ('residence', :id, 'upsert', :now)"
            ),
            {"id": residence_id, "now": now},
        )


def downgrade() -> None:
    op.drop_table("sync_inbox")
    bind = op.get_bind()
    for column, prefix in COLUMNS.items():
        bind.execute(
            sa.text(
                f"INSERT OR REPLACE INTO local_meta (key, value) SELECT :p || id, {column} "
                f"FROM residence WHERE {column} != ''"
            ),
            {"p": prefix},
        )
    with op.batch_alter_table("residence") as batch:
        for column in COLUMNS:
            batch.drop_column(column)
