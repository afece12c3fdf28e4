"""Vote materials and the commission minutes: real PDFs, read back as text with pdfium."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pyzbar import pyzbar

from app.domain import models as m
from app.domain.money import format_euros
from app.errors import UserError
from app.services.commission import ReviewInput
from app.services.printing.materials import parse_vote_sessions
from app.services.printing.types import MaterialKind
from ballots.raster import render_page
from tests.app.test_ballot_service import TITLES, make_admissible


def pdf_text(path: Path) -> list[str]:
    doc = pdfium.PdfDocument(path)
    try:
        return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()


@pytest.fixture
def projects(services, residence):
    return make_admissible(services, residence.id)


def test_project_sheets_one_page_per_project(services, residence, projects, tmp_path):
    out = services.ballots.materials(residence.id, MaterialKind.SHEETS, tmp_path / "fiches.pdf")
    pages = pdf_text(out)
    assert len(pages) == len(TITLES)
    for page, title in zip(pages, TITLES, strict=True):
        assert title in page and "Les Tilleuls" in page


def test_poster_needs_voting_times_then_lists_them_and_the_projects(
    services, residence, projects, tmp_path
):
    out = tmp_path / "affiche.pdf"
    with pytest.raises(UserError, match="permanence de vote") as error:
        services.ballots.materials(residence.id, MaterialKind.POSTER, out)
    assert error.value.field == "sessions" and not out.exists()
    services.ballots.set_vote_sessions(residence.id, "12/01/2027 17:00-19:00 Salle commune")
    services.ballots.materials(residence.id, MaterialKind.POSTER, out)
    [page] = pdf_text(out)
    assert "Salle commune" in page and "janvier 2027" in page
    assert all(title in page for title in TITLES)


def test_sign_in_sheet_has_no_ballot_information(services, residence, projects, tmp_path):
    services.ballots.ensure_default_style(residence.id)
    out = services.ballots.materials(residence.id, MaterialKind.SIGNIN, tmp_path / "emarg.pdf")
    pages = pdf_text(out)
    assert len(pages) == 6  # 120 dwellings, 22 lines a page
    assert "Signature" in pages[0]
    assert not any(title in "".join(pages) for title in TITLES)
    image = render_page(out, 0, dpi=100, grey=True)
    assert pyzbar.decode(image) == []  # no QR code at all
    assert services.ballots.list_batches() == []


def test_vote_session_lines_are_checked(services, residence):
    sessions = parse_vote_sessions("12/01/2027 17 h - 19 h 30 Hall A\n\n3/2/2027 9:00-11:00 Loge")
    assert [(s.day, s.start.hour, s.end.minute, s.place) for s in sessions] == [
        (date(2027, 1, 12), 17, 30, "Hall A"),
        (date(2027, 2, 3), 9, 0, "Loge"),
    ]
    for bad in ("demain soir", "31/02/2027 17:00-19:00 Hall", "12/01/2027 19:00-17:00 Hall"):
        with pytest.raises(UserError) as error:
            services.ballots.set_vote_sessions(residence.id, bad)
        assert error.value.field == "sessions" and "Ligne 1" in error.value.message


def test_document_previews_for_every_kind(services, residence, projects):
    style = services.ballots.ensure_default_style(residence.id)
    services.ballots.set_vote_sessions(residence.id, "12/01/2027 17:00-19:00 Salle commune")
    for kind, pages in (("ballots", 1), ("test_deck", 7), ("sheets", 5), ("poster", 1), ("signin", 6)):  # fmt: skip
        preview = services.ballots.document_preview(
            residence.id, kind, style_id=style.id, page=1, dpi=30
        )
        assert preview.png.startswith(b"\x89PNG") and preview.pages == pages
        assert preview.page == min(1, pages - 1)


def test_commission_minutes_pdf(services, residence, projects, tmp_path):
    criteria = services.campaigns.list_criteria()
    session = services.commission.open_session(
        date(2026, 12, 15), ["Hélène Roux", "Paul Nguyen"], place="Salle du conseil"
    )
    verdicts = (m.CriterionVerdict(criteria[0].id, m.Verdict.NOT_MET, "Hors patrimoine"),)
    services.commission.record_review(
        session.id,
        ReviewInput(
            projects[0].id, m.Decision.INADMISSIBLE, verdicts, "Ne relève pas du bailleur."
        ),
    )
    services.commission.record_review(
        session.id, ReviewInput(projects[1].id, m.Decision.REWORK, (), "Chiffrage à revoir.")
    )
    out = services.commission.export_minutes(session.id, tmp_path / "cr.pdf")
    text = " ".join(pdf_text(out))
    assert "Compte rendu de la commission d'examen" in text
    for words in ("Hélène Roux", "Paul Nguyen", "Salle du conseil", "Ne relève pas du bailleur.",
                  "Hors patrimoine", "À retravailler", "Chiffrage à revoir.", TITLES[0], TITLES[1]):  # fmt: skip
        assert words in text
    assert TITLES[2] not in text  # reviewed in another session
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".pdf"] == ["cr.pdf"]


def test_sign_in_sheet_prints_the_residence_vote_session(services, residence, projects, tmp_path):
    services.ballots.set_vote_sessions(residence.id, "12/01/2027 17:00-19:00 Salle commune")
    out = services.ballots.materials(residence.id, MaterialKind.SIGNIN, tmp_path / "emarg.pdf")
    pages = pdf_text(out)
    assert all("Lieu : Salle commune" in page for page in pages)
    assert "Total des votants (toutes les pages)" in " ".join(pages[-1].split())


def test_poster_prints_the_residence_budget_and_its_contact(
    services, residence, projects, tmp_path
):
    services.ballots.set_vote_sessions(residence.id, "12/01/2027 17:00-19:00 Salle commune")
    out = tmp_path / "affiche.pdf"
    services.ballots.materials(residence.id, MaterialKind.POSTER, out)
    budget = services.campaigns.get_residence(residence.id).budget_cents
    organiser = services.campaigns.get_campaign(residence.campaign_id).organiser
    page = " ".join(pdf_text(out)[0].split())  # split() treats no-break spaces as spaces
    assert " ".join(format_euros(budget).split()) in page
    assert f"Une question ? {organiser}" in page  # no contact typed yet: the organiser
    assert services.ballots.set_poster_contact(residence.id, "  Amina, 04 99 00 12 34 ") == (
        "Amina, 04 99 00 12 34"
    )
    assert services.ballots.poster_contact_text(residence.id) == "Amina, 04 99 00 12 34"
    services.ballots.materials(residence.id, MaterialKind.POSTER, out)
    assert "Une question ? Amina, 04 99 00 12 34" in " ".join(pdf_text(out)[0].split())
    with pytest.raises(UserError) as error:
        services.ballots.set_poster_contact(residence.id, "x" * 200)
    assert error.value.field == "contact"


def test_a_member_typed_with_a_role_in_brackets_is_split() -> None:
    from app.services.printing.minutes import member
    from ballots.minutes import CommissionMember

    assert member("Karim Meziane (amicale des locataires)") == CommissionMember(
        "Karim Meziane", "amicale des locataires"
    )
    assert member("  Paul Nguyen ") == CommissionMember("Paul Nguyen")
