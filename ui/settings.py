"""UI state kept between runs (window geometry, last folder, language, zoom), over QSettings.

Only interface state lives here; campaign settings live in the database. Each key is declared
once, with its type and default, as a `Setting` descriptor on `UiSettings`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Generic, TypeVar, overload

from PySide6.QtCore import QByteArray, QSettings

log = logging.getLogger(__name__)

T = TypeVar("T")

ORGANIZATION = "BP Terrain"
APPLICATION = "bp-terrain"


class Setting(Generic[T]):
    """One declared key: reading returns the default when missing or unreadable."""

    def __init__(self, key: str, kind: type[T], default: T) -> None:
        self.key, self.kind, self.default = key, kind, default

    @overload
    def __get__(self, obj: None, owner: type) -> Setting[T]: ...
    @overload
    def __get__(self, obj: UiSettings, owner: type) -> T: ...
    def __get__(self, obj: UiSettings | None, owner: type) -> Setting[T] | T:
        if obj is None:
            return self
        return obj.read(self)

    def __set__(self, obj: UiSettings, value: T) -> None:
        obj.write(self, value)


class UiSettings:
    """Typed access to QSettings; pass `path` to keep them in an .ini file (tests, portable use)."""

    geometry = Setting("window/geometry", bytes, b"")
    window_state = Setting("window/state", bytes, b"")
    current_screen = Setting("window/current_screen", str, "home")
    last_folder = Setting("files/last_folder", str, "")
    language = Setting("ui/language", str, "")
    zoom = Setting("ui/zoom", int, 100)  # percent

    def __init__(self, path: Path | None = None) -> None:
        if path is None:
            self._qs = QSettings(ORGANIZATION, APPLICATION)
        else:
            self._qs = QSettings(str(path), QSettings.Format.IniFormat)

    def read(self, setting: Setting[T]) -> T:
        raw: Any = self._qs.value(setting.key, None)
        if raw is None:
            return setting.default
        try:
            return self._convert(setting, raw)
        except (TypeError, ValueError):
            log.warning("ignoring unreadable setting %s=%r", setting.key, raw)
            return setting.default

    def write(self, setting: Setting[T], value: T) -> None:
        if setting.kind is bytes:
            self._qs.setValue(setting.key, QByteArray(bytes(value)))  # type: ignore[arg-type]
        else:
            self._qs.setValue(setting.key, value)

    def sync(self) -> None:
        self._qs.sync()

    @staticmethod
    def _convert(setting: Setting[T], raw: Any) -> T:
        kind: Any = setting.kind
        if kind is bytes:
            return bytes(raw.data() if isinstance(raw, QByteArray) else raw)  # type: ignore[return-value]
        if kind is bool:
            return (raw in (True, "true", "1", 1)) if not isinstance(raw, bool) else raw  # type: ignore[return-value]
        return kind(raw)  # type: ignore[no-any-return]
