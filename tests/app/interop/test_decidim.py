"""Decidim files out (proposals, answers, projects, paper totals) and Decidim exports in
(proposals become ideas, budgets projects are matched), with real files read back."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import openpyxl
import pytest

from app.domain.models import Decision
from app.errors import UserError
from app.services.commission import ReviewInput
from app.services.ideas import IdeaInput, ProjectInput
from app.services.interop.decidim_import import Action, Kind
from tests.helpers.counting import PASSPHRASE, make_setup


def read_decidim_csv(path):
    """As Decidim's CSV reader would: `;`, UTF-8; a BOM would spoil the first header."""
    data = path.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8")), delimiter=";"))


@pytest.fixture
def ideas(services, residence):
    a = services.ideas.create_idea(
        IdeaInput(title="Des bancs au jardin", residence_id=residence.id, description="À l'ombre",
                  location="Square nord")
    )  # fmt: skip
    b = services.ideas.create_idea(IdeaInput(title="Un composteur", residence_id=residence.id))
    return a, b


def decidim_export(path, rows, old=False):
    """A proposals export as Decidim writes it (flattened hash; later versions per language)."""
    t, body = ("title", "body") if old else ("title/fr", "body/fr")
    headers = ["id", "category/id", "category/name/fr", "scope/id", "scope/name/fr", t, body,
               "state", "answer/fr", "supports", "published_at", "is_amend"]  # fmt: skip
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(headers)
        for r in rows:
            w.writerow([r.get(h, "") for h in ["id", "cid", "cname", "sid", "scope", "title",
                                               "body", "state", "a", "s", "p", "amend"]])  # fmt: skip
    return path


def test_proposals_file_has_decidims_columns(services, ideas, tmp_path):
    path, n = services.decidim_export.export_decidim("proposals", tmp_path / "propositions.csv")
    rows = read_decidim_csv(path)
    assert n == 2 and list(rows[0]) == ["title/fr", "body/fr", "address"]
    assert rows[0] == {"title/fr": "Des bancs au jardin", "body/fr": "À l'ombre",
                       "address": "Square nord"}  # fmt: skip
    assert rows[1]["body/fr"] == "Un composteur"  # an empty description: the title


def test_proposals_export_is_matched_then_new_ones_become_ideas(services, ideas, tmp_path):
    a, b = ideas
    f = decidim_export(tmp_path / "export.csv", [
        {"id": "101", "title": "Des bancs au jardin", "body": "<p>À l'ombre</p>", "state": ""},
        {"id": "102", "title": "un  COMPOSTEUR", "body": "<p>Un composteur</p>"},
        {"id": "103", "title": "Une boîte à livres", "body": "<p>Dans le hall &amp; au calme</p>",
         "scope": "Les Tilleuls", "cname": "Culture"},
        {"id": "104", "title": "Retirée", "body": "x", "state": "withdrawn"},
        {"id": "105", "title": "Amendement", "body": "x", "amend": "true"},
    ])  # fmt: skip
    preview = services.decidim_import.import_decidim(f, dry_run=True)
    assert preview.kind is Kind.PROPOSALS and not preview.applied
    assert [(x.line, x.decidim_id, x.action) for x in preview.lines] == [
        (2, "101", Action.LINK), (3, "102", Action.LINK), (4, "103", Action.CREATE),
        (5, "104", Action.SKIP), (6, "105", Action.SKIP),
    ]  # fmt: skip
    assert preview.lines[0].record_id == a.meta.id and preview.lines[1].record_id == b.meta.id
    assert len(services.ideas.list_ideas()) == 2  # the preview wrote nothing
    services.decidim_import.import_decidim(f)
    new = [i for i in services.ideas.list_ideas() if i.title == "Une boîte à livres"]
    assert len(new) == 1 and new[0].description == "Dans le hall & au calme"
    assert new[0].theme == "Culture"
    again = services.decidim_import.import_decidim(f, dry_run=True)
    assert [x.action for x in again.lines[:3]] == [Action.UNCHANGED] * 3


def test_answers_once_matched_and_decided(services, ideas, residence, tmp_path):
    a, b = ideas
    with pytest.raises(UserError, match="Aucune idée n'est associée à une proposition Decidim"):
        services.decidim_export.export_decidim("answers", tmp_path / "r.csv")
    project = services.projects.merge_ideas([a.meta.id], ProjectInput(
        title="Bancs", residence_id=residence.id, cost_cents=1_500_00))  # fmt: skip
    other = services.projects.merge_ideas([b.meta.id], ProjectInput(
        title="Compost", residence_id=residence.id, cost_cents=900_00))  # fmt: skip
    session = services.commission.open_session(date(2026, 12, 10), ["Mme Diallo"])
    services.commission.record_review(
        session.id, ReviewInput(project.meta.id, Decision.ADMISSIBLE, public_reason="Faisable")
    )
    services.commission.record_review(
        session.id, ReviewInput(other.meta.id, Decision.INADMISSIBLE, public_reason="Hors budget")
    )
    f = decidim_export(tmp_path / "export.csv", [
        {"id": "7", "title": "Des bancs au jardin", "body": "x"},
        {"id": "12", "title": "Un composteur", "body": "y"},
    ])  # fmt: skip
    services.decidim_import.import_decidim(f)
    path, n = services.decidim_export.export_decidim("answers", tmp_path / "reponses.csv")
    rows = read_decidim_csv(path)
    assert list(rows[0]) == ["id", "state", "status", "answer/fr"]
    assert [(r["id"], r["state"], r["status"]) for r in rows] == [
        ("7", "accepted", "accepted"),
        ("12", "rejected", "rejected"),
    ]
    assert rows[1]["answer/fr"] == "Projet n° 2 « Compost » : Hors budget"


