"""The slip dialog of the Dépouillement screen saves the printed slip (PDF) of the checkpoint
just signed, and prints it at real size (to a PDF printer here)."""
# ruff: noqa: F811 - pytest fixtures imported from count_support

from __future__ import annotations

from count_support import (  # noqa: F401 - fixtures
    PASSPHRASE,
    count_ctx,
    count_services,
    printed,
    printed_template,
)
from PySide6.QtPrintSupport import QPrinter
from pyzbar import pyzbar

from ballots.raster import render_page_array
from ui.screens.count.screen import CountScreen
from ui.screens.vote.printing import a4_printer


def test_the_slip_dialog_saves_and_prints_the_batch_slip(qtbot, count_ctx, printed, tmp_path):
    screen = CountScreen(count_ctx)
    qtbot.addWidget(screen)
    screen.resize(1140, 760)
    screen.show()
    qtbot.waitExposed(screen)
    panel = screen.open_panel
    panel.residence.setCurrentIndex(panel.residence.findData(printed.residence_id))
    panel.officer.setText("Agnès Martin")
    panel.witnesses.setText("Karim Benali")
    panel.passphrase.setText(PASSPHRASE)
    panel.acknowledge.setChecked(bool(panel.warnings))  # the warnings were read
    panel.passphrase_again.setText(PASSPHRASE)
    panel.open_button.click()
    screen.ingest_files(printed.scans[:3])
    dialog = screen.ask_close_batch()
    dialog.passphrase.setText(PASSPHRASE)
    dialog.ok.click()
    slip = screen.slip
    assert slip.save_button.text() == "Enregistrer le bordereau (PDF)…"
    assert slip.print_button.text() == "Imprimer…"

    out = slip.save_to(tmp_path / "lot")
    assert out == tmp_path / "lot.pdf" and "Bordereau enregistré" in count_ctx.notices[-1]
    codes = [c.data.decode() for c in pyzbar.decode(render_page_array(out, 0, 150))]
    assert len(codes) == 1 and codes[0].startswith("BPTA1:LOT:")
    assert f"Code : {codes[0]}" in slip.text.toPlainText()  # the slip shown is the one saved

    printer = a4_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "imprime.pdf"))
    assert slip.print_with(printer)
    assert (tmp_path / "imprime.pdf").stat().st_size > 10_000
    assert count_ctx.notices[-1] == "Bordereau envoyé à l'imprimante."
