"""Recount a session from the log, the readings and the layouts, and compare with the seal.

The tally is computed by the very functions the counting service uses
(`app.domain.counting.tally`): what each sheet counts as, once the decisions recorded in the
log are laid over the machine's readings. The result must be the one the officer sealed: the
`tally_computed` entry (figures and the SHA-256 of the results document), the seal's announced
tally, and the bundle's `results.json`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from app.domain.audit import canonical_hash
from app.domain.counting.models import DecisionFacts, SheetFacts, SheetOutcome, Tally
from app.domain.counting.tally import resolve_all, tally
from app.i18n import _
from app.verify.bundle import Bundle
from app.verify.log import LogFacts, LogSheet
from app.verify.model import VerifyFailure
from scanner.template import Template

RESULTS = "results.json"


@dataclass(frozen=True)
class Recount:
    tally: Tally
    outcomes: tuple[SheetOutcome, ...]
    results: dict[str, Any]


def sheet_facts(
    facts: LogFacts, readings: dict[str, dict[str, Any]], templates: dict[str, str | None]
) -> list[SheetFacts]:
    """The tally's view of each sheet, in the order the log received them."""
    out = []
    for sheet in sorted(facts.sheets.values(), key=lambda s: s.seq):
        reading = readings.get(sheet.reading_sha256 or "", {})
        out.append(_facts(sheet, reading, templates.get(sheet.sheet_id)))
    return out


def _facts(sheet: LogSheet, reading: dict[str, Any], template_hash: str | None) -> SheetFacts:
    marks = tuple(
        (str(m["project_id"]), str(m["decision"]), float(m.get("score") or 0.0))
        for m in reading.get("marks", ())
    )
    box_reasons = tuple(
        (str(m["project_id"]), tuple(m.get("reasons") or ())) for m in reading.get("marks", ())
    )
    return SheetFacts(
        id=sheet.sheet_id,
        seq=sheet.seq,
        status=sheet.status,
        reasons=sheet.reasons,
        marks=marks,
        box_reasons=box_reasons,
        template_hash=template_hash,
        serial_hash=reading.get("serial_hash"),
        hand_keyed=sheet.hand_keyed,
        choices=sheet.choices,
        page=sheet.page,
        image_sha256=sheet.image_sha256 or "",
    )


def decision_facts(facts: LogFacts) -> list[DecisionFacts]:
    return [
        DecisionFacts(
            sheet_id=e.payload["sheet_id"],
            seq=e.seq,
            target=e.payload["target"],
            project_id=e.payload.get("project_id"),
            value=e.payload["value"],
            reason=e.payload["reason"],
            decided_by=e.payload["decided_by"],
            witness=e.payload.get("witness", ""),
        )
        for e in facts.decisions
    ]


def recount(facts: LogFacts, sheets: list[SheetFacts], templates: dict[str, Template]) -> Recount:
    """Recount and compare with the sealed figures; raises `VerifyFailure` on any difference."""
    outcomes = resolve_all(sheets, decision_facts(facts), templates)
    totals = tally(sheets, outcomes)
    sealed = facts.tally
    if sealed is None or facts.sealed is None:
        raise VerifyFailure(
            "not_sealed",
            "log.jsonl",
            _("Le journal ne contient pas de résultat scellé (calcul du résultat, scellement)."),
        )
    results = {
        "session_id": facts.opened["session_id"],
        "residence_id": facts.opened["residence_id"],
        "rule": sealed.payload["rule"],
        "tally": totals.counts(),
        "votes": dict(sorted(totals.votes.items())),
    }
    where = facts.entry_name(sealed.seq)
    if dict(sealed.payload["tally"]) != results["tally"]:
        raise _differs(
            where,
            sealed.seq,
            _("les nombres de bulletins"),
            sealed.payload["tally"],
            results["tally"],
        )
    if dict(sealed.payload.get("votes", {})) != results["votes"]:
        raise _differs(
            where,
            sealed.seq,
            _("les voix par projet"),
            sealed.payload.get("votes"),
            results["votes"],
        )
    if canonical_hash(results) != sealed.payload["results_sha256"]:
        raise VerifyFailure(
            "results_mismatch",
            where,
            _(
                "Entrée n° {seq} : l'empreinte du résultat scellé ne correspond pas au résultat "
                "recompté."
            ).format(seq=sealed.seq),
        )
    seal_tally = dict(facts.sealed.payload.get("tally") or {})
    if seal_tally and seal_tally != totals.slip_counts():
        raise _differs(
            facts.entry_name(facts.sealed.seq), facts.sealed.seq, _("le décompte annoncé au scellement"),
            seal_tally, totals.slip_counts(),
        )  # fmt: skip
    return Recount(totals, tuple(outcomes), results)


def check_results_file(bundle: Bundle, recounted: Recount) -> None:
    """`results.json` must be the recounted results document, value for value."""
    if bundle.json(RESULTS) != recounted.results:
        raise VerifyFailure(
            "results_mismatch",
            RESULTS,
            _("{file} diffère du résultat recompté à partir du journal et des lectures.").format(
                file=RESULTS
            ),
        )


def _differs(where: str, seq: int, what: str, sealed: Any, found: Any) -> VerifyFailure:
    return VerifyFailure(
        "tally_mismatch",
        where,
        _(
            "Entrée n° {seq} : le recomptage diffère du scellement pour {what} "
            "({sealed} contre {found})."
        ).format(
            seq=seq,
            what=what,
            sealed=json.dumps(sealed, ensure_ascii=False, sort_keys=True),
            found=json.dumps(found, ensure_ascii=False, sort_keys=True),
        ),
    )
