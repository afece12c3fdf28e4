"""`bp-terrain count reopen | watch | sheets`: reopening a sealed count, watching the scanner's
folder, and listing a session's sheets (to find the one a correction is about)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from app.i18n import _
from ui.cli.common import print_json
from ui.cli.count.lines import outcome_line, reading_line

Command = Callable[..., Any]


def register(actions: Any, cmd: Command) -> None:
    """Add the sub-commands; `cmd` builds a sub-command that takes `--session`."""
    _reopen_cmd(actions, cmd)
    _watch_cmd(actions, cmd)
    sh = cmd(actions, "sheets", _("Feuilles de la session et ce qu'elles comptent."), run_sheets)
    sh.add_argument("--json", action="store_true", help=_("sortie JSON"))


def _reopen_cmd(actions: Any, cmd: Command) -> None:
    p = cmd(actions, "reopen", _("Reprendre une session scellée pour la corriger."), run_reopen)
    p.add_argument("--reason", required=True, help=_("pourquoi la session scellée est reprise"))
    p.add_argument("--officer", help=_("agent de la reprise (par défaut celui de la session)"))
    p.add_argument("--witness", action="append", default=[], help=_("témoin (répétable)"))
    p.add_argument("--passphrase-file", help=_("fichier contenant la phrase secrète"))


def run_reopen(services: Any, args: argparse.Namespace) -> int:
    from app.i18n import _
    from app.services.counting.keys import read_passphrase

    session = services.counting.reopen(
        args.session, args.reason, passphrase=read_passphrase(args.passphrase_file),
        officer=args.officer, witnesses=args.witness,
    )  # fmt: skip
    print(
        _(
            "Session {old} reprise : les feuilles et décisions scellées sont reprises dans la "
            "nouvelle session. Ses corrections compteront une fois celle-ci scellée."
        ).format(old=args.session)
    )
    print(_("Empreinte de la clé de l'agent : {fp}").format(fp=session.key_fingerprint))
    print(session.id)
    return 0


def _watch_cmd(actions: Any, cmd: Command) -> None:
    p = cmd(
        actions, "watch", _("Surveiller le dossier où le scanner dépose ses fichiers."), run_watch
    )
    p.add_argument("--folder", required=True, help=_("dossier surveillé"))
    p.add_argument("--once", action="store_true", help=_("un seul passage, puis s'arrêter"))
    p.add_argument("--interval", type=float, default=1.0, help=_("secondes entre deux passages"))
    p.add_argument("--workers", type=int, default=None, help=_("processus de lecture"))
    p.add_argument("--json", action="store_true", help=_("une ligne JSON par feuille"))


def run_watch(services: Any, args: argparse.Namespace) -> int:
    """Until Ctrl-C or SIGTERM (or one pass with --once); each sheet is printed as recorded."""
    import signal
    import sys

    from app.i18n import _, ngettext

    stop = _StopFlag()
    previous = {sig: signal.signal(sig, stop.set) for sig in (signal.SIGINT, signal.SIGTERM)}
    if not args.once:
        print(
            _("Surveillance de {folder} ; Ctrl-C pour arrêter.").format(folder=args.folder),
            file=sys.stderr,
            flush=True,
        )
    try:
        total = services.counting.watch_folder(
            args.session, args.folder, cancel=stop, interval=max(args.interval, 0.05),
            workers=args.workers, once=args.once, on_report=lambda r: _watched(r, args.json),
        )  # fmt: skip
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if not args.json:
        print(ngettext("{n} feuille enregistrée.", "{n} feuilles enregistrées.", total).format(
            n=total
        ))  # fmt: skip
    return 0


class _StopFlag:
    cancelled = False

    def set(self, *_args: Any) -> None:
        self.cancelled = True


def _watched(report: Any, as_json: bool) -> None:
    import sys

    for r in report.recorded:
        if as_json:
            print_json(
                {"sheet_id": r.sheet_id, "file": r.file_name, "page": r.page,
                 "status": r.status, "reasons": list(r.reasons)}
            )  # fmt: skip
        else:
            print(reading_line(r.file_name, r.page, r.status, r.reasons))
    sys.stdout.flush()


def run_sheets(services: Any, args: argparse.Namespace) -> int:

    lines = sorted(
        services.count_view.sheet_lines(args.session, limit=100_000), key=lambda x: x.seq
    )
    if args.json:
        print_json(
            {
                "sheets": [
                    {"sheet_id": x.sheet_id, "file": x.file_name, "page": x.page,
                     "outcome": x.outcome, "reasons": list(x.reasons),
                     "hand_keyed": x.hand_keyed}
                    for x in lines
                ]
            }
        )  # fmt: skip
        return 0
    for x in lines:
        print(outcome_line(x.sheet_id, x.file_name, x.page, x.outcome, x.reasons))
    return 0
