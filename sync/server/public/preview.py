"""A preview of the public site from a laptop, before anything is synced or published.

`build_preview(data_dir, db_url)` copies the laptop's synced records into a fresh server database
(exactly as a push would store them), so that `create_app(db_url)` serves the site the server will
show after the next sync. With `everything=True` the preview also shows what is not published yet
(campaign, projects, results, news, follow-ups), to proofread before publishing.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from app.storage.db import open_database
from sync.client.records import synced_tables, to_fields
from sync.server.store import SqlStore, open_engine, transaction

PUBLISHABLE = ("campaign", "project", "news_post", "project_followup", "public_result")


def build_preview(data_dir: Path, db_url: str, *, everything: bool = False) -> int:
    """Fill the (new) server database at `db_url` from the laptop; how many records."""
    database = open_database(Path(data_dir))
    engine = open_engine(db_url)
    count = 0
    try:
        with (
            database.sessions() as session,
            transaction(engine) as target,
            SqlStore(target).writing() as store,  # written on leaving the block
        ):
            for name, table in synced_tables().items():
                for row in session.execute(select(table)).mappings():
                    fields = to_fields(table, row)
                    if everything and name in PUBLISHABLE:
                        fields["published"] = True
                        if name in ("news_post", "public_result") and not fields.get(
                            "published_at"
                        ):
                            fields["published_at"] = fields.get("created_at")
                    store.put(name, str(row["id"]), fields, {key: 1 for key in fields})
                    count += 1
    finally:
        engine.dispose()
        database.close()
    return count
