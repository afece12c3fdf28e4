"""`--reinterpret`: read every image of the bundle again and demand byte-identical readings.

The verifier has no campaign key (it is secret: it signs the ballots' QR codes), so the QR
MAC and the serial check cannot be redone; everything else is: registration, the QR's
campaign, layout, page and mode, every box's measures and decisions, the page checks. The two
key-dependent fields of the recorded reading (`serial_check`, `serial_hash`) are carried over
before comparing, and a sheet rejected for a key-dependent reason (forged QR, serial not
printed) is reported as not re-checkable: it was never counted.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from app.domain.audit.canonical import sha256_hex
from app.errors import CancelFlag
from app.i18n import _
from app.verify.bundle import Bundle
from app.verify.images import check_images
from app.verify.log import LogFacts
from app.verify.model import VerifyFailure
from scanner.batch import interpret_file
from scanner.context import ReadContext
from scanner.template import Template

KEYED_REASONS = frozenset({"qr_mac_invalid", "serial_not_in_batch"})
Progress = Callable[[int, int], None]


def reinterpret(
    bundle: Bundle,
    facts: LogFacts,
    readings: dict[str, dict[str, Any]],
    templates: dict[str, Template],
    *,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
) -> tuple[int, list[str]]:
    """Re-read every sheet's image; returns (sheets re-read, warnings)."""
    images = check_images(bundle, facts)
    mode = (facts.opened.get("settings") or {}).get("mode", "live")
    ctx = ReadContext.create(list(templates.values()), None, mode=mode)
    sheets = [s for s in sorted(facts.sheets.values(), key=lambda s: s.seq) if not s.hand_keyed]
    warnings: list[str] = []
    done = 0
    cache: dict[str, list[Any]] = {}
    with tempfile.TemporaryDirectory(prefix="bp-verify-") as tmp:
        for index, sheet in enumerate(sheets):
            if cancel is not None and cancel.cancelled:
                from app.errors import Cancelled

                raise Cancelled()
            recorded = readings.get(sheet.reading_sha256 or "")
            where = _("feuille de l'entrée n° {seq}").format(seq=sheet.seq)
            name = images.get(sheet.image_sha256 or "")
            if name is None:
                raise VerifyFailure(
                    "missing_file",
                    where,
                    _(
                        "L'image de la feuille de l'entrée n° {seq} manque : exportez le paquet "
                        "avec les images (--with-images) pour relire les bulletins."
                    ).format(seq=sheet.seq),
                )
            if recorded is None or KEYED_REASONS & set(recorded.get("reasons") or ()):
                warnings.append(
                    _(
                        "Feuille de l'entrée n° {seq} rejetée pour une raison qui demande la clé "
                        "de la campagne : non relue (elle ne compte pas)."
                    ).format(seq=sheet.seq)
                )
                continue
            if name not in cache:
                path = Path(tmp) / Path(name).name
                path.write_bytes(bundle.files[name])
                cache[name] = _read_again(path, ctx, name)
            _compare(cache[name], sheet.page, recorded, sheet.reading_sha256 or "", name, sheet.seq)
            done += 1
            if progress is not None:
                progress(index + 1, len(sheets))
    return done, warnings


def _read_again(path: Path, ctx: ReadContext, name: str) -> list[Any]:
    """The scanner's reading of an image from the bundle. The image's bytes match the log, but
    the log may be a forger's: whatever the image libraries raise on it is a failure of the
    bundle, named, never a traceback."""
    try:
        return list(interpret_file(path, ctx))
    except Exception as error:  # noqa: BLE001 - any decoder error on untrusted bytes
        raise VerifyFailure(
            "reinterpret_error",
            name,
            _("L'image {name} ne peut pas être relue : {error}").format(
                name=name, error=type(error).__name__
            ),
        ) from None


def _compare(
    fresh_pages: list[Any], page: int, recorded: dict[str, Any], expected: str, name: str, seq: int
) -> None:
    """The fresh reading's JSON text must hash to the recorded reading's SHA-256."""
    fresh = next((r for r in fresh_pages if r.page == page), None)
    text = ""
    if fresh is not None:
        fresh = replace(
            fresh,
            file=recorded.get("file", ""),
            serial_check=recorded.get("serial_check", "none"),
            serial_hash=recorded.get("serial_hash"),
        )
        text = fresh.to_json_text()
    found = sha256_hex(text.encode("utf-8"))
    if found != expected:
        raise VerifyFailure(
            "reinterpret_mismatch",
            name,
            _(
                "Relecture de l'image {name} (feuille de l'entrée n° {seq}) : la lecture obtenue "
                "diffère octet par octet de celle enregistrée ({a} contre {b})."
            ).format(
                name=name,
                seq=seq,
                a=found[:12],
                b=expected[:12],
            ),
        )
