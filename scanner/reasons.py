"""Reason codes of the reader, with their French messages.

The codes are stable strings written into the JSON readings and the audit log, so that a reading
made today can be explained years later. The messages are French source strings marked with `N_`
for extraction: the scanner is a pure library and cannot import `app.i18n`, so the caller
translates them with `_()` when it shows them.
"""

from __future__ import annotations

from enum import StrEnum


def N_(message: str) -> str:
    """Mark a string for gettext extraction without translating it here."""
    return message


class Reason(StrEnum):
    """Why a page is blank, rejected or sent to review, or why a box needs a person."""

    # Input files
    FILE_UNREADABLE = "file_unreadable"
    UNSUPPORTED_FORMAT = "unsupported_format"
    CORRUPT_IMAGE = "corrupt_image"
    IMAGE_TOO_LARGE = "image_too_large"
    IMAGE_TOO_SMALL = "image_too_small"
    PDF_NO_PAGE = "pdf_no_page"
    PDF_ENCRYPTED = "pdf_encrypted"
    READER_ERROR = "reader_error"
    # Page
    BLANK_PAGE = "blank_page"
    # Registration
    NO_MARKERS = "no_markers"
    MARKERS_INCOMPLETE = "markers_incomplete"
    MARKERS_INCONSISTENT = "markers_inconsistent"
    REGISTRATION_POOR = "registration_poor"
    MARKER_SIZE_INCONSISTENT = "marker_size_inconsistent"
    SCALE_OUT_OF_RANGE = "scale_out_of_range"
    MIRRORED = "mirrored"
    # What to do about a rejected registration (follows the reason above)
    CORNER_CUT_TOP_LEFT = "corner_cut_top_left"
    CORNER_CUT_TOP_RIGHT = "corner_cut_top_right"
    CORNER_CUT_BOTTOM_RIGHT = "corner_cut_bottom_right"
    CORNER_CUT_BOTTOM_LEFT = "corner_cut_bottom_left"
    CORNER_HIDDEN_TOP_LEFT = "corner_hidden_top_left"
    CORNER_HIDDEN_TOP_RIGHT = "corner_hidden_top_right"
    CORNER_HIDDEN_BOTTOM_RIGHT = "corner_hidden_bottom_right"
    CORNER_HIDDEN_BOTTOM_LEFT = "corner_hidden_bottom_left"
    PAGE_NOT_IN_PICTURE = "page_not_in_picture"
    # QR code and identity
    QR_UNREADABLE = "qr_unreadable"
    QR_INVALID = "qr_invalid"
    WRONG_CAMPAIGN = "wrong_campaign"
    LAYOUT_UNKNOWN = "layout_unknown"
    QR_MAC_INVALID = "qr_mac_invalid"
    PAGE_MISMATCH = "page_mismatch"
    TEST_BALLOT = "test_ballot_in_live_count"
    LIVE_BALLOT_IN_TEST = "live_ballot_in_test_count"
    SERIAL_NOT_IN_BATCH = "serial_not_in_batch"
    # Marks (box level)
    UNCERTAIN_MARK = "uncertain_mark"
    MARK_OUTSIDE_BOX = "mark_outside_box"
    LINE_ACROSS_BOX = "line_across_box"
    BOX_NOT_FOUND = "box_not_found"
    # Marks (page level)
    MARK_NEAR_TITLE = "mark_near_title"
    FAINT_MARKS = "faint_marks"
    TOO_MANY_CHOICES = "too_many_choices"
    TOO_FEW_CHOICES = "too_few_choices"
    OVER_BUDGET = "over_budget"


