"""syncfiles: files travel by their SHA-256; the ballot key's check value travels with the campaign

- `campaign.key_check`: HMAC-SHA256 of a fixed label under the ballot key (app.domain.keycheck),
  filled for the campaigns whose key this laptop holds;
- `project.picture_sha256`, `survey_response.text_image_sha256`: the SHA-256 of the file the
  record points to, filled from the files in the data folder.

The records filled are queued in the outbox, so that the next sync sends the new values (and the
files).

Revision ID: 0008_syncfiles
Revises: 0007_permanences
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0008_syncfiles"
down_revision = "0007_permanences"
branch_labels = None
depends_on = None

LABEL = b"bp-terrain/ballot-key-check/v1"  # app.domain.keycheck, frozen here
FILES = {
    "project": ("picture_path", "picture_sha256"),
    "survey_response": ("text_image", "text_image_sha256"),
}


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def upgrade() -> None:
    with op.batch_alter_table("campaign") as batch:
        batch.add_column(sa.Column("key_check", sa.String(64), nullable=False, server_default=""))
    for table, (_path, column) in FILES.items():
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column(column, sa.String(64), nullable=False, server_default=""))
    bind = op.get_bind()
    now = datetime.now(UTC).isoformat(timespec="microseconds")
    queued: list[tuple[str, str]] = []
    for campaign_id, key in bind.execute(sa.text("SELECT id, secret_key FROM campaign")).all():
        if key:
            check = hmac.new(bytes(key), LABEL, hashlib.sha256).hexdigest()
            bind.execute(
                sa.text("UPDATE campaign SET key_check = :c WHERE id = :id"),
                {"c": check, "id": campaign_id},
            )
            queued.append(("campaign", campaign_id))
    database = bind.engine.url.database
    data_dir = Path(database).parent if database and database != ":memory:" else None
    for table, (path_column, column) in FILES.items():
        rows = bind.execute(
            sa.text(f"SELECT id, {path_column} FROM {table} WHERE {path_column} != ''")
        ).all()
        for record_id, relative in rows:
            sha = _sha256(data_dir / relative) if data_dir is not None else None
            if sha:
                bind.execute(
                    sa.text(f"UPDATE {table} SET {column} = :s WHERE id = :id"),
                    {"s": sha, "id": record_id},
                )
                queued.append((table, record_id))
    for table, record_id in queued:
        bind.execute(
            sa.text(
                "INSERT INTO pending_change (table_name, record_id, op, changed_at) "
                "VALUES (:t, :id, 'upsert', :now)"
            ),
            {"t": table, "id": record_id, "now": now},
        )


def downgrade() -> None:
    for table, (_path, column) in FILES.items():
        with op.batch_alter_table(table) as batch:
            batch.drop_column(column)
    with op.batch_alter_table("campaign") as batch:
        batch.drop_column("key_check")
