"""Bordereau de lot / de scellement: a signed checkpoint of the count, printed for the witnesses.

A pure document: plain frozen data in, a PDF out (A4, one page for up to a dozen witnesses).
The witnesses sign it in the room and keep it; later, the entry hash it prints (in groups of
four, and in the QR code as the slip code) proves that the log was not rewritten after that
moment: `bp-terrain verify BUNDLE.zip --slip CODE` checks it against the bundle's log. The
application fills `BatchSlip` from a checkpoint entry (`app.services.counting.slip`); this module only
lays it out, in the visual identity of the procès-verbal (`ballots.report`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ballots.fmt import group_thousands, long_date, time_of_day
from ballots.furniture import LEFT, RIGHT, paragraph
from ballots.i18n import _
from ballots.paged import PagedLayout, draw_qr, render_paged
from ballots.style import (
    ACCENT_TINT,
    FONT,
    FONT_BOLD,
    INK,
    MUTED,
    RULE_GREY,
    Pen,
    fit,
    wrap,
)

BATCH, SEAL, CHECKPOINT = "batch", "seal", "checkpoint"
ROW = 8.0
QR_SIZE = 58.0  # mm, quiet zone included: read from arm's length by a phone


@dataclass(frozen=True)
class BatchSlip:
    """What one slip prints. `counts` and `sheets` are (label in words, figure) pairs."""

    campaign: str
    residence: str
    session_id: str
    officer: str
    witnesses: tuple[str, ...]
    kind: str  # BATCH, SEAL or CHECKPOINT
    batch: int  # the batch number (0 when none)
    seq: int  # the checkpoint's entry number in the log
    moment: dt.datetime  # local time of the checkpoint
    counts: tuple[tuple[str, int], ...]  # ballots: valid, blank, invalid...
    sheets: tuple[tuple[str, int], ...]  # log entries: sheets received, read, decisions...
    entry_hash: str  # the checkpoint entry's hash (64 hex digits)
    key_fingerprint: str
    code: str  # the slip code (BPTA1:...), in the QR code
    verify_command: str  # the command line that checks this slip against a bundle
    test_mode: bool = False
    when: str = ""  # the moment in words, as the slip on screen says it (else from `moment`)


def slip_title(slip: BatchSlip) -> str:
    if slip.kind == BATCH:
        return _("Bordereau de lot n° {batch}").format(batch=slip.batch)
    if slip.kind == SEAL:
        return _("Bordereau de scellement")
    return _("Bordereau de point de contrôle")


def render_slip(slip: BatchSlip, out: Path) -> None:
    """Write the slip atomically (temporary file, then rename); pages counted in a first pass."""
    render_paged(slip_title(slip), lambda pen, pages: _Layout(pen, slip, pages), out)


def hash_lines(value: str) -> list[str]:
    """A hash as lines of four groups of four upper-case digits: read aloud, compare by eye."""
    groups = [value[i : i + 4].upper() for i in range(0, len(value), 4)]
    return [" ".join(groups[i : i + 4]) for i in range(0, len(groups), 4)]


class _Layout(PagedLayout):
    """The slip's sections (a new page only for a long list of witnesses)."""

    def __init__(self, pen: Pen, slip: BatchSlip, pages: int) -> None:
        super().__init__(pen, pages)
        self.s = slip

    def campaign(self) -> str:
        return self.s.campaign

    def titles(self) -> tuple[str, str]:
        title = slip_title(self.s)
        if self.s.test_mode:
            title = _("{title} — essai").format(title=title)  # the band says it on every page
        subtitle = _("{residence} · {day}").format(
            residence=self.s.residence, day=long_date(self.s.moment.date())
        )
        return title, subtitle

    def footer_text(self) -> str:
        return _("Bordereau · {residence} · session {id} · entrée n° {seq}").format(
            residence=self.s.residence, id=self.s.session_id[:8], seq=self.s.seq
        )

    def is_test(self) -> bool:
        return self.s.test_mode

    def sections(self) -> tuple[Callable[[], None], ...]:
        return (self._session, self._figures, self._fingerprint, self._signatures)

    def _title(self, text: str, keep: float = 20) -> None:
        self.heading(text, keep, gap=3)

    def _session(self) -> None:
        s = self.s
        when = s.when or _("{day} à {time}").format(
            day=long_date(s.moment.date()), time=time_of_day(s.moment.time())
        )
        self._title(_("Séance"))
        for label, value in (
            (_("Session"), s.session_id),
            (_("Agent de dépouillement"), s.officer),
            (_("Témoins"), ", ".join(s.witnesses) or _("aucun")),
            (_("Signé le"), when),
            (_("Entrée du journal"), _("n° {seq}").format(seq=s.seq)),
        ):
            lines = wrap(value, FONT, 11, RIGHT - LEFT - 52)
            self.pen.text(LEFT, self.y, label, 11, color=MUTED)
            self.y = self.pen.lines(LEFT + 52, self.y, lines or ["—"], 11) + 0.6
        self.y += 3

    def _figures(self) -> None:
        self._title(_("Comptes à ce point"), keep=4 * ROW)
        if self.s.counts:
            self._grid(self.s.counts)
        if self.s.sheets:
            text = _("Journal : {figures}.").format(
                figures=" · ".join(
                    _("{label} : {n}").format(label=label, n=group_thousands(n))
                    for label, n in self.s.sheets
                )
            )
            self.y = paragraph(self.pen, LEFT, self.y + 3.5, RIGHT - LEFT, text, 9.5, color=MUTED)
        self.y += 2

    def _grid(self, pairs: Sequence[tuple[str, int]]) -> None:
        """Labels in a tinted row, figures below, as many columns as pairs (six at most)."""
        for start in range(0, len(pairs), 6):
            chunk = pairs[start : start + 6]
            width = (RIGHT - LEFT) / len(chunk)
            self.pen.rect(LEFT, self.y, RIGHT - LEFT, ROW + 1, fill=ACCENT_TINT)
            for i, (label, value) in enumerate(chunk):
                x = LEFT + i * width
                head = fit(label, FONT_BOLD, width - 2, 2, 9, 7)
                top = self.y + (4.6 if len(head.lines) == 1 else 3.4)
                self.pen.lines(x + 1, top, head.lines, head.size, bold=True, step=3.2)
                figure = group_thousands(value)
                self.pen.text(x + 1, self.y + ROW + 8, figure, 16, bold=True)
            self.y += ROW + 12
            self.pen.line(LEFT, self.y - 1, RIGHT, self.y - 1, color=RULE_GREY, width_mm=0.2)

    def _fingerprint(self) -> None:
        s = self.s
        self._title(_("Empreinte du journal à ce point"), keep=QR_SIZE)
        top = self.y - 3
        draw_qr(self.pen, s.code, RIGHT - QR_SIZE, top, QR_SIZE, alphanumeric=True)
        width = RIGHT - LEFT - QR_SIZE - 6
        y = paragraph(self.pen, LEFT, self.y, width, _(
            "Cette empreinte couvre toutes les entrées du journal jusqu'à celle-ci, et la "
            "signature de l'agent. Comparez-la à voix haute avec l'écran avant de signer."
        ), 9.5, color=MUTED) + 1  # fmt: skip
        y = self.pen.lines(LEFT, y + 4, hash_lines(s.entry_hash), 15, bold=True, step=7.2)
        self.pen.text(LEFT, y, _("Clé de l'agent (empreinte)"), 9.5, bold=True)
        y = self.pen.lines(LEFT, y + 5, wrap(s.key_fingerprint, FONT, 9.5, width), 9.5)
        self.y = max(y, top + QR_SIZE) + 2
        self.pen.text(LEFT, self.y, _("Code du bordereau"), 9.5, bold=True)
        self.y = self.pen.lines(LEFT, self.y + 5, wrap(s.code, FONT, 9.5, RIGHT - LEFT), 9.5)
        self.pen.text(LEFT, self.y + 1, _("Pour vérifier :"), 9.5, bold=True)
        command = wrap(s.verify_command, FONT, 9.5, RIGHT - LEFT - 28)
        self.y = self.pen.lines(LEFT + 28, self.y + 1, command, 9.5) + 3

    def _signatures(self) -> None:
        people = [(self.s.officer, _("Agent de dépouillement"))]
        people += [(w, _("Témoin")) for w in self.s.witnesses]
        self._title(_("Signatures"), keep=24)
        self.y = paragraph(self.pen, LEFT, self.y, RIGHT - LEFT, _(
            "Les soussignés ont vu ces comptes et cette empreinte à l'écran, à la signature."
        ), 9.5, color=MUTED) + 3  # fmt: skip
        width = (RIGHT - LEFT - 16) / 3
        for i in range(0, len(people), 3):
            self.room(20)
            for j, (name, role) in enumerate(people[i : i + 3]):
                x = LEFT + j * (width + 8)
                self.pen.text(x, self.y, fit(name, FONT, width, 1, 11, 9).lines[0], 11, bold=True)
                self.pen.text(x, self.y + 4.5, role, 9, color=MUTED)
                self.pen.line(x, self.y + 16, x + width, self.y + 16, color=INK, width_mm=0.3)
                self.pen.text(x, self.y + 19.5, _("Signature"), 8, color=MUTED)
            self.y += 25
