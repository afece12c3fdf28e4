"""The manifest under the seal: the files fixed at the seal must be those the officer signed.

The seal (`session_sealed`, signed) carries `manifest_sha256`: the canonical SHA-256 of the
object {file name: SHA-256 of the file} over the bundle's files that can no longer change once
the session is sealed: `readings.jsonl`, `sheets.json`, `decisions.json`, `results.json`,
`public_key.pem` and every `layouts/<hash>.layout.json`. Rewriting the manifest's checksums
after changing one of them no longer helps a forger: the signed hash differs. The other files
are bound otherwise: `log.jsonl` by its own chain and signatures, `election.json` by the
election description signed in the log, the images by their SHA-256 in the log.
"""

from __future__ import annotations

import hashlib

from app.domain.audit.canonical import canonical_hash
from app.i18n import _
from app.verify.bundle import Bundle
from app.verify.log import LogFacts
from app.verify.model import VerifyFailure

SEALED_NAMES = ("readings.jsonl", "sheets.json", "decisions.json", "results.json", "public_key.pem")


def is_sealed_name(name: str) -> bool:
    return name in SEALED_NAMES or (name.startswith("layouts/") and name.endswith(".layout.json"))


def sealed_manifest_hash(files: dict[str, bytes]) -> str:
    """The canonical hash of {name: SHA-256} over the sealed files among `files`."""
    return canonical_hash(
        {n: hashlib.sha256(d).hexdigest() for n, d in sorted(files.items()) if is_sealed_name(n)}
    )


def check_sealed_files(bundle: Bundle, facts: LogFacts) -> str:
    """The sealed files must hash to the seal's `manifest_sha256`; returns the step summary."""
    assert facts.sealed is not None  # verify_log demands a sealed log
    signed = facts.sealed.payload.get("manifest_sha256")
    where = facts.entry_name(facts.sealed.seq)
    if signed is None:
        raise VerifyFailure(
            "manifest_unsigned",
            where,
            _(
                "Le scellement (entrée n° {seq}) ne signe pas le manifeste du paquet : la "
                "session a été scellée par une version antérieure."
            ).format(seq=facts.sealed.seq),
        )
    if sealed_manifest_hash(bundle.files) != signed:
        names = sorted(n for n in bundle.files if is_sealed_name(n))
        raise VerifyFailure(
            "manifest_mismatch",
            "manifest.json",
            _(
                "Les fichiers scellés du paquet ({names}) ne sont pas ceux que l'agent a signés "
                "au scellement (entrée n° {seq}) : l'un d'eux a été changé, ajouté ou retiré "
                "après le scellement, et le manifeste réécrit."
            ).format(names=", ".join(names), seq=facts.sealed.seq),
        )
    return _("Manifeste couvert par la signature du scellement (entrée n° {seq}).").format(
        seq=facts.sealed.seq
    )
