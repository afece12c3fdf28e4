"""Finding 1 of issue 9, reproduced: a forger edits `election.json` (threshold, budget, funded
list, a title, the lot, the Equal Shares options) and rewrites the manifest's checksums. The
election description is signed in the log, so each forgery now fails naming the field, with
and without the seal's slip given to `--slip`; a sealed file changed under a rewritten
manifest fails against the seal's signed `manifest_sha256`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.domain.audit import EventType
from app.services import open_services
from app.services.counting.log import load_entries
from app.verify import verify_bundle
from tests.helpers.verify import live_count, read_zip, tampered, write_bundle, write_zip

MARKS = [[0], [0, 1], [1], [2], [0, 3], []]


@pytest.fixture(scope="module")
def sealed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A sealed count's bundle and the code of its seal slip."""
    tmp = tmp_path_factory.mktemp("forgery")
    with open_services(tmp / "data") as services:
        counted = live_count(services, tmp / "scans", MARKS)
        with services.uow() as s:
            seal = [e for e in load_entries(s, counted.session_id)
                    if e.event is EventType.SESSION_SEALED][-1]  # fmt: skip
        code = services.count_slips.build_slip(counted.session_id, seq=seal.seq).code
        return write_bundle(services, counted.session_id, tmp / "paquet.zip", False), code


def _election(bundle: Path) -> dict[str, Any]:
    return json.loads(read_zip(bundle)["election.json"])


def _forge(bundle: Path, out: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    def edit(data: bytes) -> bytes:
        doc = json.loads(data)
        change(doc)
        return json.dumps(doc, ensure_ascii=False).encode()

    return tampered(bundle, out, "election.json", edit, fix_manifest=True)


def _failure(path: Path, slips: list[str] | None = None):
    report = verify_bundle(path, slips=slips or [])
    assert not report.ok, "the forged bundle verified"
    assert not any("Paquet vérifié" in s.summary for s in report.steps)
    return report.failure


def test_the_genuine_bundle_verifies_with_its_seal_slip(sealed):
    bundle, code = sealed
    report = verify_bundle(bundle, slips=[code])
    assert report.ok, report.failure and report.failure.message
    assert [s.name for s in report.steps][-2:] == ["rule", "sealed"]


@pytest.mark.parametrize("with_slip", [False, True])
def test_threshold_120_and_a_funded_list_of_one_are_named(sealed, tmp_path, with_slip):
    bundle, code = sealed

    def change(doc: dict[str, Any]) -> None:
        doc["threshold"] = 120
        doc["selected"] = doc["selected"][:1]

    failure = _failure(_forge(bundle, tmp_path / "f.zip", change), [code] if with_slip else [])
    assert failure.code == "election_mismatch" and failure.where == "election.json"
    assert failure.message == (
        "Le seuil de voix de election.json (120) diffère de celui scellé (0)."
    )


def test_budget_and_funded_list_are_named(sealed, tmp_path):
    bundle, code = sealed
    signed_budget = _election(bundle)["budget_cents"]

    def change(doc: dict[str, Any]) -> None:
        doc["budget_cents"] = 400_000
        doc["selected"] = doc["selected"][:1]

    failure = _failure(_forge(bundle, tmp_path / "f.zip", change), [code])
    assert failure.code == "election_mismatch"
    assert failure.message.startswith("Le budget de election.json (4")
    assert "diffère de celui scellé (7" in failure.message and signed_budget == 700_000


def test_a_changed_project_title_is_named(sealed, tmp_path):
    bundle, _code = sealed

    def change(doc: dict[str, Any]) -> None:
        doc["projects"][0]["title"] = "Piscine olympique"

    failure = _failure(_forge(bundle, tmp_path / "f.zip", change))
    assert failure.code == "election_mismatch"
    assert failure.message.startswith('Le titre du projet n° 1 dans election.json ("Piscine')
    assert "diffère de celui scellé" in failure.message


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d["projects"][1].update(cost_cents=1), "Le coût du projet n° 2 dans election.json"),
        (lambda d: d.update(lot_order=list(reversed(d["lot_order"])) or ["x"]),
         "L'ordre du tirage au sort de election.json"),
        (lambda d: d.update(options={"add1": False}), "Les options de la règle (Equal Shares)"),
        (lambda d: d.update(rule="equal-shares"), "La règle de résultats de election.json"),
        (lambda d: d.update(lot_seed="42"), "La graine du tirage au sort"),
        (lambda d: d["projects"].pop(), "ne contient pas le projet n° "),
        (lambda d: d.update(ballot_rules=[]), "La règle de vote du bulletin"),
        (lambda d: d.update(note="ajout"), "des champs que la description scellée n'a pas : note"),
    ],
)  # fmt: skip
def test_every_field_of_the_description_is_compared(sealed, tmp_path, change, words):
    bundle, _code = sealed
    failure = _failure(_forge(bundle, tmp_path / "f.zip", change))
    assert failure.code == "election_mismatch" and failure.where == "election.json"
    assert words in failure.message


def test_a_funded_list_alone_is_recomputed_from_the_signed_description(sealed, tmp_path):
    bundle, _code = sealed
    failure = _failure(
        _forge(bundle, tmp_path / "f.zip", lambda d: d.update(selected=d["selected"][:1]))
    )
    assert failure.code == "rule_mismatch"
    assert failure.message.startswith("La liste des projets financés de election.json (n° ")
    assert "description scellée" in failure.message


def test_a_sealed_file_changed_under_a_rewritten_manifest_fails_against_the_seal(sealed, tmp_path):
    """Same values, other bytes: every copy check passes, only the signed manifest hash sees it."""
    bundle, _code = sealed
    reformat = lambda d: json.dumps(json.loads(d), indent=2).encode()  # noqa: E731
    failure = _failure(tampered(bundle, tmp_path / "f.zip", "sheets.json", reformat,
                                fix_manifest=True))  # fmt: skip
    assert failure.code == "manifest_mismatch" and failure.where == "manifest.json"
    assert "scellement" in failure.message


def test_a_bundle_of_the_previous_format_is_refused_clearly(sealed, tmp_path):
    bundle, _code = sealed
    files = read_zip(bundle)
    manifest = json.loads(files["manifest.json"])
    manifest["version"] = 1
    files["manifest.json"] = json.dumps(manifest).encode()
    failure = _failure(write_zip(files, tmp_path / "v1.zip"))
    assert failure.code == "old_version" and failure.where == "manifest.json"
    assert "version 1" in failure.message and "count export" in failure.message


def test_a_claim_of_other_ballot_boxes_never_verifies_the_funded_projects(sealed, tmp_path):
    """`sessions` is not signed (later boxes are counted after this seal): a bundle claiming
    other boxes still verifies its own count, but says its funded projects are not verified
    and reports none."""
    bundle, _code = sealed

    def change(doc: dict[str, Any]) -> None:
        doc["sessions"] = [*doc["sessions"], "une-autre-urne"]
        doc["selected"] = doc["selected"][:1]

    report = verify_bundle(_forge(bundle, tmp_path / "f.zip", change))
    assert report.ok, report.failure and report.failure.message
    assert report.as_dict()["selected"] is None
    rule = next(s for s in report.steps if s.name == "rule")
    assert "plusieurs urnes" in rule.summary and "toutes ses sessions" in rule.summary