def test_projects_then_paper_totals_after_matching(services, tmp_path):
    setup = make_setup(services)
    path, n = services.decidim_export.export_decidim("projects", tmp_path / "projets.csv")
    rows = read_decidim_csv(path)
    assert n == 4 and list(rows[0]) == ["title/fr", "description/fr", "budget_amount", "scope/id"]
    assert [(r["title/fr"], r["budget_amount"]) for r in rows] == [
        ("Projet numéro 1", "4000"), ("Projet numéro 2", "3000"),
        ("Projet numéro 3", "2500"), ("Projet numéro 4", "1500"),
    ]  # fmt: skip
    with pytest.raises(UserError, match="Aucun projet n'est associé à un projet Decidim"):
        services.decidim_export.export_decidim("paper-totals", tmp_path / "p.csv")
    # Decidim's budgets projects export (JSON), ids given by Decidim
    export = [
        {"id": 31, "title": {"fr": "Projet numéro 1"}, "description": {"fr": "a"},
         "budget_amount": 4000, "budget": {"id": 2}},
        {"id": 32, "title": {"fr": "Projet numéro 2"}, "description": {"fr": "b"},
         "budget_amount": 3000, "budget": {"id": 2}},
        {"id": 39, "title": {"fr": "Projet en ligne seulement"}, "description": {"fr": "c"},
         "budget_amount": 10, "budget": {"id": 2}},
    ]  # fmt: skip
    (tmp_path / "projects.json").write_text(json.dumps(export), encoding="utf-8")
    done = services.decidim_import.import_decidim(tmp_path / "projects.json")
    assert done.kind is Kind.PROJECTS
    assert [x.action for x in done.lines] == [Action.LINK, Action.LINK, Action.SKIP]
    assert done.lines[2].note == "aucun projet recevable de ce titre"
    session = services.counting.open_session(setup.residence_id, "Agnès", passphrase=PASSPHRASE)
    p = setup.project_ids
    for choices in ([p[0]], [p[0], p[1]], [p[1]], [p[0], p[3]]):
        services.counting.hand_key(session.id, choices, "Bulletin déchiré")
    path, n = services.decidim_export.export_decidim("paper-totals", tmp_path / "papier.csv")
    assert read_decidim_csv(path) == [
        {"id": "31", "paper_ballots_to_import": "3"}, {"id": "32", "paper_ballots_to_import": "2"}
    ]  # fmt: skip


def test_xlsx_export_and_older_plain_title_columns(services, residence, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "title", "body", "scope/name"])
    sheet.append([55, "Fresque", "<p>Sur le mur</p>", None])
    book.save(tmp_path / "export.xlsx")
    with pytest.raises(UserError, match="Ligne 2 : aucune portée ne désigne sa résidence"):
        services.decidim_import.import_decidim(tmp_path / "export.xlsx")
    done = services.decidim_import.import_decidim(
        tmp_path / "export.xlsx", residence="les tilleuls"
    )
    assert [(x.decidim_id, x.action, x.residence) for x in done.lines] == [
        ("55", Action.CREATE, "Les Tilleuls")
    ]


def test_files_of_another_kind_or_version(services, residence, tmp_path):
    f = tmp_path / "x.csv"
    f.write_text("nom;adresse\nA;B\n", encoding="utf-8")
    with pytest.raises(UserError, match="ni un export de propositions ni un export de projets"):
        services.decidim_import.import_decidim(f)
    f.write_text("reference;title/fr;body/fr\nP-1;T;B\n", encoding="utf-8")
    with pytest.raises(
        UserError, match="colonne\\(s\\) id absente\\(s\\).*autre version de Decidim"
    ):
        services.decidim_import.import_decidim(f)
    f.write_text("id;title/fr;body/fr\nabc;T;B\n", encoding="utf-8")
    with pytest.raises(
        UserError, match=r"Ligne 2, colonne A \(« id »\) : identifiant Decidim « abc »"
    ):
        services.decidim_import.import_decidim(f)
    j = tmp_path / "x.json"
    j.write_text('{"proposals": []}', encoding="utf-8")
    with pytest.raises(UserError, match="une liste d'objets est attendue"):
        services.decidim_import.import_decidim(j)
    f.write_text("id;title/fr;body/fr;scope/name/fr\n1;T;B;Inconnue\n", encoding="utf-8")
    with pytest.raises(UserError, match="Ligne 2 : colonne D .* la portée « Inconnue »"):
        services.decidim_import.import_decidim(f)
    assert services.ideas.list_ideas() == []
