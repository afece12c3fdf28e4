"""Open a verification bundle and check its manifest: every file listed, every sum right.

The manifest is not signed (anyone who changes a file can rewrite it), so a matching sum only
proves the zip was not damaged in transit; what proves the count is the signed log, against
which every other file is checked later. A sum that does not match, a file missing or a file
that the manifest does not list is still a failure: a bundle that was edited is not the one
the officer exported.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.i18n import _
from app.verify.model import VerifyFailure

BUNDLE_FORMAT = "bp-terrain-count-bundle"
BUNDLE_VERSION = 2
"""Version 2: the log signs the election description and the seal the sealed files' hash.
Bundles of version 1 are refused with a message that says so (docs/verify.md)."""
MANIFEST = "manifest.json"
REQUIRED = (
    "log.jsonl",
    "readings.jsonl",
    "sheets.json",
    "decisions.json",
    "results.json",
    "public_key.pem",
)
MAX_FILE_BYTES = 200 * 1024 * 1024
"""One member, decompressed (an image of a page at 600 dpi is far below)."""
MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024
"""All members together, decompressed (the zip-bomb guard: reading stops at the cap)."""
MAX_MEMBERS = 200_000


@dataclass(frozen=True)
class Bundle:
    """The files of a bundle whose manifest holds, by name."""

    path: Path
    session_id: str
    files: dict[str, bytes]

    def get(self, name: str) -> bytes:
        data = self.files.get(name)
        if data is None:
            raise VerifyFailure(
                "missing_file",
                name,
                _("Fichier {name} absent du paquet de vérification.").format(name=name),
            )
        return data

    def json(self, name: str) -> Any:
        try:
            return json.loads(self.get(name).decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as error:
            detail = _("imbrication trop profonde") if isinstance(error, RecursionError) else error
            raise VerifyFailure(
                "unreadable",
                name,
                _("Fichier {name} illisible : {error}").format(name=name, error=detail),
            ) from None

    def names(self, prefix: str) -> list[str]:
        return sorted(n for n in self.files if n.startswith(prefix))


def open_bundle(path: Path) -> Bundle:
    """Read the zip and check the manifest; raises `VerifyFailure` naming the first bad file."""
    files = _read_zip(path)
    if MANIFEST not in files:
        raise VerifyFailure(
            "missing_file", MANIFEST, _("Le paquet ne contient pas de manifeste (manifest.json).")
        )
    manifest = _manifest(files[MANIFEST])
    listed: dict[str, str] = manifest["files"]
    for name in sorted(files):
        if name != MANIFEST and name not in listed:
            raise VerifyFailure(
                "unlisted_file",
                name,
                _("Fichier {name} ajouté au paquet : le manifeste ne le mentionne pas.").format(
                    name=name
                ),
            )
    for name, digest in sorted(listed.items()):
        if name not in files:
            raise VerifyFailure(
                "missing_file",
                name,
                _("Fichier {name} annoncé par le manifeste mais absent du paquet.").format(
                    name=name
                ),
            )
        if hashlib.sha256(files[name]).hexdigest() != digest:
            raise VerifyFailure(
                "checksum",
                name,
                _(
                    "Fichier {name} modifié : son empreinte SHA-256 ne correspond pas au manifeste."
                ).format(name=name),
            )
    bundle = Bundle(path, str(manifest.get("session_id", "")), files)
    for name in REQUIRED:
        bundle.get(name)
    return bundle


def _too_big(name: str, limit: int) -> VerifyFailure:
    return VerifyFailure(
        "too_big",
        name,
        _(
            "Fichier {name} trop volumineux pour un paquet de vérification (plus de {mb} Mo) : "
            "le paquet est refusé sans être décompressé."
        ).format(name=name, mb=limit // (1024 * 1024)),
    )


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes:
    """The member's bytes, read by chunks and never beyond the caps (a zip bomb can lie about
    its sizes in the headers)."""
    limit = min(MAX_FILE_BYTES, budget)
    out = bytearray()
    with zf.open(info) as member:
        while chunk := member.read(1024 * 1024):
            out += chunk
            if len(out) > limit:
                raise _too_big(info.filename, limit)
    return bytes(out)


def _read_zip(path: Path) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = [i for i in zf.infolist() if not i.is_dir()]
            if len(infos) > MAX_MEMBERS:
                raise VerifyFailure(
                    "too_big",
                    str(path),
                    _("Le paquet contient {n} fichiers : c'est trop pour un paquet de "
                      "vérification (au plus {max}).").format(n=len(infos), max=MAX_MEMBERS),
                )  # fmt: skip
            files: dict[str, bytes] = {}
            left = MAX_TOTAL_BYTES
            for info in infos:
                if info.file_size > MAX_FILE_BYTES:
                    raise _too_big(info.filename, MAX_FILE_BYTES)
                if info.filename in files:
                    raise VerifyFailure(
                        "not_a_zip",
                        info.filename,
                        _("Le paquet contient deux fois le fichier {name}.").format(
                            name=info.filename
                        ),
                    )
                files[info.filename] = _read_member(zf, info, left)
                left -= len(files[info.filename])
            return files
    except FileNotFoundError:
        raise VerifyFailure(
            "not_found", str(path), _("Paquet introuvable : {path}.").format(path=path)
        ) from None
    except IsADirectoryError:
        raise VerifyFailure(
            "not_a_zip", str(path), _("{path} est un dossier, pas un paquet.").format(path=path)
        ) from None
    except (
        zipfile.BadZipFile,  # zipfile checks each member's CRC-32: a changed byte is caught here
        zlib.error,  # a changed byte inside a compressed member
        OSError,
        EOFError,  # a truncated zip
        RuntimeError,  # an encrypted member
        NotImplementedError,  # an unknown compression method
        ValueError,
        OverflowError,
    ) as error:
        raise VerifyFailure(
            "not_a_zip",
            str(path),
            _("Le paquet {path} n'est pas un zip lisible ({error}).").format(
                path=path.name, error=error or type(error).__name__
            ),
        ) from None


def _manifest(data: bytes) -> dict[str, Any]:
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        value = None
    if (
        isinstance(value, dict)
        and value.get("format") == BUNDLE_FORMAT
        and value.get("version") == 1
    ):
        raise VerifyFailure(
            "old_version",
            MANIFEST,
            _(
                "Ce paquet est au format {fmt} version 1 : son journal ne signe ni le budget, ni "
                "les projets, ni la règle de résultats, si bien que les projets financés ne "
                "peuvent pas être vérifiés. Exportez à nouveau la session avec cette version "
                "(« count export ») ; une session ouverte avant elle ne peut pas être vérifiée "
                "entièrement."
            ).format(fmt=BUNDLE_FORMAT),
        )
    ok = (
        isinstance(value, dict)
        and value.get("format") == BUNDLE_FORMAT
        and value.get("version") == BUNDLE_VERSION
        and isinstance(value.get("files"), dict)
        and all(isinstance(v, str) for v in value["files"].values())
    )
    if not ok:
        raise VerifyFailure(
            "manifest",
            MANIFEST,
            _(
                "Le manifeste du paquet est illisible ou n'est pas au format {fmt} version {v}."
            ).format(fmt=BUNDLE_FORMAT, v=BUNDLE_VERSION),
        )
    assert isinstance(value, dict)
    return value
