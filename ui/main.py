"""The composition root: build the Qt application, open the services, show the main window.

This is the only place that builds services and the `AppContext`; everything below receives
them. A database that cannot be opened (corrupt, read-only, newer version, full disk) is reported
in a clear French dialog before any window appears; an unexpected exception anywhere is logged with
its traceback and shown as a short apology instead of killing the application.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

from app.errors import StorageError, UserError
from app.i18n import LANGUAGES, _, set_language
from app.services import Services, open_services
from ui.context import AppContext, AppEvents
from ui.settings import UiSettings
from ui.tasks import TaskRunner
from ui.theme import apply_theme

log = logging.getLogger(__name__)

APP_TITLE = "BP Terrain"


def qt_application(argv: list[str] | None = None) -> QApplication:
    """The running QApplication, or a new one named for QSettings."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setOrganizationName("BP Terrain")
    app.setApplicationName("bp-terrain")
    app.setApplicationDisplayName(APP_TITLE)
    return app


def choose_language(settings: UiSettings, language: str | None) -> str:
    """The command line wins, then the saved setting, then French."""
    for candidate in (language, settings.language):
        if candidate in LANGUAGES:
            return str(candidate)
    return "fr"


def install_qt_translations(app: QApplication, language: str) -> list[QTranslator]:
    """Load Qt's own catalog (qtbase_fr.qm) so that its dialogs and buttons speak French too."""
    QLocale.setDefault(
        QLocale(
            QLocale.Language.French if language == "fr" else QLocale.Language.English,
            QLocale.Country.France if language == "fr" else QLocale.Country.UnitedKingdom,
        )
    )
    if language != "fr":
        return []
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translators = []
    for name in ("qtbase_fr",):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            translators.append(translator)
        else:
            log.warning("Qt translation %s not found in %s", name, folder)
    return translators


def build_context(services: Services, settings: UiSettings) -> AppContext:
    return AppContext(services=services, events=AppEvents(), tasks=TaskRunner(), settings=settings)


def show_storage_error(exc: UserError, data_dir: Path) -> None:
    """The database cannot be opened: say why and what to do, before any window appears."""
    box = QMessageBox(QMessageBox.Icon.Critical, APP_TITLE, _("Impossible d'ouvrir les données."))
    box.setInformativeText(
        _(
            "{message}\n\nDossier des données : {path}\nRien n'a été modifié. Vous pouvez"
            " choisir un autre dossier avec l'option --data-dir, ou restaurer une sauvegarde"
            " du dossier « backups »."
        ).format(message=exc.message, path=data_dir)
    )
    box.exec()


def install_exception_hook(ctx: AppContext) -> None:
    """Uncaught exceptions in slots are logged and shown as an apology, never a silent crash."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        exc.__traceback__ = tb
        try:
            ctx.show_error(exc, None)
        except Exception:  # noqa: BLE001 - the hook itself must never raise
            log.exception("could not show the error")

    sys.excepthook = hook


def run_app(data_dir: Path, language: str | None = None) -> int:
    """Start the desktop application on `data_dir`; returns the process exit code."""
    app = qt_application()
    settings = UiSettings()
    lang = choose_language(settings, language)
    set_language(lang)
    install_qt_translations(app, lang)
    apply_theme(app, settings.zoom / 100)
    try:
        services = open_services(Path(data_dir))
    except (StorageError, UserError) as exc:
        log.error("cannot open %s: %s", data_dir, exc)
        show_storage_error(exc, Path(data_dir))
        return 2
    try:  # what residents wrote on the site, kept a year past the campaign (docs/platform.md)
        services.inbox.erase_expired()
    except Exception:  # noqa: BLE001 - never keeps the application from starting
        log.exception("erasing expired site messages failed")
    from ui.main_window import MainWindow

    ctx = build_context(services, settings)
    install_exception_hook(ctx)
    window = MainWindow(ctx)
    window.restore_state()
    window.show()
    try:
        return int(app.exec())
    finally:
        ctx.tasks.wait(10_000)
        services.close()
