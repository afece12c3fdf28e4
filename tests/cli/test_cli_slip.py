"""`bp-terrain count slip` in a subprocess on a real sealed count: the latest slip (the seal)
and an earlier batch's by `--seq`, their QR codes read back, then `bp-terrain verify --slip`
accepts the slip's code and refuses a changed one, naming it."""

from __future__ import annotations

import json
from pathlib import Path

from pyzbar import pyzbar

from app.services import open_services
from ballots.raster import render_page_array
from tests.cli.test_cli_count import bp, ok
from tests.helpers.verify import live_count


def _qr(pdf: Path) -> str:
    codes = [c.data.decode() for c in pyzbar.decode(render_page_array(pdf, 0, 150))]
    assert len(codes) == 1
    return codes[0]


def test_count_slip_then_verify_the_slip_against_the_bundle(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with open_services(data) as services:
        session = live_count(services, tmp_path / "scans", [[0], [1]]).session_id
    d, s = ("--data-dir", str(data)), ("--session", session)

    seal_pdf = tmp_path / "scellement.pdf"
    assert ok("count", "slip", *d, *s, "--out", str(seal_pdf)).strip() == str(seal_pdf)
    seal_code = _qr(seal_pdf)
    assert seal_code.startswith("BPTA1:SCEL:")
    batch_seq = int(seal_code.split(":")[3]) - 2  # batch closed, tally computed, sealed
    batch_pdf = tmp_path / "lot.pdf"
    ok("count", "slip", *d, *s, "--out", str(batch_pdf), "--seq", str(batch_seq))
    batch_code = _qr(batch_pdf)
    assert batch_code.startswith(f"BPTA1:LOT:{seal_code.split(':')[2]}:{batch_seq}:1:")
    refused = bp("count", "slip", *d, *s, "--out", str(tmp_path / "x.pdf"), "--seq", "1")
    assert refused.returncode != 0 and "n'est pas un point signé" in refused.stderr
    assert not (tmp_path / "x.pdf").exists()

    bundle = tmp_path / "paquet.zip"
    ok("count", "export", *d, *s, "--out", str(bundle))
    done = ok("verify", str(bundle), "--slip", batch_code, "--slip", seal_code, "--json")
    report = json.loads(done)
    assert report["ok"] is True and "slips" in [step["name"] for step in report["steps"]]
    forged = batch_code[:-1] + ("0" if batch_code[-1] != "0" else "1")
    failed = bp("verify", str(bundle), "--slip", forged)
    assert failed.returncode == 1
    assert f"bordereau {forged}" in failed.stdout and "ÉCHEC" in failed.stdout
