"""The slip service on a real count: the latest checkpoint by default (the seal), a batch close
by its entry number, figures and hash taken from the signed entry, refusals in French."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pyzbar import pyzbar

from app.domain.audit import EventType
from app.domain.audit.slip import parse_slip_code
from app.errors import UserError
from app.services import open_services
from app.services.counting.log import load_entries
from ballots.raster import render_page_array
from ballots.slip import BATCH, SEAL, hash_lines
from tests.helpers.counting import PASSPHRASE, make_setup
from tests.helpers.verify import live_count


def _text(pdf: Path) -> str:
    doc = pdfium.PdfDocument(pdf)
    pages = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    doc.close()
    return " ".join(" ".join(pages).replace("\u00a0", " ").split())


def test_slips_of_a_sealed_count(tmp_path: Path) -> None:
    with open_services(tmp_path / "data") as services:
        counted = live_count(services, tmp_path / "scans", [[0], [0, 1], [1], []])
        sid = counted.session_id
        with services.uow() as s:
            entries = load_entries(s, sid)
        seal = next(e for e in entries if e.event is EventType.SESSION_SEALED)
        batch = next(e for e in entries if e.event is EventType.BATCH_CLOSED)

        latest = services.count_slips.build_slip(sid)
        assert (latest.kind, latest.seq, latest.entry_hash) == (SEAL, seal.seq, seal.hash)
        assert dict(latest.counts)["Bulletins valides"] == 4  # three read, one keyed by hand
        assert dict(latest.counts)["Bulletins blancs"] == 1
        assert latest.officer == "Agnès Martin" and latest.witnesses == ("Karim Benali",)

        out = services.count_slips.write_slip(sid, tmp_path / "lot.pdf", seq=batch.seq)
        text = _text(out)
        assert "Bordereau de lot n° 1" in text and "Les Tilleuls" in text
        assert "Bulletins valides 4 Bulletins blancs 1" in text
        for line in hash_lines(batch.hash):
            assert line in text
        assert services.counting.get_session(sid).key_fingerprint in text
        codes = [c.data.decode() for c in pyzbar.decode(render_page_array(out, 0, 150))]
        assert len(codes) == 1
        parsed = parse_slip_code(codes[0])
        assert parsed.kind == "LOT" and parsed.batch == 1
        assert parsed.expected_head == (batch.seq, batch.hash)
        assert services.count_slips.build_slip(sid, seq=batch.seq).kind == BATCH
        # printing adds nothing to the log, and a reprint is the same file
        with services.uow() as s:
            assert len(load_entries(s, sid)) == len(entries)
        again = services.count_slips.write_slip(sid, tmp_path / "lot-2.pdf", seq=batch.seq)
        assert again.read_bytes() == out.read_bytes()

        with pytest.raises(UserError, match="n'est pas un point signé"):
            services.count_slips.write_slip(sid, tmp_path / "x.pdf", seq=1)
        assert not (tmp_path / "x.pdf").exists()


def test_a_session_without_checkpoint_has_no_slip(tmp_path: Path) -> None:
    with open_services(tmp_path / "data") as services:
        setup = make_setup(services)
        session = services.counting.open_session(
            setup.residence_id, "Agnès Martin", passphrase=PASSPHRASE
        )
        with pytest.raises(UserError, match="aucun point signé"):
            services.count_slips.write_slip(session.id, tmp_path / "lot.pdf")
        checkpoint = services.counting.close_batch(session.id, PASSPHRASE)
        slip = services.count_slips.build_slip(session.id)
        assert slip.code == checkpoint.code and slip.batch == 1
