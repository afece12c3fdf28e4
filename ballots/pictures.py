"""Project pictures: checked before printing, shrunk once, embedded once per document."""

from __future__ import annotations

import io
import logging
import warnings
from pathlib import Path

from PIL import Image, UnidentifiedImageError
from reportlab.lib.utils import ImageReader

from ballots.errors import PictureError
from ballots.i18n import _

log = logging.getLogger(__name__)

MAX_PIXELS = 40_000_000  # a 40-megapixel photo is fine; 20000 x 20000 is not
MAX_FILE_BYTES = 50 * 1024 * 1024
THUMB_PX = 700


def load_picture(picture: Path | bytes, number: int) -> ImageReader:
    """Open, check and shrink a project's picture; typed French error when it is unusable."""
    data = _read(picture, number)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            source = Image.open(io.BytesIO(data))
            width, height = source.size
            if width * height > MAX_PIXELS:
                raise PictureError(_too_big(number, width, height), field="picture")
            source.draft("RGB", (THUMB_PX, THUMB_PX))
            image = source.convert("RGB")
            image.thumbnail((THUMB_PX, THUMB_PX))
    except PictureError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PictureError(_too_big(number, 0, 0), field="picture") from exc
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        SyntaxError,
    ) as exc:
        log.info("unusable picture for project %s: %s", number, exc)
        raise PictureError(
            _(
                "L'image du projet n° {number} n'est pas une image lisible (JPEG ou PNG attendu)."
            ).format(number=number),
            field="picture",
        ) from exc
    return ImageReader(image)


def _read(picture: Path | bytes, number: int) -> bytes:
    if isinstance(picture, bytes):
        data = picture
    else:
        try:
            if picture.stat().st_size > MAX_FILE_BYTES:
                raise PictureError(_too_heavy(number), field="picture")
            data = picture.read_bytes()
        except OSError as exc:
            raise PictureError(
                _("L'image du projet n° {number} est introuvable : {path}.").format(
                    number=number, path=picture
                ),
                field="picture",
            ) from exc
    if len(data) > MAX_FILE_BYTES:
        raise PictureError(_too_heavy(number), field="picture")
    return data


def _too_big(number: int, width: int, height: int) -> str:
    if width and height:
        return _(
            "L'image du projet n° {number} est trop grande ({width} × {height} pixels). "
            "Réduisez-la à moins de 40 millions de pixels."
        ).format(number=number, width=width, height=height)
    return _(
        "L'image du projet n° {number} est trop grande (plus de 40 millions de pixels). "
        "Réduisez-la avant de l'ajouter."
    ).format(number=number)


def _too_heavy(number: int) -> str:
    return _("L'image du projet n° {number} est trop lourde (plus de 50 Mo).").format(number=number)
