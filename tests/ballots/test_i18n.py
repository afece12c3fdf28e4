"""`ballots.i18n`: reading back the installed functions, and printing one document in English."""

from __future__ import annotations

import datetime as dt
import gettext
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from ballots import i18n
from ballots.materials import VoteSession, render_poster
from ballots.render import render_ballots
from tests.ballots.conftest import KEY, make_spec

LOCALES = Path(__file__).resolve().parents[2] / "resources" / "locales"


def _english() -> gettext.GNUTranslations:
    return gettext.translation("bp_terrain", LOCALES, languages=["en"])


def _page_text(pdf: Path) -> str:
    doc = pdfium.PdfDocument(pdf)
    text = doc[0].get_textpage().get_text_range()
    doc.close()
    return " ".join(text.split())


def test_installed_reads_back_what_install_put() -> None:
    saved = i18n.installed()
    try:
        catalog = _english()
        i18n.install(catalog.gettext, catalog.ngettext)
        assert i18n.installed() == (catalog.gettext, catalog.ngettext)
        assert i18n._("Cochez un seul projet.") == "Mark one project only."
        i18n.uninstall()
        assert i18n._("Cochez un seul projet.") == "Cochez un seul projet."
        assert i18n.ngettext("{n} projet", "{n} projets", 0) == "{n} projet"  # French rule
    finally:
        i18n.install(*saved)


def test_translated_renders_in_english_then_restores(tmp_path: Path) -> None:
    saved = i18n.installed()
    catalog = _english()
    with i18n.translated(catalog.gettext, catalog.ngettext):
        render_ballots(make_spec(4), tmp_path / "en.pdf", key=KEY, batch=1, count=1)
    assert i18n.installed() == saved
    render_ballots(make_spec(4), tmp_path / "fr.pdf", key=KEY, batch=1, count=1)
    english, french = _page_text(tmp_path / "en.pdf"), _page_text(tmp_path / "fr.pdf")
    assert "Mark up to 3 projects." in english and "Cochez" not in english
    assert "Cochez jusqu'à 3 projets." in french and "Mark up" not in french


def test_translated_restores_after_an_error_and_none_means_french() -> None:
    catalog = _english()
    saved = i18n.installed()
    try:
        i18n.install(catalog.gettext, catalog.ngettext)
        with pytest.raises(RuntimeError), i18n.translated(None):
            assert i18n._("Cochez un seul projet.") == "Cochez un seul projet."
            raise RuntimeError("boom")
        assert i18n._("Cochez un seul projet.") == "Mark one project only."
    finally:
        i18n.install(*saved)


def test_poster_numbers_the_rule_step_in_english(tmp_path: Path) -> None:
    """Step 2 is the rule's headline, numbered whatever the language (it once vanished)."""
    sessions = [VoteSession("Community room", dt.date(2026, 3, 3), dt.time(17), dt.time(19, 30))]
    catalog = _english()
    with i18n.translated(catalog.gettext, catalog.ngettext):
        render_poster(make_spec(12), sessions, tmp_path / "poster.pdf")
    english = _page_text(tmp_path / "poster.pdf")
    assert "2. Mark up to 3 projects." in english
    assert "1. " in english and "3. " in english and "Cochez" not in english


def test_dates_follow_the_document_language() -> None:
    from ballots.fmt import long_date, short_date

    first = dt.date(2027, 3, 1)
    assert long_date(first) == "lundi 1er mars 2027"
    assert short_date(dt.date(2027, 1, 12)) == "12 janvier 2027"
    catalog = _english()
    with i18n.translated(catalog.gettext, catalog.ngettext):
        assert long_date(first) == "Monday 1 March 2027"
        assert short_date(dt.date(2027, 1, 12)) == "12 January 2027"
    assert long_date(first) == "lundi 1er mars 2027"
