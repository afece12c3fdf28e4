"""The Vote screen on the demo campaign: preview, style editing, save PDF, print at 100 %."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from PySide6.QtPrintSupport import QPrinter
from pyzbar import pyzbar

from app.services.printing.types import RuleKind
from ballots.layout import layout_from_json
from ballots.payload import decode_text
from ballots.raster import render_page
from ui.screens.vote.printing import a4_printer
from ui.screens.vote.screen import VoteScreen


@pytest.fixture
def screen(ctx, qtbot):
    widget = VoteScreen(ctx)
    qtbot.addWidget(widget)
    widget.resize(1366, 800)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_preview_shows_the_ballot_of_the_first_residence_ready_to_print(screen):
    assert screen.panel.residence_combo.currentText() == "Les Tilleuls"
    assert screen.panel.style_combo.currentText() == "Standard"
    assert screen.preview.has_page()
    assert screen.preview.page_label.text() == "Page 1 / 1"
    assert screen.preview.image.pixmap().height() > 300
    screen.preview.step_zoom(1)
    assert screen.preview.zoom is not None and screen.preview.zoom_label.text().endswith("%")


def test_save_pdf_through_the_inline_runner_records_a_batch(screen, ctx, tmp_path):
    screen.panel.count_spin.setValue(3)
    screen.save_pdf_to(tmp_path / "tilleuls")
    pdf = tmp_path / "tilleuls.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    layout = layout_from_json((tmp_path / "tilleuls.layout.json").read_text(encoding="utf-8"))
    assert layout.residence.name == "Les Tilleuls"
    assert "Lot n° 1 enregistré : 3 bulletins." in ctx.notices[-1]
    assert screen.batch_model.rowCount() == 1
    assert ctx.services.ballots.list_batches()[0].count == 3
    assert ctx.settings.last_folder == str(tmp_path)


def test_style_form_saves_as_you_type_and_shows_errors_under_the_field(screen, ctx):
    form = screen.panel.style_form
    form.max_spin.setValue(2)
    assert form.save_now() is not None
    style = ctx.services.ballots.get_style(form.style_obj.id)
    assert style.max_choices == 2
    assert form.hint.text().endswith("Enregistré")
    form.rule_combo.setCurrentIndex(form.rule_combo.findData(RuleKind.BUDGET))
    form.budget_edit.setText("cent euros")
    assert form.save_now() is None
    assert "n'est pas un montant" in form.errors()["budget_cents"]
    assert ctx.services.ballots.get_style(style.id).rule_kind is RuleKind.APPROVAL
    form.budget_edit.setText("20 000")
    assert form.save_now() is not None
    assert ctx.services.ballots.get_style(style.id).budget_cents == 20_000_00


def test_print_sends_pages_at_real_size_to_the_printer(screen, ctx, tmp_path):
    before = set(Path(tempfile.gettempdir()).glob("bp-print-*"))
    printer = a4_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "imprimante.pdf"))
    screen.panel.count_spin.setValue(2)
    screen.print_with(printer)
    assert "2 pages envoyées à l'imprimante" in ctx.notices[-1]
    doc = pdfium.PdfDocument(tmp_path / "imprimante.pdf")
    try:
        assert len(doc) == 2
        width, height = doc[0].get_size()
        assert abs(width - 595.3) < 1.5 and abs(height - 841.9) < 1.5  # A4 in points
    finally:
        doc.close()
    [batch] = ctx.services.ballots.list_batches()
    layout = json.loads(ctx.services.ballots.batch_layout(batch.id))
    grey = np.asarray(render_page(tmp_path / "imprimante.pdf", 0, dpi=150, grey=True))
    [symbol] = pyzbar.decode(grey, symbols=[pyzbar.ZBarSymbol.QRCODE])
    key = ctx.services.campaigns.campaign_secret(batch.campaign_id)
    assert decode_text(symbol.data.decode("ascii"), key).batch == batch.number
    left_mm = min(p.x for p in symbol.polygon) * 25.4 / 150
    assert abs(left_mm - layout["qr"]["x_mm"]) < 0.6  # printed at 100 %, not fitted
    assert set(Path(tempfile.gettempdir()).glob("bp-print-*")) <= before  # temporary PDF gone


def test_other_documents_preview_and_save(screen, ctx, tmp_path):
    screen.panel.set_kind("sheets")
    assert screen.preview.page_label.text() == "Page 1 / 4"
    screen.preview.next_button.click()
    assert screen.preview.page_label.text() == "Page 2 / 4"
    screen.panel.set_kind("signin")
    screen.save_pdf_to(tmp_path / "emargement.pdf")
    assert (tmp_path / "emargement.pdf").read_bytes().startswith(b"%PDF")
    assert "Feuille d'émargement : PDF enregistré." in ctx.notices[-1]
    assert ctx.services.ballots.list_batches() == []  # no ballot information there


def test_poster_asks_for_voting_times_under_the_field(screen, ctx, qtbot):
    residence_id = screen.panel.residence_combo.currentData()
    ctx.services.ballots.set_vote_sessions(residence_id, "")  # the demo has some: start without
    screen.panel.set_kind("poster")
    assert "permanence de vote" in screen.preview.message.text()
    screen.panel.sessions_edit.setPlainText("mardi soir")
    assert not screen.panel.save_sessions()
    assert "Ligne 1" in screen.panel.sessions.errors()["sessions"]
    screen.panel.sessions_edit.setPlainText("12/01/2027 17:00-19:00 Salle commune")
    assert screen.panel.save_sessions()
    assert screen.preview.has_page() and screen.preview.page_label.text() == "Page 1 / 1"


def test_test_ballots_preview_shows_the_watermark(screen, ctx):
    plain = screen.preview.pixmap.toImage()
    screen.panel.test_check.setChecked(True)
    assert screen.preview.pixmap.toImage() != plain  # "ESSAI" across the page


def test_new_style_is_large_print_and_selected(screen, ctx):
    screen.new_style()
    assert screen.panel.style_combo.currentText() == "Gros caractères"
    assert screen.panel.style_form.large_check.isChecked()
    assert "Modèle « Gros caractères » créé." in ctx.notices[-1]
    assert screen.preview.has_page()


def test_residence_without_admissible_project_explains_why(screen, ctx):
    combo = screen.panel.residence_combo
    combo.setCurrentIndex(combo.findText("Les Hauts de Bel-Air"))
    assert not screen.preview.has_page()
    assert "Aucun projet recevable" in screen.preview.message.text()
    assert not screen.panel.style_box.isVisible()
    screen.save_pdf_to(Path("/nonexistent/x.pdf"))
    assert "Aucun projet recevable" in ctx.errors[-1]


def test_badge_counts_residences_left_to_print(screen, tmp_path):
    assert screen.badge() == "2 à imprimer"
    screen.save_pdf_to(tmp_path / "b.pdf")
    assert screen.badge() == "1 à imprimer"


def test_empty_campaign_shows_the_teaching_empty_state(empty_ctx, qtbot):
    widget = VoteScreen(empty_ctx)
    qtbot.addWidget(widget)
    widget.show()
    assert widget.stack.currentWidget() is widget.empty


def test_poster_contact_is_typed_beside_the_voting_times(screen, ctx, qtbot):
    residence_id = screen.panel.residence_combo.currentData()
    screen.panel.set_kind("poster")
    assert screen.panel.contact_edit.isVisibleTo(screen.panel)
    assert screen.panel.contact_edit.text() == ctx.services.ballots.poster_contact_text(
        residence_id
    )
    qtbot.keyClicks(screen.panel.contact_edit, " (loge B)")
    assert screen.panel.save_sessions()
    assert ctx.services.ballots.poster_contact_text(residence_id).endswith("(loge B)")
    screen.panel.contact_edit.setText("x" * 80 + "y")  # over the field's limit: cut at 80
    assert len(screen.panel.contact_edit.text()) == 80
