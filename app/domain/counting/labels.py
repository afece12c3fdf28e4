"""The count's codes in words: reader reasons, reading states and sheet outcomes.

The codes ("too_many_choices", "needs_review", "set_aside"...) are stable: they are written in
the log, the bundle and every `--json` output. People read the words, translated through the
catalog, in the app and on the command line alike.
"""

from __future__ import annotations

from app.domain.counting import models as cm
from app.i18n import N_, _
from scanner.reasons import Reason, message

#: Reasons the count adds to the reader's (scanner.reasons holds the reader's own).
EXTRA_REASONS = {
    "duplicate_serial": N_(
        "Même numéro de série qu'une autre feuille (photocopie ?) : mettez la copie de côté."
    ),
    "reader_error": N_("Le lecteur n'a pas pu lire cette feuille."),
}

#: What the reader made of a page (`PageReading.status`).
READING_STATES = {
    "valid": N_("lu"),
    "needs_review": N_("à revoir"),
    "rejected": N_("rejeté"),
    "blank": N_("page blanche"),
}

#: What a sheet counts as now, people's decisions included.
OUTCOMES = {
    cm.VALID: N_("valide"),
    cm.BLANK: N_("blanc"),
    cm.INVALID: N_("nul"),
    cm.SET_ASIDE: N_("mis de côté"),
    cm.REJECTED: N_("rejeté"),
    cm.PENDING: N_("à revoir"),
    cm.SKIPPED: N_("page blanche ignorée"),
}


def reason_text(code: str) -> str:
    """The sentence for a reader or count reason code (the code itself if unknown)."""
    if code in EXTRA_REASONS:
        return _(EXTRA_REASONS[code])
    try:
        return _(message(Reason(code)))
    except (ValueError, KeyError):
        return code


def reasons_text(codes: tuple[str, ...] | list[str]) -> str:
    return " ".join(reason_text(code) for code in codes)


def reading_state(code: str) -> str:
    return _(READING_STATES[code]) if code in READING_STATES else code


def outcome_text(code: str) -> str:
    return _(OUTCOMES[code]) if code in OUTCOMES else code


#: The reason recorded when the person decides without typing one, by (target, value): the
#: same in the app (a decision key) and on the command line (`count decide` without --reason).
DEFAULT_REASONS = {
    ("box", "marked"): N_("Case marquée, vue par le bureau"),
    ("box", "unmarked"): N_("Case non marquée, vue par le bureau"),
    ("sheet", "invalid"): N_("Bulletin déclaré nul"),
    ("sheet", "set_aside"): N_("Bulletin mis de côté"),
}


def default_reason(target: str, value: str) -> str:
    return _(DEFAULT_REASONS[(target, value)])
