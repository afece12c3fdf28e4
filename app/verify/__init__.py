"""The standalone verifier of a count: `verify_bundle(path)` needs the bundle zip and nothing else.

No data folder and no database: the bundle's manifest is checked, then its log (hash chain,
schemas, privacy rules, the officer's signatures with the bundle's public key), then every
other file against the log, then the count is redone from the readings and the decisions with
the counting service's own pure functions and compared with the seal, and the declared rule is
run again. With `reinterpret`, every image is read again by the scanner and must give
byte-identical readings. See docs/verify.md.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.domain.audit import AuditError
from app.i18n import _, ngettext
from app.verify.bundle import Bundle, open_bundle
from app.verify.copies import check_decisions, check_sheets, load_layouts, load_readings
from app.verify.election import check_election
from app.verify.log import LogFacts, verify_log
from app.verify.model import Step, VerifyFailure, VerifyReport
from app.verify.recount import check_results_file, recount, sheet_facts
from app.verify.sealed import check_sealed_files
from app.verify.slips import check_slips

if TYPE_CHECKING:
    from app.errors import CancelFlag

__all__ = ["Step", "VerifyFailure", "VerifyReport", "verify_bundle"]

Progress = Callable[[int, int], None]


def verify_bundle(
    path: Path,
    *,
    reinterpret_images: bool = False,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
    slips: Sequence[str] = (),
) -> VerifyReport:
    """Check everything the bundle claims; the report names the first file or entry that fails.

    `slips`: codes of batch slips signed on paper, each of which must match its log entry.
    """
    run = _Run(str(path))
    try:
        _steps(run, Path(path), reinterpret_images, progress, cancel, slips)
    except VerifyFailure as failure:
        return VerifyReport(tuple(run.steps), failure, tuple(run.warnings), run.facts)
    except DAMAGE as error:  # a file the checks above did not foresee: still no traceback
        return VerifyReport(tuple(run.steps), damaged(run.where, error), tuple(run.warnings),
                            run.facts)  # fmt: skip
    return VerifyReport(tuple(run.steps), None, tuple(run.warnings), run.facts)


DAMAGE = (
    KeyError, TypeError, ValueError, AttributeError, IndexError, LookupError, RecursionError,
    ArithmeticError, UnicodeError, zlib.error, AuditError,
)  # fmt: skip
"""What a damaged or forged file can make the checks raise besides `VerifyFailure`."""


def damaged(where: str, error: BaseException) -> VerifyFailure:
    """The typed failure for an unforeseen malformed value in the file being checked."""
    detail = _("imbrication trop profonde") if isinstance(error, RecursionError) else (
        getattr(error, "message", None) or type(error).__name__
    )  # fmt: skip
    return VerifyFailure(
        "malformed",
        where,
        _("Fichier {where} mal formé : une valeur n'a pas le type ou la forme attendus "
          "({detail}). Le paquet a été abîmé ou modifié.").format(where=where, detail=detail),
    )  # fmt: skip


class _Run:
    def __init__(self, where: str) -> None:
        self.where = where  # the file being checked, named if it turns out malformed
        self.steps: list[Step] = []
        self.warnings: list[str] = []
        self.facts: dict[str, Any] = {}

    def step(self, name: str, summary: str) -> None:
        self.steps.append(Step(name, summary))


def _steps(
    run: _Run,
    path: Path,
    reinterpret_images: bool,
    progress: Progress | None,
    cancel: CancelFlag | None,
    slips: Sequence[str] = (),
) -> None:
    bundle = open_bundle(path)
    run.where = "log.jsonl"
    n = len(bundle.files)
    run.step("manifest", ngettext("{n} fichier, sommes conformes au manifeste.",
                                  "{n} fichiers, sommes conformes au manifeste.", n).format(n=n))  # fmt: skip
    facts = verify_log(bundle)
    _log_step(run, facts)
    if slips:
        run.step("slips", check_slips(bundle, facts, slips))
    run.where = "readings.jsonl"
    readings = load_readings(bundle, facts)
    run.where = "sheets.json"
    templates_by_sheet = check_sheets(bundle, facts)
    run.where = "decisions.json"
    check_decisions(bundle, facts)
    run.where = "layouts/"
    templates = load_layouts(bundle, facts)
    run.step("copies", _("Lectures, feuilles, décisions et mises en page conformes au journal."))
    if not reinterpret_images and bundle.names("images/"):
        from app.verify.images import check_images

        check_images(bundle, facts)
    run.where = "readings.jsonl"
    sheets = sheet_facts(facts, readings, templates_by_sheet)
    counted = recount(facts, sheets, templates)
    run.where = "results.json"
    check_results_file(bundle, counted)
    t = counted.tally
    run.facts.update(
        valid=t.valid, blank=t.blank, invalid=t.invalid, set_aside=t.set_aside,
        rejected=t.rejected, votes=dict(sorted(t.votes.items())), rule=counted.results["rule"],
    )  # fmt: skip
    run.step("recount", _("Recomptage identique au résultat scellé : valides {v}, blancs {b}, "
                          "nuls {i}.").format(v=t.valid, b=t.blank, i=t.invalid))  # fmt: skip
    run.where = "election.json"
    summary, extra = check_election(
        bundle, facts.opened, facts.election, counted.results["rule"], counted.outcomes, templates
    )
    run.facts.update(extra)
    run.step("rule", summary)
    run.where = "manifest.json"
    run.step("sealed", check_sealed_files(bundle, facts))
    run.where = "images/"
    if reinterpret_images:
        _reinterpret(run, bundle, facts, readings, templates, progress, cancel)


def _log_step(run: _Run, facts: LogFacts) -> None:
    run.warnings.extend(facts.warnings)
    run.facts.update(
        session_id=facts.opened["session_id"],
        residence_id=facts.opened["residence_id"],
        officer=facts.opened["officer"],
        key_fingerprint=facts.opened["key_fingerprint"],
        entries=facts.head_seq,
        head_hash=facts.head_hash,
        sealed_hash=facts.sealed.hash if facts.sealed else None,
    )
    run.step(
        "log",
        _("Journal intègre : {n} entrées, {c} points de contrôle signés, scellé "
          "(empreinte {h}).").format(n=facts.head_seq, c=len(facts.checkpoints),
                                     h=facts.sealed.hash if facts.sealed else "—"),
    )  # fmt: skip


def _reinterpret(
    run: _Run,
    bundle: Bundle,
    facts: LogFacts,
    readings: dict[str, Any],
    templates: dict[str, Any],
    progress: Progress | None,
    cancel: CancelFlag | None,
) -> None:
    # the scanner (OpenCV, numpy) is needed only here: the rest of the verifier does without
    from app.verify.reinterpret import reinterpret

    done, warnings = reinterpret(
        bundle, facts, readings, templates, progress=progress, cancel=cancel
    )
    run.warnings.extend(warnings)
    run.step(
        "reinterpret",
        ngettext("{n} image relue : lecture identique octet par octet.",
                 "{n} images relues : lectures identiques octet par octet.", done).format(n=done),
    )  # fmt: skip
