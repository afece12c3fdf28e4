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


TYPO_DISTANCE = 6
"""At most this many characters inserted, removed or changed: a mistyped code. A log changed
after the slip was signed has an entirely different hash (SHA-256 changes about 60 of its 64
digits), which no forger can bring closer, so a near miss is always a typing error."""


def check_slips(bundle: Bundle, facts: LogFacts, codes: Sequence[str]) -> str:
    """Each code must be the slip of a checkpoint entry of this log; returns the step summary.

    Runs after `verify_log`, so the log's lines are known to be well-formed entries.
    """
    entries = {
        e.seq: e
        for e in (entry_from_dict(item) for item in parse_jsonl(bundle.get(LOG)))  # type: ignore[arg-type]
    }
    session_id = str(facts.opened["session_id"])
    printed = {slip_code(e, session_id): e.seq for e in entries.values() if e.event in _CHECKPOINTS}
    seqs = [_check(code, entries, session_id, printed) for code in codes]
    return ngettext(
        "{n} bordereau conforme au journal (entrée {seqs}).",
        "{n} bordereaux conformes au journal (entrées {seqs}).",
        len(seqs),
    ).format(n=len(seqs), seqs=", ".join(f"n° {s}" for s in seqs))


def distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions)."""
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        current = [i]
        for j, other in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (char != other)))  # fmt: skip
        previous = current
    return previous[-1]


def _nearest(text: str, printed: dict[str, int]) -> tuple[int, int] | None:
    """(distance, seq) of the log's checkpoint code closest to `text`, if any."""
    found = [(distance(text, code), seq) for code, seq in printed.items()]
    return min(found) if found else None


def _no_such_slip(where: str, detail: str) -> VerifyFailure:
    return VerifyFailure(
        "slip_unknown",
        where,
        _("Aucun bordereau ne porte ce code dans ce paquet : {detail} Vérifiez la saisie du "
          "code (ou lisez son QR code).").format(detail=detail),
    )  # fmt: skip


def _check(
    code: str, entries: dict[int, AuditEntry], session_id: str, printed: dict[str, int]
) -> int:
    text = code.strip().upper()
    where = _("bordereau {code}").format(code=code.strip())
    if text in printed:
        return printed[text]
    near = _nearest(text, printed)
    if near is not None and near[0] <= TYPO_DISTANCE:
        raise VerifyFailure(
            "slip_mistyped",
            where,
            ngettext(
                "Aucun bordereau ne porte ce code : il diffère de {n} caractère du code du "
                "bordereau de l'entrée n° {seq}. C'est une erreur de saisie, pas une "
                "modification du journal : vérifiez le code (ou lisez son QR code).",
                "Aucun bordereau ne porte ce code : il diffère de {n} caractères du code du "
                "bordereau de l'entrée n° {seq}. C'est une erreur de saisie, pas une "
                "modification du journal : vérifiez le code (ou lisez son QR code).",
                near[0],
            ).format(n=near[0], seq=near[1]),
        )
    try:
        slip = parse_slip_code(text)
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
    by_hash = {e.hash.upper(): e.seq for e in entries.values() if e.event in _CHECKPOINTS}
    if slip.entry_hash in by_hash:
        raise _no_such_slip(
            where,
            _("son empreinte est celle de l'entrée n° {found}, mais il indique l'entrée n° "
              "{seq}.").format(found=by_hash[slip.entry_hash], seq=slip.seq),
        )  # fmt: skip
    entry = entries.get(slip.seq)
    if entry is None:
        raise VerifyFailure(
            "slip_missing",
            where,
            _(
                "Le journal du paquet s'arrête avant l'entrée n° {seq} signée sur ce bordereau."
            ).format(seq=slip.seq),
        )
    same_kind = (
        entry.event in _CHECKPOINTS
        and slip_code(entry, session_id).split(":")[:5] == (text.split(":")[:5])
    )
    if not same_kind:
        raise _no_such_slip(
            where,
            _("l'entrée n° {seq} du journal n'est pas le point de contrôle que ce code "
              "décrit.").format(seq=slip.seq),
        )  # fmt: skip
    raise VerifyFailure(
        "slip_mismatch",
        where,
        _(
            "L'entrée n° {seq} du journal ne correspond pas au bordereau signé : empreinte "
            "{found} dans le journal, {printed} sur le bordereau. Le journal a été changé "
            "après la signature du bordereau."
        ).format(seq=slip.seq, found=entry.hash[:16].upper(), printed=slip.entry_hash[:16]),
    )
