"""Replaying every audit chain the server holds (`bp-terrain server verify-audit`).

The server checks each entry as it arrives (`sync.core.audit`); this replays each session's whole
chain from its first entry with `app.domain.audit.verify.verify_chain` (the laptop's own
verifier: hashes, links, payloads, order, seal, checkpoint signatures under the session's
officer key), for instance after restoring the server's database from a backup or to show a
commission that the server's copy of every count is whole.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from app.domain.audit.verify import verify_chain
from sync.core.audit import AUDIT_TABLE, SESSION_TABLE
from sync.server.store import RECORDS, transaction


@dataclass(frozen=True)
class ChainReport:
    session_id: str
    entries: int
    sealed: bool
    failure_seq: int | None = None
    failure_code: str | None = None
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.failure_code is None


def verify_chains(engine: Engine) -> list[ChainReport]:
    """One report per session whose audit entries the server holds, by session id."""
    chains: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    keys: dict[str, bytes] = {}
    with transaction(engine, read_only=True) as session:
        rows = session.execute(
            select(RECORDS.c.table_name, RECORDS.c.record_id, RECORDS.c.values_json).where(
                RECORDS.c.table_name.in_((AUDIT_TABLE, SESSION_TABLE))
            )
        )
        for table, record_id, values_json in rows:
            values = json.loads(values_json)
            if table == SESSION_TABLE:
                declared = values.get("public_key")
                try:
                    keys[record_id] = bytes.fromhex(declared)
                except (TypeError, ValueError):
                    pass  # no usable key: the chain is checked against the key it declares
                continue
            entry = json.loads(values["entry"])
            chains.setdefault(str(values["session_id"]), []).append((int(values["seq"]), entry))
    reports = []
    for session_id in sorted(chains):
        entries = [entry for _seq, entry in sorted(chains[session_id], key=lambda p: p[0])]
        result = verify_chain(entries, public_key=keys.get(session_id))
        failure = result.failure
        reports.append(
            ChainReport(
                session_id=session_id,
                entries=result.entries,
                sealed=bool(result.head and result.head.sealed),
                failure_seq=failure.seq if failure else None,
                failure_code=failure.code if failure else None,
                message=failure.message if failure else "",
            )
        )
    return reports
