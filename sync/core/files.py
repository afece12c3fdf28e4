"""Files that travel with their records, named by their SHA-256 (docs/sync.md, "Files").

A synced record points to a file by a field holding the file's SHA-256 (hex). The file's bytes
travel apart from the record (`PUT`/`GET /v1/files/{sha256}`); the record carries only the hash,
so any laptop checks what it receives against it. `FILE_FIELDS` lists every such field; a table
whose records point to a file adds its entry here (nothing else to do on either side):

- `path_field`: where a laptop keeps the file, relative to its data folder (a field of the same
  record, e.g. the project's `picture_path`), which must lie in `folder`; without it the laptop
  keeps the file in its own content-addressed store (`app.services.files`).
- `kind`: who may send it and who receives it (`UPLOADERS`, `READERS`, `DOWNLOADED_BY`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from sync.core.tables import Role

MAX_FILE_BYTES = 64 * 1024 * 1024
"""A file larger than this stays on the laptop (a scanner's PDF of a whole box is smaller)."""

MAX_QUERY = 1000
SHA256 = re.compile(r"^[0-9a-f]{64}$")

PICTURE, CROP, SCAN, DOCUMENT = "picture", "crop", "scan", "document"
KINDS = (PICTURE, CROP, SCAN, DOCUMENT)


@dataclass(frozen=True)
class FileField:
    table: str
    hash_field: str
    kind: str
    path_field: str | None = None
    folder: str = ""


FILE_FIELDS: tuple[FileField, ...] = (
    # a project's picture, printed on its ballots and posters
    FileField("project", "picture_sha256", PICTURE, "picture_path", "pictures"),
    # the free-text answer of a paper survey, an image read by a person
    FileField("survey_response", "text_image_sha256", CROP, "text_image", "surveys"),
    # the officer's scans: a backup of the count on the server, never sent to field laptops
    FileField("count_sheet", "image_sha256", SCAN),
)

UPLOADERS: dict[str, frozenset[Role]] = {
    PICTURE: frozenset(Role),
    DOCUMENT: frozenset(Role),
    CROP: frozenset(Role),
    SCAN: frozenset({Role.OFFICER}),
}
"""Who may send a file of each kind to the server."""

READERS: dict[str, frozenset[Role]] = {
    PICTURE: frozenset(Role),
    DOCUMENT: frozenset(Role),
    CROP: frozenset({Role.CONSULTANT, Role.FIELD}),
    SCAN: frozenset({Role.OFFICER, Role.CONSULTANT}),
}
"""Who may read a file of each kind from the server (`GET /v1/files/{sha256}`)."""

DOWNLOADED_BY: dict[str, frozenset[Role]] = {
    PICTURE: frozenset(Role),
    DOCUMENT: frozenset(Role),
    CROP: frozenset({Role.CONSULTANT}),
    SCAN: frozenset(),
}
"""Which laptops fetch the files of each kind after a pull. Scans stay on the server (a backup
of the count, fetched only on purpose): no laptop downloads them at each sync."""


def is_sha256(value: Any) -> bool:
    return isinstance(value, str) and SHA256.fullmatch(value) is not None


def fields_of(table: str) -> tuple[FileField, ...]:
    return tuple(f for f in FILE_FIELDS if f.table == table)


def file_tables() -> frozenset[str]:
    return frozenset(f.table for f in FILE_FIELDS)


def references(table: str, values: Mapping[str, Any]) -> Iterator[tuple[FileField, str]]:
    """The files a record (or a change's fields) points to: (field, sha256)."""
    for spec in fields_of(table):
        sha = values.get(spec.hash_field)
        if is_sha256(sha):
            yield spec, str(sha)


def safe_relative(spec: FileField, relative: Any) -> str | None:
    """The record's path if it lies inside the field's folder (a pulled record never makes a
    laptop write elsewhere); None otherwise."""
    if not isinstance(relative, str) or not relative or not spec.folder:
        return None
    parts = relative.split("/")
    if parts[0] != spec.folder or len(parts) < 2 or "\\" in relative or "\x00" in relative:
        return None
    if any(part in ("", ".", "..") for part in parts):
        return None
    return relative


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FilesQuery(Frozen):
    """Which of these files does the server lack?"""

    protocol: int
    files: list[Annotated[str, Field(pattern=SHA256.pattern)]] = Field(max_length=MAX_QUERY)


class FilesMissing(Frozen):
    missing: list[str]
