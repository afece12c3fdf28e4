"""`bp-terrain scan`: read ballot files and say what the reader sees, recording nothing.

With `--json`, one JSON object per page (JSON lines, fields in docs/ballot-format.md); without
it, a short French summary per page.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from app.i18n import _
from ui.cli.common import add_command, data_dir


def register(sub: Any) -> None:
    scan = add_command(
        sub, "scan", _("Lire des bulletins numérisés sans rien enregistrer."), run_scan
    )
    scan.add_argument(
        "files", nargs="+", metavar=_("FICHIER"), help=_("images (PNG, JPEG, TIFF) ou PDF")
    )
    scan.add_argument("--json", action="store_true", help=_("une ligne JSON par page"))
    scan.add_argument(
        "--mode",
        choices=("any", "live", "test"),
        default="any",
        help=_("dépouillement réel (live), d'essai (test) ou les deux (any, par défaut)"),
    )
    scan.add_argument("--workers", type=int, default=None, help=_("processus de lecture"))


def run_scan(args: argparse.Namespace) -> int:
    from app.services import open_services

    services = open_services(data_dir(args))
    try:
        mode = None if args.mode == "any" else args.mode
        readings = services.counting.interpret(args.files, mode=mode, workers=args.workers)
    finally:
        services.close()
    for reading in readings:
        if args.json:
            sys.stdout.write(json.dumps(scan_json(reading), ensure_ascii=False, sort_keys=True))
            sys.stdout.write("\n")
        else:
            print(summary(reading))
    return 0


def scan_json(reading: Any) -> dict[str, Any]:
    """The reading's deterministic JSON, `file` as given on the command line."""
    return dict(reading.to_json())


def _reasons(codes: tuple[str, ...]) -> str:
    from app.i18n import _
    from scanner.reasons import message

    texts = []
    for code in codes:
        try:
            texts.append(_(message(code)))
        except (KeyError, ValueError):
            texts.append(code)
    return " ".join(texts)


def summary(reading: Any) -> str:
    """One or two French lines for a page."""
    from app.i18n import _

    where = _("{file}, page {page}").format(file=reading.file, page=reading.page)
    if reading.status == "rejected":
        return _("{where} : rejeté. {why}").format(where=where, why=_reasons(reading.reasons))
    if reading.status == "blank":
        return _("{where} : page blanche, ignorée.").format(where=where)
    marked = _numbers(m for m in reading.marks if m.decision == "marked")
    text = _("{where} : cases cochées : {marked}.").format(
        where=where, marked=marked or _("aucune (bulletin blanc)")
    )
    if reading.status == "needs_review":
        text += " " + _review(reading)
    if reading.mode == "test":
        text += " " + _("(bulletin d'essai)")
    return text


def _numbers(marks: Any) -> str:
    """ "n° 2, n° 4": box numbers as printed on the ballot."""
    from app.i18n import _

    return ", ".join(_("n° {number}").format(number=m.number) for m in marks)


def _review(reading: Any) -> str:
    """What a person must look at: the doubtful boxes, then the reasons."""
    from app.i18n import _

    doubt = _numbers(m for m in reading.marks if m.decision == "review")
    why = _reasons(reading.reasons)
    if doubt:
        text = _("À revoir : cases {boxes}. {why}").format(boxes=doubt, why=why)
    else:
        text = _("À revoir : {why}").format(why=why)
    return text.rstrip()
