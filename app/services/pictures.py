"""Project pictures in the data folder: the file a team chooses is checked, turned upright (a
phone's rotation flag), shrunk to 2,000 pixels at most and kept as `pictures/<project id>.jpg`,
so that the original may be moved or deleted and the picture travels with the data folder.
The project keeps the path relative to the data folder.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from app.errors import UserError
from app.i18n import _
from ballots.replace import replacing_path

log = logging.getLogger(__name__)

FOLDER = "pictures"
MAX_SIDE_PX = 2000  # sharp on a full-width A4 picture (about 290 dpi across 174 mm)
MAX_PIXELS = 40_000_000
MAX_FILE_BYTES = 50 * 1024 * 1024


def store_picture(data_dir: Path, project_id: str, source: Path) -> str:
    """Check and copy the picture; returns its path relative to `data_dir`."""
    source = Path(source).expanduser()
    if not source.is_file():
        raise UserError(_("Image introuvable : {path}").format(path=source), field="picture")
    if source.stat().st_size > MAX_FILE_BYTES:
        raise UserError(_too_big(source), field="picture")
    relative = f"{FOLDER}/{project_id}.jpg"
    target = data_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    with replacing_path(target) as temporary:
        _write(source, temporary)
    return relative


def _write(source: Path, target: Path) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise UserError(_too_big(source), field="picture")
                upright = ImageOps.exif_transpose(image).convert("RGB")
        upright.thumbnail((MAX_SIDE_PX, MAX_SIDE_PX))
        upright.save(target, "JPEG", quality=88, optimize=True)
    except UserError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise UserError(_too_big(source), field="picture") from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        log.info("not a picture: %s (%s)", source, exc)
        raise UserError(
            _("« {name} » n'est pas une image lisible (JPEG ou PNG attendu).").format(
                name=source.name
            ),
            field="picture",
        ) from exc


def _too_big(source: Path) -> str:
    return _(
        "L'image « {name} » est trop grande : choisissez une photo de 40 mégapixels au plus."
    ).format(name=source.name)


def forget_picture(data_dir: Path, relative: str) -> None:
    """Delete a stored copy (only inside the pictures folder: never a file chosen elsewhere)."""
    if not relative:
        return
    path = (data_dir / relative).resolve()
    if path.parent == (data_dir / FOLDER).resolve():
        path.unlink(missing_ok=True)


WEB_SIDE_PX = 640


def web_picture(source: Path) -> str:
    """A small JPEG (640 pixels at most, base64) for the public site: it travels by sync."""
    import base64
    import io

    source = Path(source).expanduser()
    if not source.is_file():
        raise UserError(_("Image introuvable : {path}").format(path=source), field="picture")
    if source.stat().st_size > MAX_FILE_BYTES:
        raise UserError(_too_big(source), field="picture")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise UserError(_too_big(source), field="picture")
                upright = ImageOps.exif_transpose(image).convert("RGB")
        upright.thumbnail((WEB_SIDE_PX, WEB_SIDE_PX))
        buffer = io.BytesIO()
        upright.save(buffer, "JPEG", quality=72, optimize=True, progressive=True)
    except UserError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise UserError(_too_big(source), field="picture") from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise UserError(
            _("« {name} » n'est pas une image lisible (JPEG ou PNG attendu).").format(
                name=source.name
            ),
            field="picture",
        ) from exc
    return base64.b64encode(buffer.getvalue()).decode("ascii")
