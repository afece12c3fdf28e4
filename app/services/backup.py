"""Save a whole campaign to one encrypted file, look inside it, and restore it (no Qt).

The file holds the database, copied with SQLite's online backup API (consistent while the app
runs), and the files of the data folder it needs: signing keys, count images and logs, project
pictures. It is encrypted with a passphrase: scrypt derives a key, AES-256-GCM seals a small
manifest (what the preview shows) and then the zip in chunks, each one authenticated with its
number and a "last" flag, so a truncated or altered file is refused, never half restored.

Layout: MAGIC, a clear JSON header (format version, scrypt parameters, salt, nonce prefix), the
encrypted manifest, then the encrypted chunks of the zip. Restoring onto a folder that already
holds a campaign needs `replace=True`; the previous data is then moved aside, never deleted.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import struct
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from app.domain.dates import format_datetime, utc_now
from app.errors import CancelToken, StorageError, UserError
from app.i18n import _, language
from app.paths import DB_FILENAME

log = logging.getLogger(__name__)

MAGIC = b"BPTERRAIN-SAVE\x00\x01"
FORMAT = 1
CHUNK = 1 << 20
SCRYPT_N, SCRYPT_R, SCRYPT_P = 1 << 15, 8, 1
MIN_PASSPHRASE = 8
SKIPPED_DIRS = {"backups"}
SKIPPED_SUFFIXES = (".lock", "-wal", "-shm", "-journal")
Progress = Callable[[int, int], None]


class BackupError(UserError):
    """The save file cannot be written, read, decrypted or restored (a French message)."""


@dataclass(frozen=True)
class BackupInfo:
    """What a save file holds, for the preview before restoring."""

    created_at: str  # ISO-8601 UTC
    campaign: str
    residences: tuple[str, ...]
    counts: int  # count sessions
    sealed: int
    files: int
    size: int  # bytes of the data, before compression and encryption

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class RestoreResult:
    info: BackupInfo
    data_dir: Path
    kept_aside: Path | None  # where the previous data went (None: the folder was empty)


def _no_progress(done: int, total: int) -> None:
    return None


def describe(info: BackupInfo) -> list[str]:
    """The preview in words (the command line and the Restaurer dialog show the same)."""
    when = format_datetime(datetime.fromisoformat(info.created_at))
    size = f"{info.size / 1e6:.1f}"
    return [
        _("Campagne : {name}").format(name=info.campaign or _("aucune")),
        _("Sauvegardée le {when}").format(when=when),
        _("Résidences : {names}").format(names=", ".join(info.residences) or _("aucune")),
        _("Dépouillements : {n} (dont {sealed} scellés)").format(n=info.counts, sealed=info.sealed),
        _("Fichiers : {n} ({size} Mo)").format(
            n=info.files, size=size if language() == "en" else size.replace(".", ",")
        ),
    ]


# --- creating ----------------------------------------------------------------------------------


def create_backup(
    data_dir: Path,
    out: Path,
    passphrase: str,
    *,
    progress: Progress = _no_progress,
    cancel: CancelToken | None = None,
) -> BackupInfo:
    """Write the encrypted save file `out` of the data folder (atomically: all or nothing)."""
    data_dir, out = Path(data_dir), Path(out)
    if len(passphrase or "") < MIN_PASSPHRASE:
        raise BackupError(
            _("La phrase de la sauvegarde doit compter au moins {n} caractères.").format(
                n=MIN_PASSPHRASE
            ),
            field="passphrase",
        )
    if not (data_dir / DB_FILENAME).exists():
        raise BackupError(_("Ce dossier ne contient aucune campagne à sauvegarder."))
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bp-save-", dir=out.parent) as work:
        try:
            return _write(data_dir, out, passphrase, Path(work), progress, cancel)
        except OSError as error:
            raise _disk_error(error, out) from error


def _write(
    data_dir: Path,
    out: Path,
    passphrase: str,
    work: Path,
    progress: Progress,
    cancel: CancelToken | None,
) -> BackupInfo:
    db_copy = work / DB_FILENAME
    _copy_database(data_dir / DB_FILENAME, db_copy)
    files = [(p, p.relative_to(data_dir).as_posix()) for p in _data_files(data_dir)]
    files.insert(0, (db_copy, DB_FILENAME))
    info = _describe(db_copy, len(files), sum(p.stat().st_size for p, _n in files))
    archive = work / "data.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for done, (path, name) in enumerate(files, 1):
            if cancel is not None:
                cancel.check()
            zf.write(path, name)
            progress(done, len(files) + 1)
    partial = out.with_name(out.name + ".partial")
    with open(archive, "rb") as plain, open(partial, "wb") as sealed:
        _encrypt(plain, sealed, passphrase, info)
        sealed.flush()
        os.fsync(sealed.fileno())
    os.replace(partial, out)
    progress(len(files) + 1, len(files) + 1)
    log.info("campaign saved to %s (%d files)", out, len(files))
    return info


def _copy_database(source: Path, target: Path) -> None:
    """A consistent copy while the app may be writing (SQLite's online backup API)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _data_files(data_dir: Path) -> Iterator[Path]:
    for path in sorted(data_dir.rglob("*")):
        rel = path.relative_to(data_dir)
        if not path.is_file() or rel.parts[0] in SKIPPED_DIRS:
            continue
        if rel.as_posix() == DB_FILENAME or path.name.endswith(SKIPPED_SUFFIXES):
            continue
        yield path


def _describe(db: Path, files: int, size: int) -> BackupInfo:
    """The preview's facts, read from the copied database (plain SQL, read only)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        campaign = conn.execute(
            "SELECT name FROM campaign WHERE deleted_at IS NULL ORDER BY created_at LIMIT 1"
        ).fetchone()
        residences = conn.execute(
            "SELECT name FROM residence WHERE deleted_at IS NULL ORDER BY name"
        ).fetchall()
        counts, sealed = conn.execute(
            "SELECT COUNT(*), COUNT(sealed_at) FROM count_session WHERE deleted_at IS NULL"
        ).fetchone()
    except sqlite3.Error:
        campaign, residences, counts, sealed = None, [], 0, 0
    finally:
        conn.close()
    return BackupInfo(
        created_at=utc_now().isoformat(timespec="seconds"),
        campaign=campaign[0] if campaign else "",
        residences=tuple(r[0] for r in residences),
        counts=int(counts or 0),
        sealed=int(sealed or 0),
        files=files,
        size=size,
    )


# --- encryption --------------------------------------------------------------------------------


def _key(passphrase: str, salt: bytes, n: int, r: int, p: int) -> AESGCM:
    kdf = Scrypt(salt=salt, length=32, n=n, r=r, p=p)
    return AESGCM(kdf.derive(passphrase.encode("utf-8")))


def _nonce(prefix: bytes, number: int) -> bytes:
    return prefix + struct.pack(">I", number)


def _encrypt(plain: IO[bytes], sealed: IO[bytes], passphrase: str, info: BackupInfo) -> None:
    salt, prefix = os.urandom(16), os.urandom(8)
    header = {"format": FORMAT, "kdf": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P,
              "salt": salt.hex(), "nonce": prefix.hex(), "chunk": CHUNK}  # fmt: skip
    head = json.dumps(header, sort_keys=True).encode()
    aead = _key(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    sealed.write(MAGIC + struct.pack(">I", len(head)) + head)
    manifest = aead.encrypt(_nonce(prefix, 0), json.dumps(info.as_dict()).encode(), head + b"M")
    sealed.write(struct.pack(">I", len(manifest)) + manifest)
    number, block = 1, plain.read(CHUNK)
    while True:
        following = plain.read(CHUNK)
        flag = b"L" if not following else b"C"
        box = aead.encrypt(_nonce(prefix, number), block, head + flag)
        sealed.write(flag + struct.pack(">I", len(box)) + box)
        if not following:
            return
        number, block = number + 1, following


def _open_file(path: Path) -> IO[bytes]:
    try:
        return open(path, "rb")
    except FileNotFoundError as error:
        raise BackupError(
            _("Fichier de sauvegarde introuvable : {path}").format(path=path)
        ) from error
    except OSError as error:
        raise BackupError(
            _("Impossible de lire {path} : {error}").format(path=path, error=error.strerror)
        ) from error


def _damaged(path: Path) -> BackupError:
    return BackupError(
        _(
            "Le fichier {name} n'est pas une sauvegarde BP Terrain ou il est abîmé "
            "(tronqué ou modifié) : rien n'a été restauré."
        ).format(name=path.name)
    )


def _read_exact(f: IO[bytes], n: int, path: Path) -> bytes:
    data = f.read(n)
    if len(data) != n:
        raise _damaged(path)
    return data


def _open_header(
    f: IO[bytes], path: Path, passphrase: str
) -> tuple[AESGCM, bytes, bytes, BackupInfo]:
    if f.read(len(MAGIC)) != MAGIC:
        raise _damaged(path)
    (size,) = struct.unpack(">I", _read_exact(f, 4, path))
    head = _read_exact(f, size, path)
    try:
        header = json.loads(head)
        salt, prefix = bytes.fromhex(header["salt"]), bytes.fromhex(header["nonce"])
        aead = _key(passphrase, salt, int(header["n"]), int(header["r"]), int(header["p"]))
    except (ValueError, KeyError, TypeError) as error:
        raise _damaged(path) from error
    (size,) = struct.unpack(">I", _read_exact(f, 4, path))
    box = _read_exact(f, size, path)
    try:
        manifest = json.loads(aead.decrypt(_nonce(prefix, 0), box, head + b"M"))
    except InvalidTag as error:
        raise BackupError(
            _("Phrase incorrecte : elle n'ouvre pas cette sauvegarde. Rien n'a été restauré."),
            field="passphrase",
        ) from error
    manifest["residences"] = tuple(manifest.get("residences", ()))
    return aead, prefix, head, BackupInfo(**manifest)


def read_backup_info(path: Path, passphrase: str) -> BackupInfo:
    """What the save file holds (campaign, residences, counts, date): the restore's preview."""
    with _open_file(Path(path)) as f:
        return _open_header(f, Path(path), passphrase)[3]


def _decrypt_to(
    path: Path, passphrase: str, target: IO[bytes], cancel: CancelToken | None
) -> BackupInfo:
    with _open_file(path) as f:
        aead, prefix, head, info = _open_header(f, path, passphrase)
        number = 1
        while True:
            if cancel is not None:
                cancel.check()
            flag = _read_exact(f, 1, path)
            (size,) = struct.unpack(">I", _read_exact(f, 4, path))
            box = _read_exact(f, size, path)
            try:
                target.write(aead.decrypt(_nonce(prefix, number), box, head + flag))
            except InvalidTag as error:
                raise _damaged(path) from error
            if flag == b"L":
                if f.read(1):
                    raise _damaged(path)
                return info
            number += 1


# --- restoring ---------------------------------------------------------------------------------


def holds_campaign(data_dir: Path) -> bool:
    """Whether the folder already holds data that a restore would replace."""
    return (Path(data_dir) / DB_FILENAME).exists()


def restore_backup(
    path: Path,
    passphrase: str,
    data_dir: Path,
    *,
    replace: bool = False,
    progress: Progress = _no_progress,
    cancel: CancelToken | None = None,
) -> RestoreResult:
    """Restore the save file into `data_dir` (closed: no service may hold it open).

    A folder that already holds a campaign is never overwritten without `replace=True`; then
    its previous content is moved aside to `<folder>-avant-restauration-<date>`."""
    path, data_dir = Path(path), Path(data_dir)
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".bp-restore-", dir=data_dir.parent) as work:
        staged = Path(work) / "data"
        try:
            info = _unpack(path, passphrase, Path(work), staged, progress, cancel)
        except OSError as error:
            raise _disk_error(error, data_dir) from error
        if holds_campaign(data_dir) and not replace:
            raise BackupError(
                _(
                    "Le dossier {path} contient déjà une campagne. Confirmez le remplacement : "
                    "les données actuelles seront mises de côté, pas effacées."
                ).format(path=data_dir),
                field="replace",
            )
        kept = _set_aside(data_dir) if data_dir.exists() and any(data_dir.iterdir()) else None
        if data_dir.exists():
            data_dir.rmdir()
        os.replace(staged, data_dir)
    log.info("save file %s restored into %s (previous data: %s)", path, data_dir, kept)
    return RestoreResult(info, data_dir, kept)


