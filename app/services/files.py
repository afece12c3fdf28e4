"""Files named by their SHA-256 in the data folder, so that they travel with the records that
point to them (docs/sync.md, "Files").

A record points to a file by a field holding the file's SHA-256; the sync sends the bytes to the
server and fetches them on the other laptops (`sync.core.files.FILE_FIELDS` lists those fields).
A file kept where a record's path says (a project's picture in `pictures/`) needs nothing more.
Any other file is kept here with `keep_file`, under `files/<2 first hex>/<sha256>`, and found
again with `kept_file`:

    sha = keep_file(data_dir, path_or_bytes)   # then store `sha` in the record's hash field
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from app.errors import StorageError
from app.i18n import _
from ballots.replace import replacing

FOLDER = "files"
CHUNK = 1 << 20


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def kept_path(data_dir: Path, sha256: str) -> Path:
    return Path(data_dir) / FOLDER / sha256[:2] / sha256


def kept_file(data_dir: Path, sha256: str) -> Path | None:
    path = kept_path(data_dir, sha256)
    return path if path.is_file() else None


def keep_file(data_dir: Path, source: Path | bytes) -> str:
    """Copy a file (or bytes) into the data folder's file store, once; its SHA-256."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    sha = sha256_bytes(data)
    target = kept_path(data_dir, sha)
    if target.is_file() and target.stat().st_size == len(data):
        return sha
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with replacing(target, mode=0o644) as out:
            out.write(data)
    except OSError as error:
        raise StorageError(
            _("Impossible d'enregistrer le fichier {name} : {error}").format(
                name=target.name, error=error.strerror or error
            )
        ) from error
    return sha
