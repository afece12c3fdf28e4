#!/usr/bin/env python3
"""Make every printed document of the demo campaign and render each page to PNG, to look at.

    .venv/bin/python tools/render_documents.py --out /tmp/documents [--dpi 100]

Writes into OUT: the ballots, the test deck, the project sheets, the poster, the sign-in sheet,
the commission minutes, the procès-verbal of a sealed demo count and its batch and seal slips,
the procès-verbal and slip of a sealed test count (PV d'essai), a paper survey form and the hot
line's weekly sheet (PDF), and one PNG per page
beside them. Everything is made through the services, on a fresh demo data folder in OUT/data.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from render_pdf import render  # noqa: E402

from app.services import Services, open_services  # noqa: E402
from app.services.demo.count import (  # noqa: E402
    DEMO_OFFICER,
    DEMO_PASSPHRASE,
    DEMO_PLAN,
    DEMO_WITNESSES,
)
from app.services.printing.types import MaterialKind, PrintOptions  # noqa: E402


def make_documents(services: Services, out: Path) -> list[Path]:
    """Every document, as PDF files in `out`."""
    residence = services.campaigns.find_residence("Les Tilleuls")
    ballots = services.ballots
    pdfs = [
        ballots.print_for_residence(residence.id, out / "bulletins.pdf", PrintOptions(count=2)).pdf,
        out / "jeu-essai.pdf",
    ]
    style = ballots.list_styles(residence.id)[0]
    ballots.print_test_deck(style.id, pdfs[1], count=6)
    for kind in MaterialKind:
        pdfs.append(ballots.materials(residence.id, kind, out / f"{kind.value}.pdf"))
    session = services.commission.list_sessions()[0]
    pdfs.append(services.commission.export_minutes(session.id, out / "compte-rendu-commission.pdf"))
    session_id, batch_seq = _sealed_count(services, out)
    pdfs.append(services.count_report.write_count_report(session_id, out / "proces-verbal.pdf"))
    pdfs.append(
        services.count_slips.write_slip(session_id, out / "bordereau-lot-1.pdf", seq=batch_seq)
    )
    pdfs.append(services.count_slips.write_slip(session_id, out / "bordereau-scellement.pdf"))
    test_id = _sealed_test_count(services, out)
    pdfs.append(services.count_report.write_count_report(test_id, out / "proces-verbal-essai.pdf"))
    pdfs.append(services.count_slips.write_slip(test_id, out / "bordereau-essai.pdf"))
    survey = services.surveys.list_surveys()[0]
    pdfs.append(services.surveys.print_forms(survey.id, out / "questionnaire.pdf", 1))
    campaign = services.campaigns.get_campaign()
    names = {r.id: r.name for r in services.campaigns.list_residences()}
    sheet, _pages = services.appointments.print_week(date.today(), out / "permanences.pdf",
                               campaign=campaign.name, residences=names)  # fmt: skip
    pdfs.append(sheet)
    return pdfs


def _sealed_count(services: Services, out: Path) -> tuple[str, int]:
    """A demo count with one batch closed, then sealed: (session id, the batch's entry)."""
    counting = services.counting
    session = services.demo.create_demo_count(out / "scans")
    for item in counting.review_queue(session.id):
        for box in item.boxes:
            counting.decide(session.id, item.sheet_id, "unmarked", "Trait léger, pas une croix",
                            project_id=box.project_id, decided_by="Agnès Martin")  # fmt: skip
    counting.record_reconciliation(session.id, handed_out=10, spoiled=0)
    batch = counting.close_batch(session.id, DEMO_PASSPHRASE)
    counting.seal(session.id, DEMO_PASSPHRASE)
    return session.id, batch.seq


def _sealed_test_count(services: Services, out: Path) -> str:
    """A test count (test ballots, as before a real vote), sealed: the PV d'essai and its slip."""
    counting = services.counting
    residence_id = services.demo.demo_residence_id()
    files = services.demo.print_marked(residence_id, DEMO_PLAN[:5], out / "scans-essai", test=True,
                         prefix="essai")  # fmt: skip
    session = counting.open_session(residence_id, DEMO_OFFICER, DEMO_WITNESSES,
                                    passphrase=DEMO_PASSPHRASE, mode="test")  # fmt: skip
    counting.ingest(session.id, files, workers=1)
    for item in counting.review_queue(session.id):
        for box in item.boxes:
            counting.decide(session.id, item.sheet_id, "unmarked", "Trait léger, pas une croix",
                            project_id=box.project_id, decided_by=DEMO_OFFICER)  # fmt: skip
    counting.record_reconciliation(session.id, handed_out=len(files), spoiled=0)
    counting.seal(session.id, DEMO_PASSPHRASE)
    return session.id


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--dpi", type=float, default=100)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with open_services(args.out / "data") as services:
        if not services.campaigns.has_campaign():
            services.demo.create_demo()
        for pdf in make_documents(services, args.out):
            for png in render(Path(pdf), args.dpi, args.out):
                print(png)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
