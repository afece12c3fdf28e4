"""Write a file so that the user never finds a half-written one where a good one is expected.

The documents' and exports' writer: `ballots.replace` (the project's one atomic writer) with its
`OSError` said as the library's typed French errors (`WriteError`, `DiskFullError`).
"""

from __future__ import annotations

import errno
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ballots.errors import DiskFullError, WriteError
from ballots.i18n import _
from ballots.replace import replacing_path


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; rename it over `target` only on success.

    Any exception (cancel, disk full, bug) removes the temporary file and leaves `target` as it
    was. OSError is translated into a typed French error.
    """
    try:
        with replacing_path(target) as tmp:
            yield tmp
    except OSError as exc:
        raise write_error(target, exc) from exc


def write_bytes_atomic(target: Path, data: bytes) -> None:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


def write_with(target: Path, writer: Callable[[Path], None]) -> None:
    with atomic_path(target) as tmp:
        writer(tmp)


def write_error(target: Path, exc: OSError) -> WriteError:
    """An OSError while writing `target`, as a French message the person can act on."""
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
