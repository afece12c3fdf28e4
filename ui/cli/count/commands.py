"""`bp-terrain count ...` and `bp-terrain results`: the whole count, scriptable and headless.

Every action of the counting screen is a command here, so a count can be run and tested
without a display. The officer's passphrase comes from `--passphrase-file` or the
`BP_TERRAIN_PASSPHRASE` variable, never from an argument.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from app.i18n import _
from ui.cli.common import add_command, open_data, out_file, print_json
from ui.cli.count import check_deck, slip
from ui.cli.count import session as count_session
from ui.cli.count.lines import reading_line, review_line

Handler = Callable[[Any, argparse.Namespace], int]


def register(sub: Any) -> None:
    count = sub.add_parser("count", help=_("Dépouillement : ouvrir, lire, revoir, sceller."))
    actions = count.add_subparsers(dest="count_command", metavar="ACTION", required=True)
    _open_cmd(actions)
    _ingest_cmd(actions)
    count_session.register(actions, _cmd)
    slip.register(actions, _cmd)
    check_deck.register(actions, _cmd)
    st = _cmd(actions, "status", _("Feuilles par état, bulletins à revoir, totaux."), run_status)
    st.add_argument("--json", action="store_true", help=_("sortie JSON"))
    rv = _cmd(actions, "review", _("Bulletins à revoir, les moins sûrs d'abord."), run_review)
    rv.add_argument("--json", action="store_true", help=_("sortie JSON"))
    _decide_cmd(actions)
    _hand_cmd(actions)
    _reconcile_cmd(actions)
    for name, text, handler in (
        ("close-batch", "Clore un lot : point de contrôle signé et bordereau.", run_close_batch),
        ("close", "Sceller la session (refusé s'il reste des bulletins à revoir).", run_close),
    ):
        cmd = _cmd(actions, name, text, handler)
        cmd.add_argument("--passphrase-file", help=_("fichier contenant la phrase secrète"))
    ex = _cmd(actions, "export", _("Écrire le paquet de vérification (zip)."), run_export)
    ex.add_argument("--out", required=True, help=_("fichier zip à écrire"))
    ex.add_argument("--with-images", action="store_true", help=_("joindre les images (privé)"))
    res = add_command(sub, "results", _("Résultats d'une résidence."), run_results)
    res.add_argument("--residence", required=True, help=_("nom ou identifiant de la résidence"))
    res.add_argument("--json", action="store_true", help=_("sortie JSON"))


def _cmd(actions: Any, name: str, text: str, handler: Handler, session: bool = True) -> Any:
    parser = add_command(actions, name, text, _with_services(handler))
    if session:
        parser.add_argument("--session", required=True, help=_("identifiant de la session"))
    return parser


def _with_services(handler: Handler) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        with open_data(args) as services:
            return handler(services, args)

    return run


def _passphrase(args: argparse.Namespace) -> str | None:
    from app.services.counting.keys import read_passphrase

    return read_passphrase(getattr(args, "passphrase_file", None))


# --- open / ingest --------------------------------------------------------------------------


def _open_cmd(actions: Any) -> None:
    p = _cmd(actions, "open", _("Ouvrir une session de dépouillement."), run_open, session=False)
    p.add_argument("--residence", required=True, help=_("nom ou identifiant de la résidence"))
    p.add_argument("--officer", required=True, help=_("agent de dépouillement"))
    p.add_argument("--witness", action="append", default=[], help=_("témoin (répétable)"))
    p.add_argument("--test", action="store_true", help=_("dépouillement d'essai (jeu d'essai)"))
    p.add_argument(
        "--hide-machine-opinion", action="store_true", help=_("masquer l'avis du lecteur en revue")
    )
    p.add_argument("--passphrase-file", help=_("fichier contenant la phrase secrète"))


def run_open(services: Any, args: argparse.Namespace) -> int:
    import sys

    from app.i18n import _

    residence = services.campaigns.find_residence(args.residence)
    advice = services.count_opening.advice(residence.id, test=args.test)
    for warning in advice.warnings:  # said, as in the app; the session still opens
        print(_("Attention : {message}").format(message=warning.message), file=sys.stderr)
    if advice.rule_notice:
        print(advice.rule_notice, file=sys.stderr)
    session = services.counting.open_session(
        residence.id,
        args.officer,
        args.witness,
        passphrase=_passphrase(args),
        mode="test" if args.test else "live",
        hide_machine_opinion=args.hide_machine_opinion,
    )
    print(
        _("Session ouverte pour {residence} ({mode}).").format(
            residence=residence.name, mode=_("essai") if args.test else _("réel")
        )
    )
    print(_("Empreinte de la clé de l'agent : {fp}").format(fp=session.key_fingerprint))
    print(session.id)
    return 0


def _ingest_cmd(actions: Any) -> None:
    p = _cmd(
        actions, "ingest", _("Enregistrer des feuilles numérisées (sans doublon)."), run_ingest
    )
    p.add_argument("files", nargs="+", metavar=_("FICHIER"))
    p.add_argument(
        "--source",
        choices=("file", "folder", "camera"),
        default="file",
        help=_("d'où viennent les feuilles (pour le journal)"),
    )
    p.add_argument("--workers", type=int, default=None, help=_("processus de lecture"))
    p.add_argument("--json", action="store_true", help=_("sortie JSON"))


class _CtrlC:
    """Ctrl-C asks the ingestion to stop after the file being recorded; a second one stops
    at once (what was committed stays: each file is one transaction)."""

    def __init__(self) -> None:
        self.cancelled = False
        self.previous: Any = None

    def __enter__(self) -> _CtrlC:
        import signal

        self.previous = signal.signal(signal.SIGINT, self._asked)
        return self

    def __exit__(self, *exc: object) -> None:
        import signal

        signal.signal(signal.SIGINT, self.previous)

    def _asked(self, _signum: int, _frame: Any) -> None:
        import signal

        from app.i18n import _

        self.cancelled = True
        signal.signal(signal.SIGINT, self.previous)
        print(
            _("Arrêt demandé : la lecture s'arrête après le fichier en cours."),
            file=sys.stderr,
            flush=True,
        )


def run_ingest(services: Any, args: argparse.Namespace) -> int:
    from app.services.counting.ingest import IngestInterrupted

    try:
        with _CtrlC() as ctrl_c:
            report = services.counting.ingest(
                args.session, args.files, source=args.source, workers=args.workers,
                cancel=ctrl_c,
            )  # fmt: skip
    except IngestInterrupted as stopped:
        _print_ingest(stopped.report, args)
        return 130
    _print_ingest(report, args)
    return 0


def _print_ingest(report: Any, args: argparse.Namespace) -> None:
    from app.i18n import _, ngettext

    if args.json:
        print_json(
            {
                "recorded": [
                    {"sheet_id": r.sheet_id, "file": r.file_name, "page": r.page,
                     "status": r.status, "reasons": list(r.reasons)}
                    for r in report.recorded
                ],
                "already_known": list(report.already_known),
                "duplicates": report.duplicates,
                "interrupted": report.interrupted,
            }
        )  # fmt: skip
        return
    n = len(report.recorded)
    print(ngettext("{n} feuille enregistrée.", "{n} feuilles enregistrées.", n).format(n=n))
    if report.already_known:
        k = len(report.already_known)
        print(
            ngettext("{n} fichier déjà lu, ignoré.", "{n} fichiers déjà lus, ignorés.", k).format(
                n=k
            )
        )
    for r in report.recorded:
        if r.status != "valid":
            print("  " + reading_line(r.file_name, r.page, r.status, r.reasons))
    if report.duplicates:
        print(_("Attention : numéro de bulletin vu deux fois (photocopie ?), à revoir."))
    if report.interrupted:
        print(
            _(
                "Lecture interrompue : les feuilles enregistrées sont gardées. Relancez la même "
                "commande pour lire le reste (les fichiers déjà lus seront ignorés)."
            )
        )


# --- status / review / decide -------------------------------------------------------------


def run_status(services: Any, args: argparse.Namespace) -> int:
    from app.i18n import _

    status = services.counting.status(args.session).as_dict()
    if args.json:
        print_json(status)
        return 0
    t = status["totals"]
    print(
        _("Session {id} — {residence}").format(
            id=status["session_id"], residence=status["residence"]
        )
    )
    print(_("Lus : {n}  valides : {v}  blancs : {b}  nuls : {i}  à revoir : {r}  rejetés : {x}").format(
        n=t["sheets"], v=t["valid"], b=t["blank"], i=t["invalid"], r=t["review"], x=t["rejected"]
    ))  # fmt: skip
    print(_("Scellée : {s}").format(s=_("oui") if status["sealed"] else _("non")))
    return 0


def run_review(services: Any, args: argparse.Namespace) -> int:
    from app.i18n import _

    items = services.counting.review_queue(args.session)
    if args.json:
        print_json({"items": [i.as_dict() for i in items]})
        return 0
    if not items:
        print(_("Aucun bulletin à revoir."))
    for item in items:
        print(review_line(item.sheet_id, item.file_name, item.page, item.reasons, item.boxes))
    return 0


def _decide_cmd(actions: Any) -> None:
    p = _cmd(actions, "decide", _("Décider d'une case ou d'une feuille à revoir."), run_decide)
    p.add_argument("--sheet", required=True, help=_("identifiant de la feuille"))
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--box", metavar="PROJECT_ID", help=_("identifiant du projet de la case"))
    target.add_argument("--sheet-as", choices=("invalid", "set-aside"), help=_("toute la feuille"))
    p.add_argument("--as", dest="value", choices=("marked", "unmarked"), help=_("avec --box"))
    p.add_argument(
        "--reason",
        help=_("motif de la décision (par défaut, les mots de la décision, comme dans l'app)"),
    )
    p.add_argument("--witness", help=_("témoin présent (un des témoins de la session)"))
    p.add_argument("--by", help=_("qui décide (par défaut l'agent)"))


def run_decide(services: Any, args: argparse.Namespace) -> int:
    from app.errors import UserError
    from app.i18n import _

    if args.box and not args.value:
        raise UserError(_("Avec --box, indiquez --as marked ou --as unmarked."))
    seq = services.counting.decide(
        args.session,
        args.sheet,
        args.value if args.box else args.sheet_as,
        args.reason,
        project_id=args.box,
        decided_by=args.by,
        witness=args.witness,
    )
    print(_("Décision enregistrée (entrée n° {seq} du journal).").format(seq=seq))
    return 0


def _hand_cmd(actions: Any) -> None:
    p = _cmd(actions, "hand-key", _("Saisir à la main un bulletin illisible."), run_hand_key)
    p.add_argument(
        "--choice",
        action="append",
        default=[],
        metavar="PROJECT_ID",
        help=_("projet coché (répétable)"),
    )
    p.add_argument("--reason", required=True, help=_("pourquoi la feuille est saisie à la main"))
    p.add_argument("--witness", help=_("témoin présent"))


def run_hand_key(services: Any, args: argparse.Namespace) -> int:
    sheet_id = services.counting.hand_key(
        args.session, args.choice, args.reason, witness=args.witness
    )
    print(sheet_id)
    return 0


def _reconcile_cmd(actions: Any) -> None:
    p = _cmd(
        actions, "reconcile", _("Rapprochement : imprimés, remis, rendus, annulés."), run_reconcile
    )
    p.add_argument("--handed-out", type=int, required=True, help=_("d'après la liste d'émargement"))
    p.add_argument("--printed", type=int, help=_("bulletins imprimés (par défaut : les lots)"))
    p.add_argument("--returned", type=int, help=_("bulletins trouvés dans l'urne"))
    p.add_argument("--spoiled", type=int, default=0, help=_("bulletins annulés"))
    p.add_argument("--note", default="", help=_("remarque pour le procès-verbal"))


def run_reconcile(services: Any, args: argparse.Namespace) -> int:
    from app.i18n import _

    rec = services.counting.record_reconciliation(
        args.session, handed_out=args.handed_out, printed=args.printed,
        returned=args.returned, spoiled=args.spoiled, note=args.note,
    )  # fmt: skip
    print(_("Imprimés : {p}  remis : {h}  rendus : {r}  annulés : {s}").format(
        p=rec.printed, h=rec.handed_out, r=rec.returned, s=rec.spoiled
    ))  # fmt: skip
    found = services.counting.reconciliation_differences(args.session)
    for difference in found:
        print(difference.message)
    if not found:
        print(_("Aucun écart."))
    return 0


# --- checkpoints, export, results -----------------------------------------------------------


def run_close_batch(services: Any, args: argparse.Namespace) -> int:
    checkpoint = services.counting.close_batch(args.session, _passphrase(args))
    print(checkpoint.slip)
    return 0


def run_close(services: Any, args: argparse.Namespace) -> int:
    checkpoint = services.counting.seal(args.session, _passphrase(args))
    print(checkpoint.slip)
    return 0


def run_export(services: Any, args: argparse.Namespace) -> int:

    path = services.counting.export_bundle(
        args.session, out_file(args.out), with_images=args.with_images
    )
    print(path)
    return 0


def run_results(args: argparse.Namespace) -> int:
    from app.i18n import _

    with open_data(args) as services:
        residence = services.campaigns.find_residence(args.residence)
        results = services.counting.results(residence.id)
    if args.json:
        print_json(results.as_dict())
        return 0
    t = results.tally
    if not results.sessions:
        print(
            _("Rien n'a encore été dépouillé pour {name} : pas encore de résultats.").format(
                name=results.residence_name
            )
        )
        return 0
    if t.valid + t.blank + t.invalid == 0:
        print(
            _(
                "Dépouillement ouvert pour {name}, mais aucun bulletin n'a encore été compté : "
                "pas encore de résultats."
            ).format(name=results.residence_name)
        )
        return 0
    print(_("Résultats — {name}").format(name=results.residence_name))
    print(_("Règle : {rule}").format(rule=results.rule_label))
    print(_("Valides : {v}  blancs : {b}  nuls : {i}").format(v=t.valid, b=t.blank, i=t.invalid))
    for p in results.projects:
        print(f"  n° {p.number}  {p.title[:40]:<40} {p.votes:>6}  {p.status_label}")
    return 0
