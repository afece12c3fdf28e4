"""Slips kept by witnesses, checked against the bundle's log: `verify --slip CODE`.

A batch slip carries the hash of a signed checkpoint entry (see `app.domain.audit.slip`).
The hash of an entry covers every earlier entry through the links, so a log rewritten after
the slip was signed (even re-signed with the officer's key, even re-chained from scratch)
cannot show the same hash at that entry: the slip, on paper, outlives any file.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.domain.audit import AuditEntry, AuditError, EventType, entry_from_dict
from app.domain.audit.jsonl import parse_jsonl
from app.domain.audit.slip import parse_slip_code, session_tag, slip_code
from app.i18n import _, ngettext
from app.verify.bundle import Bundle
from app.verify.log import LOG, LogFacts
from app.verify.model import VerifyFailure

_CHECKPOINTS = (EventType.BATCH_CLOSED, EventType.CHECKPOINT, EventType.SESSION_SEALED)


def check_slips(bundle: Bundle, facts: LogFacts, codes: Sequence[str]) -> str:
    """Each code must be the slip of a checkpoint entry of this log; returns the step summary.

    Runs after `verify_log`, so the log's lines are known to be well-formed entries.
    """
    entries = {
        e.seq: e
        for e in (entry_from_dict(item) for item in parse_jsonl(bundle.get(LOG)))  # type: ignore[arg-type]
    }
    session_id = str(facts.opened["session_id"])
    seqs = [_check(code, entries, session_id) for code in codes]
    return ngettext(
        "{n} bordereau conforme au journal (entrée {seqs}).",
        "{n} bordereaux conformes au journal (entrées {seqs}).",
        len(seqs),
    ).format(n=len(seqs), seqs=", ".join(f"n° {s}" for s in seqs))


def _check(code: str, entries: dict[int, AuditEntry], session_id: str) -> int:
    where = _("bordereau {code}").format(code=code.strip())
    try:
        slip = parse_slip_code(code)
    except AuditError as error:
        raise VerifyFailure("slip_unreadable", where, error.message) from None
    if slip.session_tag != session_tag(session_id):
        raise VerifyFailure(
            "slip_other_session",
            where,
            _("Ce bordereau est celui d'une autre session que la session {id} du paquet.").format(
                id=session_id
            ),
        )
    entry = entries.get(slip.seq)
    if entry is None:
        raise VerifyFailure(
            "slip_missing",
            where,
            _(
                "Le journal du paquet s'arrête avant l'entrée n° {seq} signée sur ce bordereau."
            ).format(seq=slip.seq),
        )
    if entry.event not in _CHECKPOINTS or slip_code(entry, session_id) != code.strip():
        raise VerifyFailure(
            "slip_mismatch",
            where,
            _(
                "L'entrée n° {seq} du journal ne correspond pas au bordereau signé : empreinte "
                "{found} dans le journal, {printed} sur le bordereau. Le journal a été changé "
                "après la signature du bordereau."
            ).format(seq=slip.seq, found=entry.hash[:16].upper(), printed=slip.entry_hash[:16]),
        )
    return slip.seq
