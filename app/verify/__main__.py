"""`python -m app.verify BUNDLE.zip [--slip CODE]... [--reinterpret] [--json] [--lang en]`: the verifier
alone, from a checkout without a data folder or a database (docs/verify.md, "Auditing the
verifier"). Exit 0 when the bundle holds, 1 when it fails, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from app.cli_language import language_in, translated_argparse
from app.i18n import _, set_language
from app.verify import verify_bundle
from app.verify.output import print_report


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    language = language_in(argv)
    if language in ("fr", "en"):
        set_language(language)
    with translated_argparse():  # argparse's own words in French (or English with --lang en)
        args = _parser().parse_args(argv)
    report = verify_bundle(Path(args.bundle), reinterpret_images=args.reinterpret, slips=args.slip)
    return print_report(report, as_json=args.json)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m app.verify",
        description=_("Vérifier un dépouillement à partir de son paquet de vérification (zip)."),
    )
    parser.add_argument("bundle", metavar=_("PAQUET.zip"))
    parser.add_argument("--slip", action="append", default=[], metavar="CODE",
                        help=_("code d'un bordereau signé (BPTA1:…, texte du QR) : il doit "
                               "correspondre au journal (répétable)"))  # fmt: skip
    parser.add_argument("--reinterpret", action="store_true",
                        help=_("relire chaque image et exiger des lectures identiques (paquet "
                               "avec images)"))  # fmt: skip
    parser.add_argument("--json", action="store_true", help=_("un objet JSON"))
    parser.add_argument("--lang", choices=("fr", "en"), help=_("langue des messages"))
    return parser


if __name__ == "__main__":
    sys.exit(main())
