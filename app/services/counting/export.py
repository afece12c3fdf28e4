"""The verification bundle of a session: everything needed to recount it without BP Terrain.

A zip holding the log (JSON lines, byte for byte the canonical entries), the readings, the
sheets, the decisions, the layouts, the session's results, the officer's public key and a
manifest of SHA-256 sums; the images only on request (handwriting identifies people). No serial
in clear and no voter data: the log and the readings hold only keyed serial hashes.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.domain import signing
from app.domain.audit import EventType
from app.domain.audit.jsonl import entry_line
from app.errors import UserError
from app.i18n import _
from app.services.base import get_live
from app.services.counting.context import campaign_layouts
from app.services.counting.core import CountingCore
from app.services.counting.election import election_bytes
from app.services.counting.log import load_entries
from app.services.counting.seal import session_results, session_tally
from app.services.counting.store import find_image
from app.storage.count_tables import CountDecisionRow, CountSessionRow, CountSheetRow
from ballots.atomic import write_with
from ballots.errors import WriteError

BUNDLE_FORMAT = "bp-terrain-count-bundle"


def _dump(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode()


def bundle_files(svc: CountingCore, session_id: str, with_images: bool) -> dict[str, bytes]:
    with svc.uow() as s:
        row = get_live(s, CountSessionRow, session_id, _("Session de dépouillement"))
        entries = load_entries(s, session_id)
        sheets = s.scalars(
            select(CountSheetRow)
            .where(CountSheetRow.session_id == session_id)
            .order_by(CountSheetRow.audit_seq)
        ).all()
        decisions = s.scalars(
            select(CountDecisionRow)
            .where(CountDecisionRow.session_id == session_id)
            .order_by(CountDecisionRow.audit_seq)
        ).all()
        layouts = campaign_layouts(s, row.campaign_id)
        results = session_results(s, row, session_tally(s, row))
        files: dict[str, bytes] = {
            "log.jsonl": b"".join(entry_line(e) for e in entries),
            "readings.jsonl": b"".join(
                sh.reading_json.encode("utf-8") + b"\n" for sh in sheets if sh.reading_json
            ),
            "sheets.json": _dump([_sheet(sh) for sh in sheets]),
            "decisions.json": _dump([_decision(d) for d in decisions]),
            "results.json": _dump(results),
            "public_key.pem": signing.public_key_pem(
                signing.public_key_from_raw(bytes.fromhex(row.public_key))
            ),
        }
        used = {sh.template_hash for sh in sheets if sh.template_hash}
        for th in sorted(used & set(layouts)):
            files[f"layouts/{th}.layout.json"] = _dump(layouts[th])
        if with_images:
            for sh in sheets:
                path = None if sh.hand_keyed else find_image(svc.data_dir, sh.image_sha256)
                if path is not None:
                    files[f"images/{path.name}"] = path.read_bytes()
    # the rule's data, for a recount anywhere
    files["election.json"] = election_bytes(svc, session_id)
    manifest = {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())}
    files["manifest.json"] = _dump(
        {"format": BUNDLE_FORMAT, "version": 1, "session_id": session_id, "files": manifest}
    )
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


def export_bundle(
    svc: CountingCore, session_id: str, out: Path, *, with_images: bool = False
) -> Path:
    """Write the bundle zip atomically and record the export in the log."""
    files = bundle_files(svc, session_id, with_images)
    out.parent.mkdir(parents=True, exist_ok=True)

    def write_zip(tmp: Path) -> None:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            for name in sorted(files):
                info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, files[name])

    try:
        write_with(out, write_zip)  # whole or not at all: temporary file, then rename
    except WriteError as error:
        raise UserError(error.message) from error
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    _record_export(svc, session_id, digest)
    return out


def _record_export(svc: CountingCore, session_id: str, digest: str) -> None:
    with svc.writing(session_id, after_seal=True) as w:
        w.append(EventType.EXPORT_CREATED, {"kind": "bundle", "file_sha256": digest})
