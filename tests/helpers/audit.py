"""Builders shared by the audit tests: a realistic counting session chain, built with the real
key and the real functions, and helpers to tamper with it. (No tests here.)"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

from app.domain import audit, signing
from app.domain.audit import AuditEntry, ChainHead, EventType
from app.domain.audit.election import description as election_description

OFFICER = "Awa Diallo"
SESSION_ID = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
START = datetime(2026, 3, 3, 13, 0, tzinfo=UTC)


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def sample_election(budget_cents: int = 700_000) -> dict[str, Any]:
    """An election description (two projects, greedy rule, a drawn lot order)."""
    return election_description(
        residence_id="res-1",
        residence="Les Tilleuls",
        budget_cents=budget_cents,
        projects=[
            {"project_id": "proj-1", "number": 1, "title": "Jardin partagé", "cost_cents": 400_000},
            {"project_id": "proj-2", "number": 2, "title": "Bancs", "cost_cents": 300_000},
        ],
        ballot_rules=[{"kind": "approval", "min_choices": None, "max_choices": 2,
                       "budget_cents": None}],
        rule="greedy",
        threshold=0,
        lot_seed="",
        lot_order=["proj-2", "proj-1"],
        options={},
    )  # fmt: skip


def sample_payloads(key: signing.Ed25519PrivateKey) -> dict[EventType, dict[str, Any]]:
    """One valid payload for every unsigned event type."""
    opened = audit.session_payload(
        session_id=SESSION_ID,
        campaign_id="camp-1",
        residence_id="res-1",
        officer=OFFICER,
        witnesses=["Jean Dupont", "Fatima Benali"],
        key=key,
        reader_version="scanner 1.0",
        settings={"hide_machine_opinion": True},
        election=sample_election(),
    )
    return {
        EventType.SESSION_OPENED: opened,
        EventType.SESSION_REOPENED: {
            **opened,
            "previous_session_id": "0190a1b2-0000-7e5f-8a9b-0c1d2e3f4a5b",
            "previous_sealed_hash": sha("sealed"),
            "reason": "Correction d'une erreur de saisie constatée après scellement",
        },
        EventType.SHEET_INGESTED: {
            "sheet_id": "sheet-1",
            "image_sha256": sha("image"),
            "page": 1,
            "source": "folder",
        },
        EventType.SHEET_INTERPRETED: {
            "sheet_id": "sheet-1",
            "reading_sha256": sha("reading"),
            "reader_version": "scanner 1.0",
            "status": "valid",
            "reasons": [],
            "serial_mac": sha("mac"),
            "template_hash": sha("layout"),
        },
        EventType.SHEET_REJECTED: {
            "sheet_id": "sheet-2",
            "reasons": ["qr_forged"],
            "message": "Bulletin d'une autre campagne",
        },
        EventType.DUPLICATE_SERIAL: {"serial_mac": sha("mac"), "sheet_ids": ["sheet-1", "sheet-9"]},
        EventType.DECISION: {
            "sheet_id": "sheet-1",
            "target": "box",
            "project_id": "proj-3",
            "value": "marked",
            "reason": "Croix nette débordant de la case",
            "decided_by": OFFICER,
            "witness": "Jean Dupont",
            "machine_opinion_hidden": True,
        },
        EventType.HAND_KEYED_BALLOT: {
            "sheet_id": "hand-1",
            "choices": ["proj-1", "proj-3"],
            "reason": "Bulletin déchiré, illisible par le scanner",
            "keyed_by": OFFICER,
            "witness": "Fatima Benali",
        },
        EventType.SETTINGS_CHANGED: {"setting": "hide_machine_opinion", "value": False},
        EventType.ELECTION_CHANGED: {
            "election": sample_election(budget_cents=800_000),
            "reason": "Budget de la résidence corrigé",
        },
        EventType.RECONCILIATION_RECORDED: {
            "printed": 300,
            "handed_out": 212,
            "returned": 210,
            "spoiled": 2,
        },
        EventType.TALLY_COMPUTED: {
            "results_sha256": sha("results"),
            "rule": "greedy",
            "tally": {"valid": 200, "blank": 6, "invalid": 4},
            "votes": {"proj-1": 120, "proj-3": 95},
        },
        EventType.EXPORT_CREATED: {"kind": "bundle", "file_sha256": sha("zip")},
    }


class ChainBuilder:
    """Appends entries the way the counting service will: build, store, advance."""

    def __init__(self, key: signing.Ed25519PrivateKey, start: datetime = START) -> None:
        self.key = key
        self.head: ChainHead | None = None
        self.entries: list[AuditEntry] = []
        self.clock = start
        self.payloads = sample_payloads(key)

    def _tick(self) -> datetime:
        self.clock += timedelta(seconds=2)
        return self.clock

    def add(self, event: EventType, payload: dict[str, Any] | None = None) -> AuditEntry:
        body = self.payloads[event] if payload is None else payload
        entry = audit.build_entry(self.head, event, OFFICER, body, now=self._tick())
        return self._store(entry)

    def checkpoint(self, event: EventType, **options: Any) -> AuditEntry:
        assert self.head is not None
        entry = audit.build_checkpoint(
            self.head, event, OFFICER, self.key, now=self._tick(), **options
        )
        return self._store(entry)

    def _store(self, entry: AuditEntry) -> AuditEntry:
        self.head = audit.advance(self.head, entry)
        self.entries.append(entry)
        return entry


def build_session(
    key: signing.Ed25519PrivateKey, sheets: int = 10, batch_size: int = 5, start: datetime = START
) -> ChainBuilder:
    """A full session: open, sheets (ingest + interpret), decisions, batches, tally, seal.

    Deterministic for a given key and start (Ed25519 signatures are deterministic)."""
    chain = ChainBuilder(key, start)
    chain.add(EventType.SESSION_OPENED)
    for number in range(1, sheets + 1):
        sheet_id = f"sheet-{number}"
        chain.add(
            EventType.SHEET_INGESTED,
            {
                "sheet_id": sheet_id,
                "image_sha256": sha(f"img{number}"),
                "page": 1,
                "source": "folder",
            },
        )
        if number % 7 == 0:
            chain.add(
                EventType.SHEET_REJECTED, {"sheet_id": sheet_id, "reasons": ["qr_unreadable"]}
            )
        else:
            interpreted = {**chain.payloads[EventType.SHEET_INTERPRETED], "sheet_id": sheet_id}
            interpreted["reading_sha256"] = sha(f"reading{number}")
            chain.add(EventType.SHEET_INTERPRETED, interpreted)
        if number % 4 == 0:
            chain.add(
                EventType.DECISION, {**chain.payloads[EventType.DECISION], "sheet_id": sheet_id}
            )
        if number % batch_size == 0:
            chain.checkpoint(EventType.BATCH_CLOSED, tally={"valid": number})
    chain.add(EventType.DUPLICATE_SERIAL)
    chain.add(EventType.HAND_KEYED_BALLOT)
    chain.add(EventType.SETTINGS_CHANGED)
    chain.add(EventType.ELECTION_CHANGED)
    chain.checkpoint(EventType.CHECKPOINT, reason="Pause déjeuner")
    chain.add(EventType.RECONCILIATION_RECORDED)
    chain.add(EventType.TALLY_COMPUTED)
    chain.checkpoint(EventType.SESSION_SEALED, tally={"valid": sheets, "blank": 0, "invalid": 0})
    return chain


def rechain(dicts: list[dict[str, Any]], start: int) -> None:
    """Recompute hashes and links from index `start` on, as a forger without the key would."""
    for index in range(start, len(dicts)):
        entry = dicts[index]
        if index > 0:
            entry["prev_hash"] = dicts[index - 1]["hash"]
        if "head_hash" in entry["payload"]:
            entry["payload"]["head_hash"] = entry["prev_hash"]
        body = {k: v for k, v in entry.items() if k != "hash"}
        entry["hash"] = hashlib.sha256(audit.canonical_json(body)).hexdigest()
