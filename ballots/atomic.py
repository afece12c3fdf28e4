"""Write a file so that the user never finds a half-written one where a good one is expected."""

from __future__ import annotations

import errno
import logging
import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ballots.errors import DiskFullError, WriteError
from ballots.i18n import _

log = logging.getLogger(__name__)


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; rename it over `target` only on success.

    Any exception (cancel, disk full, bug) removes the temporary file and leaves `target` as it
    was. OSError is translated into a typed French error.
    """
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        yield tmp
        _fsync(tmp)
        os.replace(tmp, target)
    except OSError as exc:
        _remove(tmp)
        raise _write_error(target, exc) from exc
    except BaseException:
        _remove(tmp)
        raise


def write_bytes_atomic(target: Path, data: bytes) -> None:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


def write_with(target: Path, writer: Callable[[Path], None]) -> None:
    with atomic_path(target) as tmp:
        writer(tmp)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        log.warning("could not remove temporary file %s", path)


def _write_error(target: Path, exc: OSError) -> WriteError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFullError(
            _(
                "Le disque est plein : « {name} » n'a pas été écrit. Libérez de la place puis "
                "recommencez."
            ).format(name=target.name)
        )
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return WriteError(
            _("Impossible d'écrire dans le dossier « {folder} » (accès refusé).").format(
                folder=target.parent
            )
        )
    return WriteError(
        _("« {name} » n'a pas pu être écrit : {reason}.").format(
            name=target.name, reason=exc.strerror or exc
        )
    )
