"""Where the tally officer's signing key lives and how its passphrase reaches us.

One key file per officer name, in the data folder, encrypted with the officer's passphrase
(`app.domain.signing`). The command line reads the passphrase from a file or from the
`BP_TERRAIN_PASSPHRASE` variable, never from an argument (it would show in `ps`).
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from app.domain import signing
from app.errors import UserError
from app.i18n import _

PASSPHRASE_VARIABLE = "BP_TERRAIN_PASSPHRASE"


def keys_dir(data_dir: Path) -> Path:
    return data_dir / "count" / "keys"


def officer_slug(officer: str) -> str:
    text = unicodedata.normalize("NFKD", officer).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "agent"


def key_path(data_dir: Path, officer: str) -> Path:
    return keys_dir(data_dir) / f"{officer_slug(officer)}.key.pem"


def officer_key(
    data_dir: Path, officer: str, passphrase: str | None
) -> tuple[signing.Ed25519PrivateKey, bool]:
    """Open the officer's key, creating it on first use; (key, created)."""
    if not passphrase:
        raise UserError(
            _(
                "La phrase secrète de l'agent de dépouillement est nécessaire : donnez-la avec "
                "--passphrase-file ou la variable {var}."
            ).format(var=PASSPHRASE_VARIABLE),
            field="passphrase",
        )
    return signing.load_or_create_key(key_path(data_dir, officer), passphrase)


def read_passphrase(file: str | None) -> str | None:
    """The passphrase from `file` (first line) or the environment; None when neither is set."""
    if file:
        try:
            text = Path(file).expanduser().read_text(encoding="utf-8")
        except OSError as error:
            raise UserError(
                _("Impossible de lire le fichier de phrase secrète {path} : {error}").format(
                    path=file, error=error.strerror or error
                )
            ) from error
        lines = text.splitlines()
        return lines[0] if lines else ""
    return os.environ.get(PASSPHRASE_VARIABLE) or None


def has_key(data_dir: Path, officer: str) -> bool:
    """Whether the officer already has a key here (else the next passphrase creates it)."""
    return key_path(data_dir, officer).exists()


def demo_hint_path(data_dir: Path) -> Path:
    return keys_dir(data_dir) / "demo-passphrase.txt"


def write_demo_passphrase(data_dir: Path, officer: str, passphrase: str) -> None:
    """The demo's passphrase is public: written beside its key so the screens can show it."""
    path = demo_hint_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{officer_slug(officer)}\n{passphrase}\n", encoding="utf-8")


def demo_passphrase(data_dir: Path, officer: str) -> str | None:
    """The demo officer's passphrase when this data folder is the demo's, else None."""
    try:
        slug, passphrase = demo_hint_path(data_dir).read_text(encoding="utf-8").splitlines()[:2]
    except (OSError, ValueError):
        return None
    return passphrase if slug == officer_slug(officer) else None
