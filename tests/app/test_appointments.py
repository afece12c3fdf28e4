"""The hot line's appointment book: slots, consent, answers, figures, weekly sheet, export."""

from __future__ import annotations

from datetime import date, time

import pypdfium2 as pdfium
import pytest

from app.domain.appointments import Channel
from app.errors import UserError
from app.services.appointments import BookingInput, OutcomeInput, SlotsInput
from app.services.interop.tables import read_table
from app.storage.consultant_tables import AppointmentRow
from app.storage.tables import PendingChange
from sync.core.tables import kind_of

DAY = date(2026, 10, 6)  # a Tuesday, inside the test campaign


def _open(services, residence=None, **kw):
    data = dict(
        consultant="Awa Diallo", channel=Channel.ROOM, day=DAY, start=time(9), end=time(11),
        place="Local commun", residence_id=residence.id if residence else None,
    )  # fmt: skip
    data.update(kw)
    return services.appointments.open_slots(SlotsInput(**data))


def test_slots_of_30_minutes_or_configured(services, residence):
    slots = _open(services, residence)
    assert [s.starts_at.astimezone(s.starts_at.tzinfo).strftime("%H:%M") for s in slots] == [
        "09:00", "09:30", "10:00", "10:30",
    ]  # fmt: skip
    assert all(s.minutes == 30 and not s.booked for s in slots)
    longer = _open(services, consultant="Paul", channel=Channel.PHONE, minutes=45)
    assert len(longer) == 2  # 9:00 and 9:45; 10:30 + 45 min would pass 11:00
    assert [s.channel for s in longer] == [Channel.PHONE, Channel.PHONE]


def test_overlapping_slots_of_one_consultant_are_refused(services, campaign):
    _open(services)
    with pytest.raises(UserError) as err:
        _open(services, start=time(10, 15), end=time(12))
    assert err.value.message == "Awa Diallo a déjà un créneau à 10 h ce jour-là."
    assert len(_open(services, consultant="Paul")) == 4  # another consultant, same hours


def test_absurd_ranges_are_refused_in_french(services, campaign):
    with pytest.raises(UserError, match="L'heure de fin doit suivre"):
        _open(services, start=time(11), end=time(9))
    with pytest.raises(UserError, match="entre 5 et 240 minutes"):
        _open(services, minutes=2)


def test_name_and_contact_only_with_consent(services, campaign):
    slot = _open(services)[0]
    with pytest.raises(UserError, match="seulement avec l'accord"):
        services.appointments.book(slot.id, BookingInput(question="?", resident_name="Mme Roux"))
    assert services.appointments.get(slot.id).booked is False
    anonymous = services.appointments.book(slot.id, BookingInput(question="Quel budget ?"))
    assert anonymous.anonymous and anonymous.resident_name == ""
    assert anonymous.consent_at is None
    with pytest.raises(UserError, match="déjà réservé"):
        services.appointments.book(slot.id, BookingInput())
    other = _open(services, consultant="Paul")[1]
    named = services.appointments.book(
        other.id,
        BookingInput("Un banc ?", "Cadre de vie", True, "Mme Roux", "06 12 34 56 78"),
    )
    assert not named.anonymous and named.resident_name == "Mme Roux" and named.consent_at


def test_cancel_forgets_who_and_what(services, campaign):
    slot = _open(services)[0]
    services.appointments.book(slot.id, BookingInput("Q", "", True, "M. Petit", "mail"))
    freed = services.appointments.cancel_booking(slot.id)
    assert not freed.booked and freed.resident_name == freed.question == "" and not freed.consent_at


def test_outcome_figures_and_questions(services, residence):
    slots = _open(services, residence)
    phone = _open(services, consultant="Paul", channel=Channel.PHONE)
    services.appointments.book(slots[0].id, BookingInput("Quand vote-t-on ?", "Vote"))
    services.appointments.book(slots[1].id, BookingInput("Un potager ?", "Nature", True, "Léa", ""))
    services.appointments.book(phone[0].id, BookingInput("Quel budget ?", "Vote"))
    services.appointments.record_outcome(
        slots[0].id, OutcomeInput("En janvier.", "Envoyer l'affiche", False)
    )
    services.appointments.record_outcome(slots[1].id, OutcomeInput("Oui", "Rappeler", True))
    with pytest.raises(UserError, match="pas réservé"):
        services.appointments.record_outcome(slots[2].id, OutcomeInput("x"))
    f = services.appointments.figures()
    assert (f.slots, f.booked, f.held, f.anonymous, f.named) == (8, 3, 2, 2, 1)
    assert (f.follow_ups_open, f.follow_ups_done) == (1, 1)
    assert dict(f.by_channel) == {Channel.ROOM: 2, Channel.PHONE: 1, Channel.VIDEO: 0}
    assert f.by_theme == (("Vote", 2), ("Nature", 1))
    assert dict(f.by_residence) == {"Les Tilleuls": 2, "": 1}
    assert f.booking_rate == pytest.approx(3 / 8)
    asked = services.appointments.questions()
    assert [q.question for q in asked] == ["Quand vote-t-on ?", "Quel budget ?", "Un potager ?"]
    assert asked[0].answer == "En janvier."
    assert not hasattr(asked[0], "resident_name")