def _unpack(
    path: Path,
    passphrase: str,
    work: Path,
    staged: Path,
    progress: Progress,
    cancel: CancelToken | None,
) -> BackupInfo:
    archive = work / "data.zip"
    with open(archive, "wb") as plain:
        info = _decrypt_to(path, passphrase, plain, cancel)
    try:
        with zipfile.ZipFile(archive) as zf:
            names = zf.namelist()
            if DB_FILENAME not in names or any(_unsafe(n) for n in names):
                raise _damaged(path)
            for done, name in enumerate(names, 1):
                if cancel is not None:
                    cancel.check()
                zf.extract(name, staged)
                progress(done, len(names))
    except zipfile.BadZipFile as error:
        raise _damaged(path) from error
    _check_database(staged / DB_FILENAME, path)
    return info


def _unsafe(name: str) -> bool:
    parts = Path(name).parts
    return name.startswith("/") or ".." in parts or not parts


def _check_database(db: Path, source: Path) -> None:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        ok = conn.execute("PRAGMA quick_check").fetchone()
    except sqlite3.Error as error:
        raise _damaged(source) from error
    finally:
        conn.close()
    if not ok or ok[0] != "ok":
        raise _damaged(source)


def _set_aside(data_dir: Path) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = data_dir.with_name(f"{data_dir.name}-avant-restauration-{stamp}")
    number = 1
    while aside.exists():
        number += 1
        aside = data_dir.with_name(f"{data_dir.name}-avant-restauration-{stamp}-{number}")
    os.replace(data_dir, aside)
    data_dir.mkdir()
    return aside


def _disk_error(error: OSError, where: Path) -> StorageError:
    if error.errno == 28:  # ENOSPC
        return StorageError(
            _(
                "Le disque est plein : la sauvegarde n'a pas pu être écrite dans {path}. "
                "Libérez de la place ou choisissez un autre disque ; rien n'a été modifié."
            ).format(path=where.parent)
        )
    return StorageError(
        _("Impossible d'écrire dans {path} : {error}").format(
            path=where.parent, error=error.strerror or error
        )
    )


__all__ = [
    "BackupError",
    "BackupInfo",
    "RestoreResult",
    "create_backup",
    "describe",
    "holds_campaign",
    "read_backup_info",
    "restore_backup",
]
