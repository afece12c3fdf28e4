"""The images of a bundle (exported `--with-images`): each must be one the log received."""

from __future__ import annotations

import hashlib
from pathlib import Path

from app.i18n import _
from app.verify.bundle import Bundle
from app.verify.log import LogFacts
from app.verify.model import VerifyFailure


def check_images(bundle: Bundle, facts: LogFacts) -> dict[str, str]:
    """Every image in the bundle must be one the log received, under its own SHA-256."""
    wanted = {s.image_sha256 for s in facts.sheets.values() if s.image_sha256}
    out: dict[str, str] = {}
    for name in bundle.names("images/"):
        stem = Path(name).name.split(".")[0]
        digest = hashlib.sha256(bundle.files[name]).hexdigest()
        if digest != stem or digest not in wanted:
            raise VerifyFailure(
                "image_mismatch",
                name,
                _(
                    "Image {name} modifiée ou étrangère : son empreinte SHA-256 ne correspond à "
                    "aucune feuille reçue dans le journal."
                ).format(name=name),
            )
        out[digest] = name
    return out
