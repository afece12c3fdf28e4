"""The files of a verification bundle that are fixed once a session is sealed, and their hash.

`sealed_files` builds readings, sheets, decisions, results, the officer's public key and the
layouts of the counted ballots; the seal signs `app.verify.sealed.sealed_manifest_hash` of them (`manifest_sha256` of the
`session_sealed` entry, computed by `app.verify.sealed`), and the exporter writes the very same
bytes. The other files are
bound otherwise: the log by its own chain and signatures, `election.json` by the signed
election description, the images by their SHA-256 in the log.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import signing
from app.services.counting.context import campaign_layouts
from app.storage.count_tables import CountDecisionRow, CountSessionRow, CountSheetRow


def dump(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode()


def session_sheets(s: Session, session_id: str) -> list[CountSheetRow]:
    return list(
        s.scalars(
            select(CountSheetRow)
            .where(CountSheetRow.session_id == session_id)
            .order_by(CountSheetRow.audit_seq)
        ).all()
    )


def sealed_files(s: Session, row: CountSessionRow, results: dict[str, Any]) -> dict[str, bytes]:
    """The bundle's files that the seal covers, from the session's rows and its results."""
    sheets = session_sheets(s, row.id)
    decisions = s.scalars(
        select(CountDecisionRow)
        .where(CountDecisionRow.session_id == row.id)
        .order_by(CountDecisionRow.audit_seq)
    ).all()
    files: dict[str, bytes] = {
        "readings.jsonl": b"".join(
            sh.reading_json.encode("utf-8") + b"\n" for sh in sheets if sh.reading_json
        ),
        "sheets.json": dump([_sheet(sh) for sh in sheets]),
        "decisions.json": dump([_decision(d) for d in decisions]),
        "results.json": dump(results),
        "public_key.pem": signing.public_key_pem(
            signing.public_key_from_raw(bytes.fromhex(row.public_key))
        ),
    }
    layouts = campaign_layouts(s, row.campaign_id)
    used = {sh.template_hash for sh in sheets if sh.template_hash}
    for th in sorted(used & set(layouts)):
        files[f"layouts/{th}.layout.json"] = dump(layouts[th])
    return files


def _sheet(sh: CountSheetRow) -> dict[str, Any]:
    return {
        "sheet_id": sh.id,
        "seq": sh.audit_seq,
        "image_sha256": None if sh.hand_keyed else sh.image_sha256,
        "page": sh.page,
        "status": sh.status,
        "reasons": list(sh.reasons or ()),
        "template_hash": sh.template_hash,
        "reading_sha256": sh.reading_sha256 or None,
        "hand_keyed": sh.hand_keyed,
        "choices": list(sh.choices or ()),
    }


def _decision(d: CountDecisionRow) -> dict[str, Any]:
    return {
        "seq": d.audit_seq,
        "sheet_id": d.sheet_id,
        "target": d.target,
        "project_id": d.project_id,
        "value": d.value,
        "reason": d.reason,
        "decided_by": d.decided_by,
        "witness": d.witness,
        "corrects_seq": d.corrects_seq,
    }