def test_day_and_week_views(services, campaign):
    _open(services)
    _open(services, day=date(2026, 10, 9))
    _open(services, day=date(2026, 10, 13))
    assert len(services.appointments.day(DAY)) == 4
    assert len(services.appointments.week(date(2026, 10, 8))) == 8
    assert services.appointments.day(date(2026, 10, 7)) == []


def test_slots_are_synced_records(services, campaign):
    slot = _open(services)[0]
    assert kind_of("appointment") == "edit"
    with services.uow() as session:
        changes = session.query(PendingChange).filter_by(table_name="appointment").count()
        row = session.get(AppointmentRow, slot.id)
        assert row is not None and row.device_id
    assert changes == 4


def test_deleting_a_booked_slot_is_refused(services, campaign):
    slot = _open(services)[0]
    services.appointments.book(slot.id, BookingInput("Q"))
    with pytest.raises(UserError, match="réservé"):
        services.appointments.delete_slot(slot.id)
    services.appointments.cancel_booking(slot.id)
    services.appointments.delete_slot(slot.id)
    assert len(services.appointments.day(DAY)) == 3


def test_weekly_sheet_is_a_real_pdf_with_the_slots(services, residence, tmp_path):
    slots = _open(services, residence)
    services.appointments.book(
        slots[0].id, BookingInput("Quand vote-t-on ?", "", True, "Léa B.", "")
    )
    services.appointments.book(slots[1].id, BookingInput("Combien de projets ?"))
    for day in (date(2026, 10, 7), date(2026, 10, 8), date(2026, 10, 9)):
        _open(services, day=day, start=time(9), end=time(18))
    path, pages = services.appointments.print_week(
        DAY, tmp_path / "semaine.pdf",
        campaign="Budget participatif test", residences={residence.id: residence.name},
    )  # fmt: skip
    doc = pdfium.PdfDocument(path)
    text = " ".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    text = " ".join(text.split())
    assert len(doc) == pages >= 3  # 4 + 3 x 18 slots do not fit one page, nor two
    assert "Permanences – semaine du lundi 5 octobre 2026" in text
    assert "Léa B." in text and "Anonyme" in text and "Combien de projets ?" in text
    assert "mardi 6 octobre 2026" in text and "9 h 30 – 10 h" in text
    doc.close()


def test_export_to_xlsx_and_csv(services, residence, tmp_path):
    slots = _open(services, residence)
    services.appointments.book(slots[0].id, BookingInput("Q1", "Vote", True, "Léa", "06"))
    services.appointments.book(slots[1].id, BookingInput("Q2"))
    for name in ("rdv.xlsx", "rdv.csv"):
        path, count = services.sheets.export_sheet("appointments", tmp_path / name)
        table = read_table(path)
        assert count == 4 and len(table.rows) == 4
        rows = [dict(zip(table.headers, r.cells, strict=True)) for r in table.rows]
        assert rows[0]["nom"] == "Léa" and rows[0]["consentement"] == "oui"
        assert rows[1]["nom"] in ("", None) and rows[1]["question"] == "Q2"
        assert rows[0]["heure"] == "09:00" and rows[0]["résidence"] == "Les Tilleuls"


def test_the_evaluation_report_gets_the_hot_line_without_names(services, residence):
    assert services.evaluation.extra_sources["hotline"]() is None  # nothing yet: "Aucune donnée"
    slots = _open(services, residence)
    services.appointments.book(
        slots[0].id, BookingInput("Quel budget ?", "Vote", True, "Léa", "06")
    )
    services.appointments.book(slots[1].id, BookingInput("Un banc ?", "Cadre de vie"))
    figures = services.evaluation.extra_sources["hotline"]()
    assert dict(figures.rows) == {
        "créneaux ouverts": "4", "rendez-vous pris": "2", "rendez-vous tenus": "0",
        "dont anonymes": "1",
        "suites encore à donner": "0",
    }  # fmt: skip
    assert "Salle de la résidence : 2" in figures.text and "Vote : 1" in figures.text
    assert [r[2] for r in figures.table_rows] == ["Quel budget ?", "Un banc ?"]
    assert "Léa" not in repr(figures)
    assert services.evaluation.extra_sources["surveys"]() is None  # no printed survey
