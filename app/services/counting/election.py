"""`election.json`, database side: the election description signed in the session's log, the
residence's counted sessions and its funded projects, written into a session's verification
bundle so that anyone can rerun the rule on the recounted ballots (the verifier's side, which
reads the file and compares it field by field with the signed description, is
`app.verify.election`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from app.domain.audit import AuditEntry, EventType
from app.domain.audit.canonical import thaw
from app.domain.audit.election import election_hash
from app.services.counting.core import CountingCore
from app.services.counting.results import Results
from app.verify.election import FORMAT, VERSION


def signed_description(entries: Sequence[AuditEntry]) -> dict[str, Any] | None:
    """The election description in force at the end of `entries` (None in a log made before
    descriptions were signed)."""
    found = None
    for entry in entries:
        if entry.event in (EventType.SESSION_OPENED, EventType.SESSION_REOPENED,
                           EventType.ELECTION_CHANGED) and "election" in entry.payload:  # fmt: skip
            found = thaw(entry.payload["election"])
    return found


class Election:
    """The election description signed in the log and written to the bundle (a part of `CountingService`)."""

    def __init__(self, core: CountingCore, results: Results) -> None:
        self.core = core
        self.results = results

    def election_document(self, session_id: str, entries: Sequence[AuditEntry]) -> dict[str, Any]:
        """The signed description, plus the residence's sessions and funded projects."""
        session = self.core.get_session(session_id)
        res = self.results.residence_results(session.residence_id)
        described = signed_description(entries) or {}
        return {
            "format": FORMAT,
            "version": VERSION,
            **described,
            "election_sha256": election_hash(described) if described else None,
            "sessions": list(res.sessions),
            "selected": list(res.selected),
        }

    def election_bytes(self, session_id: str, entries: Sequence[AuditEntry]) -> bytes:
        doc = self.election_document(session_id, entries)
        return (json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode()
