"""`python -m app.verify BUNDLE.zip [--slip CODE]... [--reinterpret] [--json]`: the verifier
alone, from a checkout without a data folder or a database (docs/verify.md, "Auditing the
verifier"). Exit 0 when the bundle holds, 1 when it fails, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from app.i18n import _
from app.verify import verify_bundle
from app.verify.output import print_report


def main(argv: Sequence[str] | None = None) -> int:
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
    args = parser.parse_args(argv)
    report = verify_bundle(Path(args.bundle), reinterpret_images=args.reinterpret, slips=args.slip)
    return print_report(report, as_json=args.json)


if __name__ == "__main__":
    sys.exit(main())
