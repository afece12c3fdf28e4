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
        except (UnicodeDecodeError, ValueError) as error:
            raise VerifyFailure(
                "unreadable",
                name,
                _("Fichier {name} illisible : {error}").format(name=name, error=error),
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


def _read_zip(path: Path) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(path) as zf:
            files: dict[str, bytes] = {}
            for info in zf.infolist():
                if info.is_dir():
                    continue
                if info.file_size > MAX_FILE_BYTES:
                    raise VerifyFailure(
                        "unreadable",
                        info.filename,
                        _("Fichier {name} trop volumineux pour un paquet.").format(
                            name=info.filename
                        ),
                    )
                files[info.filename] = zf.read(info)
            return files
    except FileNotFoundError:
        raise VerifyFailure(
            "not_found", str(path), _("Paquet introuvable : {path}.").format(path=path)
        ) from None
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        # zipfile checks each member's CRC-32: a changed byte inside the zip is caught here
        raise VerifyFailure(
            "not_a_zip",
            str(path),
            _("Le paquet {path} n'est pas un zip lisible ({error}).").format(
                path=path.name, error=error
            ),
        ) from None


def _manifest(data: bytes) -> dict[str, Any]:
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
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
