"""The Projets screen on the demo campaign: filters, save-as-you-type, ballot counter, merging."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.domain import models as m
from app.services.ideas import IdeaFilter, IdeaInput
from ui.screens.projects.form import BALLOT_SHORT_CHARS, ballot_counter_text
from ui.screens.projects.screen import ProjectsScreen


def make_screen(ctx, qtbot) -> ProjectsScreen:  # type: ignore[no-untyped-def]
    screen = ProjectsScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1300, 800)
    screen.show()
    qtbot.waitExposed(screen)
    return screen


def visible(screen: ProjectsScreen) -> list[m.Project]:
    return [
        screen.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole)
        for r in range(screen.proxy.rowCount())
    ]


def test_lists_projects_and_filters_by_status_residence_text(ctx, qtbot) -> None:
    screen = make_screen(ctx, qtbot)
    assert screen.proxy.rowCount() == len(ctx.services.projects.list_projects()) == 13
    screen.status_filter.setCurrentIndex(screen.status_filter.findData("admissible"))
    assert visible(screen) and all(p.status is m.ProjectStatus.ADMISSIBLE for p in visible(screen))
    screen.status_filter.setCurrentIndex(0)
    tilleuls = ctx.services.campaigns.find_residence("Les Tilleuls")
    screen.residence_filter.setCurrentIndex(screen.residence_filter.findData(tilleuls.id))
    assert {p.residence_id for p in visible(screen)} == {tilleuls.id}
    screen.search_edit.setText("jardin")
    assert [p.title for p in visible(screen)] == ["Jardin partagé et potager des enfants"]
    assert "idées à regrouper" in screen.summary.text()


def test_status_column_has_icon_and_word(ctx, qtbot) -> None:
    screen = make_screen(ctx, qtbot)
    texts = {screen.proxy.index(r, 4).data() for r in range(screen.proxy.rowCount())}
    assert "✔ Recevable" in texts and "✖ Non recevable" in texts


def test_form_saves_as_you_type_and_shows_budget_error(ctx, qtbot) -> None:
    screen = make_screen(ctx, qtbot)
    screen.view.select_row_where(lambda p: p.status is m.ProjectStatus.SUBMITTED)
    project = screen.form.project
    assert project is not None and screen.form.status_box.isEnabled()
    screen.form.title_edit.setText("Nouveau titre")
    screen.form.saver.touch()
    qtbot.waitUntil(lambda: not screen.form.saver.pending(), timeout=3000)
    assert ctx.services.projects.get_project(project.id).title == "Nouveau titre"
    screen.form.cost_edit.setText("999 999")
    screen.form.saver.touch()
    assert screen.form.saver.flush() is False
    assert "enveloppe" in screen.form.form.errors()["cost_cents"]
    assert ctx.services.projects.get_project(project.id).cost_cents == project.cost_cents


def test_status_decided_by_commission_is_read_only(ctx, qtbot) -> None:
    screen = make_screen(ctx, qtbot)
    screen.view.select_row_where(lambda p: p.status is m.ProjectStatus.ADMISSIBLE)
    assert not screen.form.status_box.isEnabled()
    assert screen.form.status_box.currentText() == "✔ Recevable"


def test_ballot_counter() -> None:
    assert ballot_counter_text("a" * 10) == ("10 / 140 caractères : tient sur le bulletin", True)
    text, fits = ballot_counter_text("a" * (BALLOT_SHORT_CHARS + 1))
    assert not fits and "trop long" in text


def test_counter_follows_typing(ctx, qtbot) -> None:
    screen = make_screen(ctx, qtbot)
    screen.form.short_edit.setPlainText("x" * 150)
    assert "150 / 140" in screen.form.counter.text()


def test_merge_two_ideas_into_new_project_then_add_one(ctx, qtbot) -> None:
    tilleuls = ctx.services.campaigns.find_residence("Les Tilleuls")
    for title, cost in (("Abri à vélos", 3_000_00), ("Parking vélos couvert", 2_000_00)):
        ctx.services.ideas.create_idea(IdeaInput(title, tilleuls.id, estimated_cost_cents=cost))
    screen = make_screen(ctx, qtbot)
    screen.residence_filter.setCurrentIndex(screen.residence_filter.findData(tilleuls.id))
    qtbot.mouseClick(screen.merge_button, Qt.MouseButton.LeftButton)
    panel = screen.merge_panel
    assert screen.right.currentWidget() is panel
    residence_id = panel.residence_box.currentData()
    assert residence_id == tilleuls.id
    waiting = ctx.services.ideas.list_ideas(
        IdeaFilter(residence_id=residence_id, unassigned_only=True)
    )
    assert [i.id for i in panel.model.rows()] == [i.id for i in waiting]
    assert not panel.merge_button.isEnabled()
    panel.view.setFocus()
    panel.view.setCurrentIndex(panel.model.index(0, 0))
    qtbot.keyClick(panel.view, Qt.Key.Key_Space)
    panel.check([waiting[1].id])
    assert panel.merge_button.text() == "Créer le projet avec 2 idées"
    before = len(ctx.services.projects.list_projects())
    project_id = panel.merge()
    assert project_id is not None
    project = ctx.services.projects.get_project(project_id)
    assert set(project.idea_ids) == {waiting[0].id, waiting[1].id}
    assert (project.title, project.cost_cents) == ("Abri à vélos", 5_000_00)
    assert len(ctx.services.projects.list_projects()) == before + 1
    assert screen.right.currentIndex() == 0 and screen.form.project.id == project_id
    assert "créé à partir de 2 idées" in ctx.notices[-1]
    third = ctx.services.ideas.create_idea(IdeaInput("Arceaux", tilleuls.id))
    screen.start_merge()
    panel.add_radio.setChecked(True)
    panel.project_box.setCurrentIndex(panel.project_box.findData(project_id))
    panel.check([third.id])
    assert panel.merge_button.text() == "Ajouter 1 idée au projet"
    assert panel.merge() == project_id
    assert third.id in ctx.services.projects.get_project(project_id).idea_ids


def test_merge_refused_over_budget_is_shown_inline(ctx, qtbot) -> None:
    screen = make_screen(ctx, qtbot)
    screen.start_merge()
    panel = screen.merge_panel
    pool = next(i for i in ctx.services.ideas.list_ideas() if i.title == "Piscine sur le toit")
    panel.residence_box.setCurrentIndex(panel.residence_box.findData(pool.residence_id))
    panel.check([pool.id])
    assert panel.merge() is None
    assert "enveloppe" in panel.error.text()
    assert ctx.services.ideas.get_idea(pool.id).project_id is None


def test_remove_idea_from_project_with_undo(ctx, qtbot) -> None:
    screen = make_screen(ctx, qtbot)
    screen.view.select_row_where(lambda p: len(p.idea_ids) == 2)
    project = screen.form.project
    screen.form.ideas_view.selectRow(0)
    idea = screen.form.ideas_view.current_object()
    screen.form.remove_selected_idea()
    assert idea.id not in ctx.services.projects.get_project(project.id).idea_ids
    screen.form._restore_idea(project.id, idea.id)
    assert idea.id in ctx.services.projects.get_project(project.id).idea_ids


def test_a_picture_is_chosen_shown_and_removed_in_the_form(ctx, qtbot, tmp_path) -> None:
    from PIL import Image

    screen = make_screen(ctx, qtbot)
    screen.view.select_row_where(
        lambda p: p.status is m.ProjectStatus.ADMISSIBLE and not p.picture_path
    )  # the demo's garden has a picture already
    form = screen.form
    assert form.picture_label.pixmap().isNull() and not form.remove_picture_button.isEnabled()
    photo = tmp_path / "photo.png"
    Image.new("RGB", (800, 600), (200, 120, 40)).save(photo)
    form.set_picture_file(photo)
    project = ctx.services.projects.get_project(form.project.id)
    assert project.picture_path and (ctx.services.data_dir / project.picture_path).exists()
    assert not form.picture_label.pixmap().isNull() and form.remove_picture_button.isEnabled()
    garden = next(p for p in ctx.services.projects.list_projects() if p.picture_path)
    screen.view.select_row_where(lambda p: p.id == garden.id)
    assert not form.picture_label.pixmap().isNull()  # a stored picture is shown on selection
    screen.view.select_row_where(lambda p: p.id == project.id)
    bad = tmp_path / "notes.png"
    bad.write_text("pas une image")
    form.set_picture_file(bad)
    assert "image" in form.form.errors()["picture"]
    form.remove_picture()
    assert ctx.services.projects.get_project(project.id).picture_path == ""
    assert form.picture_label.pixmap().isNull()
