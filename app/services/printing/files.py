"""Files written by the ballot services: temporary siblings, atomic replacement, sidecar names.

A print writes its PDF and its layout file to hidden temporary files beside the targets, records
the batch, and only then renames them over the targets: the person never finds a half-written
PDF, nor a PDF whose serials the database does not know.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from app.errors import UserError
from app.i18n import _
from ballots.atomic import write_error

log = logging.getLogger(__name__)


def sidecar(pdf: Path, suffix: str) -> Path:
    """`ballots.pdf` -> `ballots.layout.json` (suffix ".layout.json")."""
    return pdf.with_name(pdf.stem + suffix) if pdf.suffix else pdf.with_name(pdf.name + suffix)


def temp_beside(target: Path) -> Path:
    """A hidden temporary name in the target's folder (same file system, so rename is atomic)."""
    return target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")


def check_target(path: Path) -> Path:
    """Refuse an output path whose folder is missing or which is a folder itself."""
    path = Path(path).expanduser()
    if path.is_dir():
        raise UserError(
            _("« {path} » est un dossier : indiquez un nom de fichier PDF.").format(path=path),
            field="out",
        )
    if not path.parent.is_dir():
        raise UserError(
            _("Le dossier « {folder} » n'existe pas.").format(folder=path.parent), field="out"
        )
    return path


def remove_quietly(*paths: Path) -> None:
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            log.warning("could not remove %s", path)


def write_text_file(path: Path, text: str) -> None:
    """Write a small text file completely (flushed to disk) or raise a French error."""
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        remove_quietly(path)
        raise os_error(path, exc) from exc


def replace(tmp: Path, target: Path) -> None:
    try:
        os.replace(tmp, target)
    except OSError as exc:
        raise os_error(target, exc) from exc


def os_error(target: Path, exc: OSError) -> UserError:
    """An OSError while writing `target`, as a French message the person can act on (the same
    words as every other document: `ballots.atomic.write_error`)."""
    return UserError(write_error(target, exc).message)
