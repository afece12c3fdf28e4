"""What `verify` prints: one line per passed step, the warnings, then the verdict (or JSON).

Shared by `python -m app.verify` and `bp-terrain verify`, so both say exactly the same.
"""

from __future__ import annotations

import json
import sys
from typing import TextIO

from app.i18n import _
from app.verify.model import VerifyReport


def print_report(report: VerifyReport, *, as_json: bool = False, out: TextIO | None = None) -> int:
    """Print the report; returns the exit code (0 verified, 1 failed)."""
    out = out or sys.stdout
    if as_json:
        json.dump(report.as_dict(), out, ensure_ascii=False, sort_keys=True)
        out.write("\n")
        return 0 if report.ok else 1
    for step in report.steps:
        print(f"✓ {step.summary}", file=out)
    for warning in report.warnings:
        print(_("Attention : {w}").format(w=warning), file=out)
    if report.failure is not None:
        print(
            _("✗ ÉCHEC — {where} : {message}").format(
                where=report.failure.where, message=report.failure.message
            ),
            file=out,
        )
        return 1
    print(
        _("Paquet vérifié : le résultat scellé est bien celui des bulletins lus et décidés."),
        file=out,
    )
    return 0
