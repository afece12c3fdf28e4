"""`bp-terrain appointments ...` and `bp-terrain survey ...`, run as real processes."""

from __future__ import annotations

import json
from datetime import date

from app.services import open_services
from app.services.campaigns import CampaignInput
from tests.cli.test_cli_count import bp, ok


def _data(tmp_path):
    data = tmp_path / "data"
    services = open_services(data)
    services.campaigns.create_campaign(
        CampaignInput(name="BP 2027", ideas_start=date(2026, 9, 1), results_date=date(2027, 1, 31))
    )
    services.campaigns.add_residence("Les Cèdres")
    services.close()
    return ("--data-dir", str(data))


def test_appointments_open_book_answer_list_sheet(tmp_path):
    d = _data(tmp_path)
    ids = ok("appointments", "open", "--consultant", "Awa", "--channel", "phone",
             "--day", "2026-10-06", "--start", "14:00", "--end", "15:00", *d).split()  # fmt: skip
    assert len(ids) == 2
    refused = bp("appointments", "book", ids[0], "--name", "Mme Roux", *d)
    assert refused.returncode == 2 and "accord de la personne" in refused.stderr
    ok("appointments", "book", ids[0], "--question", "Quand vote-t-on ?", "--consent",
       "--name", "Mme Roux", "--residence", "Les Cèdres", *d)  # fmt: skip
    ok("appointments", "answer", ids[0], "--answer", "En janvier", "--follow-up", "Affiche", *d)
    listed = json.loads(ok("appointments", "list", "--json", *d))
    assert [a["booked"] for a in listed] == [True, False]
    assert listed[0]["resident_name"] == "Mme Roux" and listed[0]["residence"] == "Les Cèdres"
    assert listed[0]["answer"] == "En janvier" and listed[0]["channel"] == "phone"
    text = ok("appointments", "list", "--booked", *d)
    assert "Mme Roux" in text and "Question : Quand vote-t-on ?" in text and ids[1] not in text
    sheet = tmp_path / "out" / "semaine.pdf"
    assert ok("appointments", "sheet", "--week", "2026-10-08", "--out", str(sheet), *d).strip()
    assert sheet.read_bytes()[:5] == b"%PDF-"
    xlsx = tmp_path / "rdv.xlsx"
    ok("spreadsheet", "export", "--what", "appointments", "--out", str(xlsx), *d)
    assert xlsx.stat().st_size > 0


def test_survey_create_print_read_results(tmp_path):
    d = _data(tmp_path)
    spec = tmp_path / "q.json"
    spec.write_text(json.dumps({
        "title": "Votre avis", "intro": "Merci !",
        "questions": [
            {"kind": "single", "text": "Avez-vous voté ?", "options": ["Oui", "Non"]},
            {"kind": "scale", "text": "Satisfait ?", "low_label": "non", "high_label": "oui"},
            {"kind": "text", "text": "Une idée ?"},
        ],
    }), encoding="utf-8")  # fmt: skip
    assert "Questionnaire n° 1 créé" in ok("survey", "create", str(spec), *d)
    pdf = tmp_path / "out" / "q.pdf"
    ok("survey", "print", "1", "--count", "2", "--out", str(pdf), *d)
    listed = json.loads(ok("survey", "list", "--json", *d))
    assert listed[0]["printed"] is True and len(listed[0]["questions"]) == 3
    read = json.loads(ok("survey", "read", str(pdf), "--json", *d))
    assert (read["pages"], read["recorded"], read["to_review"], read["refused"]) == (2, 2, 0, [])
    again = ok("survey", "read", str(pdf), *d)
    assert "0 formulaire(s) enregistré(s)" in again and "2 déjà lu(s)" in again
    res = json.loads(ok("survey", "results", "1", "--json", *d))
    assert res["forms"] == 2 and res["questions"][0]["counts"] == [0, 0]
    bad = tmp_path / "bad.json"
    bad.write_text('{"title": "x", "questions": [{"text": "sans type"}]}', encoding="utf-8")
    done = bp("survey", "create", str(bad), *d)
    assert done.returncode == 2 and "mal formé" in done.stderr