MESSAGES: dict[Reason, str] = {
    Reason.FILE_UNREADABLE: N_("Le fichier est introuvable ou ne peut pas être lu."),
    Reason.UNSUPPORTED_FORMAT: N_(
        "Ce type de fichier n'est pas pris en charge (PNG, JPEG, TIFF ou PDF attendu)."
    ),
    Reason.CORRUPT_IMAGE: N_("Le fichier est abîmé ou incomplet : l'image ne peut pas être lue."),
    Reason.IMAGE_TOO_LARGE: N_(
        "L'image est trop grande pour être lue sans risque ; numérisez à 600 dpi au plus."
    ),
    Reason.IMAGE_TOO_SMALL: N_("L'image est trop petite pour qu'un bulletin y soit lisible."),
    Reason.PDF_NO_PAGE: N_("Le PDF ne contient aucune page."),
    Reason.PDF_ENCRYPTED: N_(
        "Le PDF est protégé par un mot de passe ; enregistrez-le sans protection."
    ),
    Reason.READER_ERROR: N_(
        "Erreur interne du lecteur sur cette page : elle n'est pas comptée ; signalez-la."
    ),
    Reason.BLANK_PAGE: N_("Page blanche (verso d'une numérisation recto verso) : ignorée."),
    Reason.NO_MARKERS: N_(
        "Aucun repère de bulletin trouvé : ce n'est pas un bulletin, ou il est trop flou."
    ),
    Reason.MARKERS_INCOMPLETE: N_(
        "Moins de trois repères visibles dans les coins : le bulletin est coupé ou masqué."
    ),
    Reason.MARKERS_INCONSISTENT: N_(
        "Les repères des coins ne vont pas ensemble (pages mélangées ou image retouchée)."
    ),
    Reason.REGISTRATION_POOR: N_(
        "Le bulletin est déformé (pli, froissé ou photo trop inclinée) : recalage trop imprécis."
    ),
    Reason.MARKER_SIZE_INCONSISTENT: N_(
        "Les repères n'ont pas la taille attendue : le bulletin a été imprimé à une autre échelle."
    ),
    Reason.SCALE_OUT_OF_RANGE: N_(
        "Le bulletin est trop petit ou trop grand sur l'image : numérisez entre 150 et 600 dpi."
    ),
    Reason.MIRRORED: N_("L'image est inversée comme dans un miroir."),
    Reason.CORNER_CUT_TOP_LEFT: N_(
        "Le coin en haut à gauche est coupé : rescannez en posant la feuille bien droite."
    ),
    Reason.CORNER_CUT_TOP_RIGHT: N_(
        "Le coin en haut à droite est coupé : rescannez en posant la feuille bien droite."
    ),
    Reason.CORNER_CUT_BOTTOM_RIGHT: N_(
        "Le coin en bas à droite est coupé : rescannez en posant la feuille bien droite."
    ),
    Reason.CORNER_CUT_BOTTOM_LEFT: N_(
        "Le coin en bas à gauche est coupé : rescannez en posant la feuille bien droite."
    ),
    Reason.CORNER_HIDDEN_TOP_LEFT: N_(
        "Le carré noir du coin en haut à gauche est illisible (tache, pli, objet posé dessus) :"
        " dégagez-le et rescannez."
    ),
    Reason.CORNER_HIDDEN_TOP_RIGHT: N_(
        "Le carré noir du coin en haut à droite est illisible (tache, pli, objet posé dessus) :"
        " dégagez-le et rescannez."
    ),
    Reason.CORNER_HIDDEN_BOTTOM_RIGHT: N_(
        "Le carré noir du coin en bas à droite est illisible (tache, pli, objet posé dessus) :"
        " dégagez-le et rescannez."
    ),
    Reason.CORNER_HIDDEN_BOTTOM_LEFT: N_(
        "Le carré noir du coin en bas à gauche est illisible (tache, pli, objet posé dessus) :"
        " dégagez-le et rescannez."
    ),
    Reason.PAGE_NOT_IN_PICTURE: N_(
        "La photo ne montre pas toute la page : reprenez-la en cadrant les quatre carrés noirs."
    ),
    Reason.QR_UNREADABLE: N_("Le code QR du bulletin est illisible."),
    Reason.QR_INVALID: N_("Le code QR n'est pas celui d'un bulletin BP Terrain."),
    Reason.WRONG_CAMPAIGN: N_("Ce bulletin appartient à une autre campagne."),
    Reason.LAYOUT_UNKNOWN: N_(
        "La mise en page de ce bulletin est inconnue (ancienne version ou autre campagne)."
    ),
    Reason.QR_MAC_INVALID: N_(
        "Le code QR a été falsifié ou modifié : sa signature ne correspond pas à la campagne."
    ),
    Reason.PAGE_MISMATCH: N_("Le code QR et les repères n'indiquent pas la même page."),
    Reason.TEST_BALLOT: N_("Bulletin d'essai : il ne compte jamais dans un dépouillement réel."),
    Reason.LIVE_BALLOT_IN_TEST: N_("Bulletin réel présenté pendant un dépouillement d'essai."),
    Reason.SERIAL_NOT_IN_BATCH: N_(
        "Ce bulletin n'appartient à aucun lot imprimé enregistré (bulletin contrefait ?)."
    ),
    Reason.UNCERTAIN_MARK: N_("Marque incertaine : une personne doit regarder cette case."),
    Reason.MARK_OUTSIDE_BOX: N_("Une marque a été faite autour de la case plutôt que dedans."),
    Reason.LINE_ACROSS_BOX: N_("Un trait traverse la case et ses abords (pli ou rature ?)."),
    Reason.BOX_NOT_FOUND: N_("Le cadre de la case n'a pas été retrouvé à sa place."),
    Reason.MARK_NEAR_TITLE: N_("Une marque entoure ou souligne un titre de projet."),
    Reason.FAINT_MARKS: N_("Toutes les marques sont très pâles : vérifiez le bulletin."),
    Reason.TOO_MANY_CHOICES: N_("Plus de projets cochés que la règle ne le permet."),
    Reason.TOO_FEW_CHOICES: N_("Moins de projets cochés que la règle ne le demande."),
    Reason.OVER_BUDGET: N_("Les projets cochés dépassent le budget."),
}


def message(reason: Reason | str) -> str:
    """The French source message of a reason code (translate it with `_()` to show it)."""
    return MESSAGES[Reason(reason)]
