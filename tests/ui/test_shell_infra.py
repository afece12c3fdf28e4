"""Shared GUI infrastructure: task runner, settings, table model and search, forms, toast."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.domain.models import Residence
from app.errors import Cancelled, UserError
from ui.settings import UiSettings
from ui.tasks import InlineTaskRunner, TaskRunner, progress_text
from ui.widgets import (
    RIGHT,
    AutoSaver,
    Column,
    DataclassTableModel,
    DataTableView,
    Form,
    SavedHint,
    SearchProxyModel,
    Toast,
    line_edit,
    parse_date,
    record_saver,
)


class Receiver(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.results: list[object] = []
        self.errors: list[BaseException] = []

    def done(self, result: object) -> None:
        self.results.append(result)

    def failed(self, exc: BaseException) -> None:
        self.errors.append(exc)


def count_to(n: int):
    def work(progress, cancel):
        for i in range(n):
            if cancel.cancelled:
                raise Cancelled()
            progress(i + 1, n)
        return n

    return work


def test_task_runner_works_off_the_gui_thread_and_delivers_on_it(qtbot):
    runner, receiver = TaskRunner(), Receiver()
    runner.run(count_to(500), on_done=receiver.done, on_error=receiver.failed, title="Compter")
    qtbot.waitUntil(lambda: receiver.results == [500], timeout=5000)
    assert receiver.errors == []


def test_task_runner_reports_errors_and_keeps_cancellation_silent(qtbot):
    runner, receiver = TaskRunner(), Receiver()

    def broken(progress, cancel):
        raise UserError("Disque plein.")

    runner.run(broken, on_done=receiver.done, on_error=receiver.failed, title="Écrire")
    qtbot.waitUntil(lambda: len(receiver.errors) == 1, timeout=5000)
    assert receiver.errors[0].message == "Disque plein."

    def cancelled(progress, cancel):
        raise Cancelled()

    runner.run(cancelled, on_done=receiver.done, on_error=receiver.failed, title="Annulé")
    assert runner.wait(5000)
    qtbot.wait(50)
    assert len(receiver.errors) == 1 and receiver.results == []


def test_inline_runner_runs_synchronously_with_progress():
    runner, receiver = InlineTaskRunner(), Receiver()
    runner.run(count_to(3), on_done=receiver.done, title="x")
    assert receiver.results == [3]
    assert runner.progress_log == [(1, 3), (2, 3), (3, 3)]
    assert progress_text(312, 1000) == "312 / 1\u202f000"


def test_settings_are_typed_with_defaults(tmp_path):
    settings = UiSettings(tmp_path / "s.ini")
    assert settings.zoom == 100 and settings.language == "" and settings.geometry == b""
    settings.zoom, settings.last_folder, settings.geometry = 150, "/tmp", b"\x00\x01"
    settings.sync()
    again = UiSettings(tmp_path / "s.ini")
    assert (again.zoom, again.last_folder, again.geometry) == (150, "/tmp", b"\x00\x01")
    again.write(UiSettings.zoom, "beaucoup")  # type: ignore[arg-type]  # a hand-edited file
    assert again.zoom == 100


def _residence(services, name, budget):
    return services.campaigns.add_residence(name, budget_cents=budget)


def test_table_model_sorts_on_raw_values_and_searches_without_accents(qapp, services):
    columns = [
        Column("Nom", lambda r: r.name),
        Column(
            "Budget",
            lambda r: f"{r.budget_cents // 100} €",
            RIGHT,
            sort_key=lambda r: r.budget_cents,
        ),
    ]
    model: DataclassTableModel[Residence] = DataclassTableModel(columns)
    model.set_rows(
        services.campaigns.list_residences() + [_residence(services, "École Zola", 900_00)]
    )
    proxy = SearchProxyModel()
    proxy.setSourceModel(model)
    view = DataTableView()
    view.setModel(proxy)
    view.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    budgets = [
        proxy.index(r, 0).data(Qt.ItemDataRole.UserRole).budget_cents
        for r in range(proxy.rowCount())
    ]
    assert budgets == sorted(budgets)  # 900 € first, not sorted as text
    proxy.set_search("ecole")
    assert proxy.rowCount() == 1 and proxy.index(0, 0).data() == "École Zola"
    assert view.select_row_where(lambda r: r.name == "École Zola")
    assert view.current_object().name == "École Zola"


def test_form_shows_user_errors_under_their_field(qapp):
    form = Form()
    form.add_row("name", "Nom", line_edit())
    assert form.show_user_error(UserError("Indiquez un nom.", field="name"))
    assert form.errors() == {"name": "✖ Indiquez un nom."}
    assert form.rows["name"].widget.property("invalid") is True
    assert not form.show_user_error(UserError("Autre chose."))
    form.clear_errors()
    assert form.errors() == {}


def test_autosaver_saves_after_a_pause_and_keeps_refused_input(qtbot):
    form, hint, saved = Form(), SavedHint(), []
    edit = line_edit()
    form.add_row("name", "Nom", edit)

    def save():
        if not edit.text().strip():
            raise UserError("Indiquez un nom.", field="name")
        saved.append(edit.text())

    saver = AutoSaver(save, form, hint, delay_ms=30)
    edit.textEdited.connect(saver.touch)
    qtbot.keyClicks(edit, "Tilleuls")
    qtbot.waitUntil(lambda: saved == ["Tilleuls"], timeout=2000)
    assert "Enregistré" in hint.text()
    edit.clear()
    saver.touch()
    assert saver.flush() is False
    assert form.errors() == {"name": "✖ Indiquez un nom."}
    assert "Non enregistré" in hint.text()
    with saver.loading():
        saver.touch()
    assert saver.pending()  # still pending from the refused edit, loading did not count


def test_record_saver_waits_for_the_next_edit_and_leaves_the_focus(qtbot):
    """The process forms' settings of the one AutoSaver: a refused edit is not retried until the
    next edit, the red line does not take the focus, a record loaded drops a waiting edit, and a
    bug goes to `on_crash`."""
    parent = QWidget()
    qtbot.addWidget(parent)
    form, hint, saved, crashes = Form(), SavedHint(), [], []
    name, other = line_edit(), line_edit()
    form.add_row("name", "Nom", name)
    form.add_row("other", "Autre", other)
    box = QVBoxLayout(parent)
    box.addWidget(form)
    parent.show()
    qtbot.waitExposed(parent)

    def save():
        if name.text() == "bug":
            raise RuntimeError("bug")
        if not name.text().strip():
            raise UserError("Indiquez un nom.", field="name")
        saved.append(name.text())

    saver = record_saver(save, form, hint, crashes.append)
    other.setFocus()
    saver.touch()
    assert saver.pending()
    assert saver.flush() is False
    assert form.errors() == {"name": "✖ Indiquez un nom."}
    assert not name.hasFocus()  # the red line does not steal the focus
    assert not saver.pending()  # refused: not retried until the next edit
    assert saver.flush() is False and saved == []  # still refused, said without saving again
    name.setText("Tilleuls")
    saver.touch()
    with saver.loading():  # another record shown: the waiting edit is dropped
        pass
    assert not saver.pending()
    saver.touch()
    qtbot.waitUntil(lambda: saved == ["Tilleuls"], timeout=3000)
    assert saver.flush() is True and form.errors() == {}
    name.setText("bug")
    saver.touch()
    assert saver.flush() is False
    assert [str(e) for e in crashes] == ["bug"]
    assert "Non enregistré" in hint.text()


def test_parse_date_accepts_french_input():
    from datetime import date

    assert parse_date("29/11/2026") == date(2026, 11, 29)
    assert parse_date("29/11/26") == date(2026, 11, 29)
    assert parse_date("2026-11-29") == date(2026, 11, 29)
    assert parse_date("  ") is None
    try:
        parse_date("31/02/2026", "vote_start")
    except UserError as exc:
        assert exc.field == "vote_start" and "31/02/2026" in exc.message
    else:
        raise AssertionError("31 February accepted")


def test_toast_offers_undo_with_button_and_ctrl_z(qtbot):
    host = QWidget()
    qtbot.addWidget(host)
    host.resize(900, 600)
    with qtbot.waitActive(host):
        host.show()
        host.activateWindow()
    toast, undone = Toast(host), []
    toast.show_message("Résidence supprimée.", undo=lambda: undone.append(1))
    assert toast.isVisible() and toast.undo_button.isVisible()
    qtbot.mouseClick(toast.undo_button, Qt.MouseButton.LeftButton)
    assert undone == [1] and not toast.isVisible()
    toast.show_message("Résidence supprimée.", undo=lambda: undone.append(2))
    qtbot.keyClick(host, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert undone == [1, 2]
    toast.show_message("Enregistré.")
    assert not toast.undo_button.isVisible()
