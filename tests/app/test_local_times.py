"""Every time shown or printed is local, with its zone; the log stays UTC.

The field test read 19 h 58 (UTC) on the slip on screen and 21 h 01 on the printed one. Both now
come from one function, in the campaign's zone, whatever the machine's own zone (TZ is set to
Tokyo here to prove it is not used).
"""

from __future__ import annotations

import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pypdfium2 as pdfium
import pytest

from app.domain.audit.slip import french_datetime
from app.services import open_services
from app.services.counting.log import load_entries
from tests.helpers.counting import PASSPHRASE, make_setup


def _text(pdf: Path) -> str:
    doc = pdfium.PdfDocument(pdf)
    pages = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    doc.close()
    return " ".join(" ".join(pages).replace("\u00a0", " ").split())


@pytest.fixture
def tokyo_machine(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_the_slip_on_screen_and_on_paper_say_the_same_local_time(tmp_path, tokyo_machine):
    with open_services(tmp_path / "data") as services:
        setup = make_setup(services)
        session = services.counting.open_session(
            setup.residence_id, "Agnès Martin", ["Karim Benali"], passphrase=PASSPHRASE
        )
        services.counting.hand_key(session.id, [setup.project_ids[0]], "Bulletin déchiré")
        shown = services.counting.close_batch(session.id, PASSPHRASE)
        with services.uow() as s:
            entry = next(e for e in load_entries(s, session.id) if e.seq == shown.seq)
        assert entry.time.endswith("Z")  # the log stays UTC
        moment = french_datetime(entry.time, ZoneInfo("Europe/Paris"))
        assert moment.endswith(("(heure locale, UTC+1)", "(heure locale, UTC+2)"))
        assert f"Entrée n° {shown.seq}, le {moment}" in shown.slip
        assert "(UTC)" not in shown.slip
        printed = _text(services.count_slips.write_slip(session.id, tmp_path / "lot.pdf"))
        assert " ".join(moment.split()) in printed  # the same words on paper

        services.counting.record_reconciliation(session.id, handed_out=1)
        services.counting.seal(session.id, PASSPHRASE)
        report = _text(services.count_report.write_count_report(session.id, tmp_path / "pv.pdf"))
        assert "(heure locale, UTC+" in report
