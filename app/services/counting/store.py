"""The originals of scanned sheets, stored once under the data folder by their SHA-256.

An image is written to a temporary file in the target folder, flushed to disk, made read-only
and renamed into place, so the store never holds a half-written image under a real name. Its
name is its hash: the same scan ingested twice is stored once, and any change to a stored file
is visible by recomputing the hash. A full disk raises a French `StorageError` and leaves
nothing behind.
"""

from __future__ import annotations

import errno
import logging
import shutil
from pathlib import Path

from app.errors import StorageError, UserError
from app.i18n import _
from ballots.replace import replacing

log = logging.getLogger(__name__)

KNOWN_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".pdf", ".bmp", ".webp")


def images_dir(data_dir: Path) -> Path:
    return data_dir / "count" / "images"


def stored_name(sha256: str, original: str | Path) -> str:
    """`<sha256><suffix>`: the name a reading and the bundle use (no personal file name)."""
    suffix = Path(original).suffix.lower()
    return sha256 + (suffix if suffix in KNOWN_SUFFIXES else ".bin")


def image_path(data_dir: Path, name: str) -> Path:
    return images_dir(data_dir) / name[:2] / name


def find_image(data_dir: Path, sha256: str) -> Path | None:
    folder = images_dir(data_dir) / sha256[:2]
    if not folder.is_dir():
        return None
    for candidate in sorted(folder.glob(sha256 + ".*")):
        return candidate
    return None


def disk_full_error() -> StorageError:
    return StorageError(
        _(
            "Le disque est plein : la lecture des bulletins est arrêtée. Les feuilles déjà "
            "enregistrées sont intactes et le journal est cohérent. Libérez de la place, puis "
            "relancez l'enregistrement des mêmes fichiers : ceux déjà lus seront ignorés."
        )
    )


def store_image(data_dir: Path, source: Path, sha256: str) -> Path:
    """Copy `source` into the store (once) and return the stored path."""
    target = image_path(data_dir, stored_name(sha256, source))
    if target.exists() and target.stat().st_size == source.stat().st_size:
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with (
            replacing(target, final_mode=0o444, sync_folder=True) as out,
            source.open("rb") as src,
        ):
            shutil.copyfileobj(src, out, 1 << 20)
    except OSError as error:
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            raise disk_full_error() from error
        raise UserError(
            _("Impossible d'enregistrer l'image {name} : {error}").format(
                name=source.name, error=error.strerror or error
            )
        ) from error
    return target
