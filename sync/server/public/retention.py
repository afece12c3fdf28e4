"""The server's side of "Les messages sont effacés au plus tard un an après la fin de la
campagne" (docs/platform.md): at the start of `bp-terrain serve` and once a day while it runs,
the site's messages and the name and contact of online ideas are erased `KEEP_DAYS` after the
campaign's end (or after they arrived, for a campaign without dates).

An erased message becomes a tombstone with its text, name and contact emptied; an online idea
loses its proposer's name and contact. Both are ordinary writes (a new `seq`, each field's
version up by one), so the laptops erase them too at their next sync. The laptops do the same
on their side (`app.services.retention`); when both erase, the values agree: no conflict.
"""

from __future__ import annotations

import json
import logging
import threading
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from app.domain.site import campaign_end, erase_on
from sync.core.protocol import DELETED
from sync.server.store import ServerRecord, SqlStore, transaction

log = logging.getLogger(__name__)

DATES = ("ideas_start", "ideas_end", "workshops_start", "workshops_end", "commission_date",
         "vote_start", "vote_end", "results_date")  # fmt: skip
DAY = timedelta(days=1)


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _moment(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def erase_expired(engine: Engine, now: datetime | None = None) -> tuple[int, int]:
    """Erase what is due; returns (messages, online ideas' contacts) erased. `now` is given
    by the tests (no sleeping: the clock is injected)."""
    today = (now or datetime.now(UTC)).date()
    messages = contacts = 0
    with transaction(engine) as session:
        store = SqlStore(session)
        store.lock()  # the writers' lock before anything is read
        rows = session.execute(
            select(ServerRecord.table_name, ServerRecord.record_id, ServerRecord.values_json).where(
                ServerRecord.table_name.in_(("campaign", "site_message", "idea"))
            )
        ).all()
        ends: dict[str, date | None] = {}
        for table, record_id, values_json in rows:
            if table == "campaign":
                values = json.loads(values_json)
                ends[record_id] = campaign_end(_day(values.get(name)) for name in DATES)
        due: dict[tuple[str, str], dict[str, Any]] = {}
        for table, record_id, values_json in rows:
            values = json.loads(values_json)
            if table == "campaign" or values.get(DELETED):
                continue
            end = ends.get(str(values.get("campaign_id", "")))
            if table == "site_message":
                received = _moment(values.get("received_at")) or _moment(values.get("created_at"))
                if erase_on(end, received, today) <= today:
                    due[table, record_id] = {
                        "name": "",
                        "message": "",
                        "contact": "",
                        DELETED: True,
                    }
                    messages += 1
            elif values.get("origin") == "online" and (
                values.get("online_name") or values.get("online_contact")
            ):
                if erase_on(end, _moment(values.get("created_at")), today) <= today:
                    due[table, record_id] = {
                        "online_name": "", "online_contact": "", "name_public": False
                    }  # fmt: skip
                    contacts += 1
        if due:
            with store.writing(due) as writer:  # written on leaving the block
                for (table, record_id), changes in due.items():
                    _write(writer, table, record_id, changes)
    if messages or contacts:
        log.warning("erased %d site message(s), %d online idea contact(s)", messages, contacts)
    return messages, contacts


def _write(store: SqlStore, table: str, record_id: str, changes: dict[str, Any]) -> None:
    state = store.get(table, record_id)
    assert state is not None
    values = {**state.values, **changes}
    versions = dict(state.versions)
    for name in changes:
        versions[name] = versions.get(name, 0) + 1
    store.put(table, record_id, values, versions)


def start_daily(engine: Engine) -> threading.Event:
    """Erase now, then once a day, on a daemon thread; set the returned event to stop."""
    stop = threading.Event()

    def run() -> None:
        while not stop.is_set():
            try:
                erase_expired(engine)
            except Exception:  # noqa: BLE001 - tried again tomorrow; the server keeps serving
                log.exception("erasing expired site messages failed")
            stop.wait(DAY.total_seconds())

    threading.Thread(target=run, name="site-retention", daemon=True).start()
    return stop
