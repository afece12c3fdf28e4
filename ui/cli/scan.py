"""`bp-terrain scan`: read ballot files and say what the reader sees, recording nothing.

With `--json`, one JSON object per page (JSON lines, fields in docs/ballot-format.md); without
it, a short French summary per page. A name that is not a regular file (a folder, a FIFO, a
device) is skipped with a message, never read. Files holding more than `STREAM_PAGES` pages
in all are read page by page, each line printed as soon as its page is read, with the progress
on stderr; more than `--max-pages` pages (default `MAX_PAGES`) are refused unless the limit is
raised. The exit status is 1 when no page could be read (every page rejected, or no file).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from app.i18n import _
from ui.cli.common import add_command, open_data

#: Pages read at most by default (a 5,000-page PDF takes many minutes): `--max-pages` raises it.
MAX_PAGES = 1000
#: From this many pages in all, read page by page and show the progress.
STREAM_PAGES = 20


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
    scan.add_argument(
        "--max-pages",
        type=int,
        default=MAX_PAGES,
        help=_("nombre de pages lues au plus (par défaut {n})").format(n=MAX_PAGES),
    )


def _regular_files(names: list[str]) -> list[str]:
    """The names that are regular files; the others are skipped with a message on stderr."""
    from pathlib import Path

    from app.i18n import _

    kept = []
    for name in names:
        path = Path(name)
        if path.is_file():
            kept.append(name)
        elif path.exists():
            print(
                _("{file} : ce n'est pas un fichier ordinaire (dossier, tube…), ignoré.").format(
                    file=name
                ),
                file=sys.stderr,
            )
        else:
            print(_("{file} : fichier introuvable, ignoré.").format(file=name), file=sys.stderr)
    return kept


def run_scan(args: argparse.Namespace) -> int:
    from app.i18n import _, ngettext
    from scanner.loading import page_total
    from scanner.pool import start_early

    files = _regular_files(list(args.files))
    if len(files) > 1 and (args.workers is None or args.workers > 1):
        start_early()  # the workers' process imports the reader while this one goes on
    pages = sum(page_total(f) for f in files)
    if pages > args.max_pages:
        print(
            ngettext(
                "{n} page à lire, plus que la limite de {max} : relancez avec --max-pages {n} "
                "pour tout lire.",
                "{n} pages à lire, plus que la limite de {max} : relancez avec --max-pages {n} "
                "pour tout lire.",
                pages,
            ).format(n=pages, max=args.max_pages),
            file=sys.stderr,
        )
        return 2
    # The reader's context straight from the store: not the count's facade, whose parts
    # (ingest, report, seal...) the command does not use.
    from app.services.counting.context import scan_context
    from scanner.batch import interpret_files, stream_files

    readable = 0
    with open_data(args) as services:
        mode = None if args.mode == "any" else args.mode
        ctx = scan_context(services.uow, mode)
        paths = [Path(f) for f in files]
        if pages >= STREAM_PAGES:
            readings: Any = stream_files(paths, ctx, workers=args.workers)
        else:
            readings = interpret_files(paths, ctx, workers=args.workers)
        for done, reading in enumerate(readings, start=1):
            _show(reading, args.json)
            readable += reading.status != "rejected"
            if pages >= STREAM_PAGES:
                print(
                    _("Lecture : page {done} sur {total}").format(done=done, total=pages),
                    file=sys.stderr,
                    flush=True,
                )
    if not readable:
        print(_("Aucune page lisible : rien n'a pu être lu."), file=sys.stderr)
        return 1
    return 0


def _show(reading: Any, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(scan_json(reading), ensure_ascii=False, sort_keys=True))
        sys.stdout.write("\n")
    else:
        sys.stdout.write(summary(reading) + "\n")
    sys.stdout.flush()


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
