"""The test deck through the application: pre-marked test ballots, expected count, batch record."""

from __future__ import annotations

import json

from ballots.layout import layout_from_json
from ballots.testdeck import expected_from_json
from tests.app.test_ballot_service import make_admissible, read_payloads


def test_test_deck_writes_expected_count_and_records_a_test_batch(services, residence, tmp_path):
    make_admissible(services, residence.id)
    style = services.ballots.ensure_default_style(residence.id)
    out = tmp_path / "jeu-essai.pdf"
    summary = services.ballots.print_test_deck(style.id, out, count=8)
    expected_file = tmp_path / "jeu-essai.expected.json"
    assert summary.extra_files == (expected_file,)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "data",
        "jeu-essai.expected.json",
        "jeu-essai.layout.json",
        "jeu-essai.pdf",
    ]
    expected = expected_from_json(expected_file.read_text(encoding="utf-8"))
    layout = layout_from_json(summary.layout_file.read_text(encoding="utf-8"))
    assert expected.template_hash == layout.template_hash == summary.batch.template_hash
    assert expected.batch == summary.batch.number == 1
    assert len(expected.sheets) == 8
    data = json.loads(expected_file.read_text(encoding="utf-8"))
    assert data["valid"] + data["blank"] + data["invalid"] == 8 and data["blank"] >= 1
    [batch] = services.ballots.list_batches()
    assert (batch.kind, batch.test, batch.count, batch.serials_recorded) == (
        "test_deck",
        True,
        8,
        8,
    )
    payloads = read_payloads(out, services.campaigns.campaign_secret(residence.campaign_id))
    assert {p.test for p in payloads} == {True} and len({p.serial for p in payloads}) == 8
    status = services.status.campaign_status().as_dict()
    assert (status["ballots_printed"], status["test_ballots_printed"]) == (0, 8)
