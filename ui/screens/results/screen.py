"""Résultats: per residence, the table of projects, a bar chart, the funded projects, the
explanation a resident can read, and the documents (report PDF, exports) when available.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QWidget,
)

from app.domain.dates import format_date, local_moment
from app.domain.money import format_euros
from app.domain.site import PublishedResults
from app.errors import CancelToken
from app.i18n import _
from app.services.counting import view as count_view
from app.services.counting.results import ProjectLine, ResidenceResults
from app.services.counting.view import Explanation
from app.services.interop.online_vote import CombinedResults
from ui.screens.meetings.models import fit_columns
from ui.screens.results.chart import VotesChart
from ui.tasks import Progress, format_count
from ui.theme import TONE_ICONS, set_role
from ui.widgets import (
    RIGHT,
    Column,
    DataclassTableModel,
    DataTableView,
    EmptyState,
    Screen,
    scroll_page,
)

if TYPE_CHECKING:
    from ui.context import AppContext

log = logging.getLogger(__name__)


def online_text(both: CombinedResults | None) -> str:
    """The online vote beside the paper one, and their combined result ("" without one)."""
    if both is None:
        return ""
    lines = [
        _("Vote en ligne (Decidim, {file}) : {online} votes, combinés aux {paper} bulletins papier "
          "valides selon la même règle. Résultat combiné :").format(
            file=both.online_file, online=format_count(both.online_ballots),
            paper=format_count(both.paper_ballots))
    ]  # fmt: skip
    for x in both.projects:
        mark = TONE_ICONS["success"] if x.status == "funded" else "·"
        lines.append(
            _("{mark} {title} : {paper} papier + {online} en ligne = {votes} — {status}").format(
                mark=mark, title=x.title, paper=format_count(x.paper),
                online=format_count(x.online), votes=format_count(x.votes), status=x.status_label,
            )
        )  # fmt: skip
    return "\n".join(lines)


def status_words(p: ProjectLine) -> str:
    return f"{TONE_ICONS['success'] if p.status == 'funded' else '·'} {p.status_label}"


class ProjectLineTableModel(DataclassTableModel[ProjectLine]):
    columns = (
        Column(_("N°"), lambda p: p.number, RIGHT),
        Column(_("Projet"), lambda p: p.title),
        Column(
            _("Coût"), lambda p: format_euros(p.cost_cents), RIGHT, sort_key=lambda p: p.cost_cents
        ),
        Column(_("Voix"), lambda p: format_count(p.votes), RIGHT, sort_key=lambda p: p.votes),
        Column(_("Statut"), status_words),
    )


class ProjectLineTableView(DataTableView):
    pass


class ResultsScreen(Screen):
    title = _("Résultats")
    kinds = ("count", "residences", "campaign", "projects")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.results: ResidenceResults | None = None
        outer, self.header = self.standard_layout(
            _("Résultats"),
            _("Les projets financés de chaque résidence, et comment ils ont été choisis."),
        )
        self.residence = QComboBox()
        self.residence.setAccessibleName(_("Résidence"))
        self.residence.setMinimumWidth(240)
        self.residence.currentIndexChanged.connect(self._residence_changed)
        self.header.add_action(self.residence)  # type: ignore[arg-type]
        self.buttons: dict[str, QPushButton] = {}
        for kind, text in (
            ("pdf", _("Procès-verbal (PDF)…")),
            ("json", _("JSON…")),
            ("csv", _("CSV…")),
            ("pb", _("Pabulib (.pb)…")),
        ):
            self.buttons[kind] = self.header.add_action(QPushButton(text))
            self.buttons[kind].clicked.connect(lambda _c=False, k=kind: self.ask_export(k))
        self.body = QWidget()
        self._build_body()
        area = scroll_page(self.body)
        self.empty = EmptyState(
            _("Pas encore de résultats"),
            _("Les résultats apparaissent dès que des bulletins de la résidence sont dépouillés."),
            _("Aller au dépouillement"),
            lambda: ctx.navigate("count"),
        )
        outer.addWidget(area, 1)
        outer.addWidget(self.empty)
        outer.addStretch(0)
        self.area = area

    def _build_body(self) -> None:
        grid = QGridLayout(self.body)
        grid.setContentsMargins(0, 0, 8, 0)
        grid.setHorizontalSpacing(24)
        self.figures = set_role(QLabel(), "section")
        self.figures.setWordWrap(True)
        self.sealed = QLabel()
        self.sealed.setWordWrap(True)
        site = QWidget()  # the residence's results on the public site: state, publish, withdraw
        row = QHBoxLayout(site)
        row.setContentsMargins(0, 0, 0, 0)
        self.site_state = QLabel()
        self.site_state.setWordWrap(True)
        self.publish_button = QPushButton(_("Publier les résultats sur le site…"))
        self.publish_button.clicked.connect(self.ask_publish)
        self.withdraw_button = QPushButton(_("Retirer la publication…"))
        self.withdraw_button.clicked.connect(self.ask_withdraw)
        row.addWidget(self.site_state, 1)
        row.addWidget(self.publish_button)
        row.addWidget(self.withdraw_button)
        self.model = ProjectLineTableModel(parent=self)
        self.table = ProjectLineTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(False)  # rows stay in decision order
        fit_columns(self.table, 1)  # the project's name whole, the status at the end
        self.chart = VotesChart()
        self.funded = QLabel()
        self.funded.setWordWrap(True)
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        grid.addWidget(self.figures, 0, 0, 1, 2)
        grid.addWidget(self.sealed, 1, 0, 1, 2)
        grid.addWidget(site, 2, 0, 1, 2)
        grid.addWidget(self.table, 3, 0)
        grid.addWidget(self.chart, 3, 1)
        grid.addWidget(set_role(QLabel(_("Projets financés")), "section"), 4, 0)
        grid.addWidget(set_role(QLabel(_("Comment le résultat a été obtenu")), "section"), 4, 1)
        grid.addWidget(self.funded, 5, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.explain, 5, 1, Qt.AlignmentFlag.AlignTop)
        self.online = QLabel()  # a Decidim vote combined with the paper count, each source apart
        self.online.setWordWrap(True)
        grid.addWidget(self.online, 6, 0, 1, 2)
        grid.setColumnStretch(0, 3)  # the table and its names get the larger share
        grid.setColumnStretch(1, 2)
        grid.setRowStretch(7, 1)

    # --- data ---------------------------------------------------------------------------------

    def refresh(self) -> None:
        current = self.residence.currentData()
        if current is None:  # first show: the residence counted last
            sessions = self.ctx.services.counting.list_sessions()
            current = sessions[-1].residence_id if sessions else None
        self.residence.blockSignals(True)
        self.residence.clear()
        for r in self.ctx.services.campaigns.list_residences():
            self.residence.addItem(r.name, r.id)
        self.residence.setCurrentIndex(max(0, self.residence.findData(current)))
        self.residence.blockSignals(False)
        self.show_residence(self.residence.currentData())

    def _residence_changed(self, _index: int) -> None:
        self.show_residence(self.residence.currentData())

    def show_residence(self, residence_id: str | None) -> None:
        """Run the residence's rule off the GUI thread (Equal Shares may take a few seconds on
        a big vote), once: the explanation is made from the same results."""
        if residence_id is None:
            self._show((None, None))
            return
        counting = self.ctx.services.counting

        def work(_progress: Progress, _cancel: CancelToken) -> tuple[ResidenceResults, Explanation]:
            res = counting.results(residence_id)
            return res, count_view.explain_results(res)

        self.ctx.tasks.run(
            work, on_done=self._show, title=_("Calcul des résultats…"), cancellable=False
        )

    def _show(self, computed: tuple[ResidenceResults | None, Explanation | None]) -> None:
        self.results, explanation = computed
        res = self.results
        has = res is not None and bool(res.sessions)
        self.area.setVisible(has)
        self.empty.setVisible(not has)
        for button in self.buttons.values():
            button.setEnabled(has)
        if not has or res is None:
            return
        self._show_figures(res)
        self._show_site(res)
        self.model.set_rows(res.projects)
        self.table.setMinimumHeight(
            self.table.verticalHeader().defaultSectionSize() * (len(res.projects) + 1) + 8
        )
        self.chart.set_lines(res.projects)
        funded = [p for p in res.projects if p.status == "funded"]
        self.funded.setText(
            "\n".join(
                f"{TONE_ICONS['success']} {p.title} — {format_euros(p.cost_cents)}" for p in funded
            )
            or _("Aucun projet financé pour l'instant.")
        )
        if explanation is not None:
            self.explain.setText(self._explanation(explanation))
        self.online.setText(online_text(self.ctx.services.dashboard.combined(res.residence_id)))

    def _show_figures(self, res: ResidenceResults) -> None:
        t = res.tally
        self.figures.setText(
            _("Bulletins valides : {valid} · blancs : {blank} · nuls : {invalid} — budget {budget}, "
              "dépensé {spent}, reste {left}").format(
                valid=format_count(t.valid), blank=format_count(t.blank),
                invalid=format_count(t.invalid), budget=format_euros(res.budget_cents),
                spent=format_euros(res.spent_cents),
                left=format_euros(res.budget_cents - res.spent_cents),
            )
        )  # fmt: skip
        if res.all_sealed:
            self.sealed.setText(f"✔ {_('Dépouillement scellé : résultats définitifs.')}")
        else:
            self.sealed.setText(
                f"{TONE_ICONS['warning']} "
                + _(
                    "Dépouillement en cours : ces résultats sont provisoires ({n} à revoir)."
                ).format(n=t.pending)
            )

    # --- the public site ------------------------------------------------------------------------

    def _show_site(self, res: ResidenceResults) -> None:
        """Whether the residence's results are on the site, since when, and what can be done:
        only a sealed count is published from here (docs/platform.md)."""
        shown = self.ctx.services.site.published_results(res.residence_id)
        published = shown is not None and shown.published
        self.publish_button.setEnabled(res.all_sealed)
        self.publish_button.setText(
            _("Mettre à jour sur le site…")
            if published
            else _("Publier les résultats sur le site…")
        )
        self.withdraw_button.setVisible(published)
        self.site_state.setText(self.site_words(shown, res.all_sealed))

    @staticmethod
    def site_words(shown: PublishedResults | None, sealed: bool) -> str:
        if shown is not None and shown.published:
            day = format_date(local_moment(shown.published_at).date()) if shown.published_at else ""
            text = _("Publiés sur le site le {day}").format(day=day)
            if not shown.sealed:
                text += " " + _("(résultats provisoires)")
            return text + "."
        if not sealed:
            return _("Pas sur le site : les résultats y seront publiés une fois le dépouillement "
                     "scellé.")  # fmt: skip
        if shown is not None:
            return _("Publication retirée : le site ne montre plus ces résultats.")
        return _("Pas encore sur le site public.")

    def _confirm(self, title: str, text: str, yes: str) -> bool:
        """A question answered with the keyboard (Entrée confirms, Échap cancels)."""
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=self)
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        box.button(QMessageBox.StandardButton.Yes).setText(yes)
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        box.setEscapeButton(QMessageBox.StandardButton.Cancel)
        self.confirm_box = box
        return box.exec() == QMessageBox.StandardButton.Yes

    def ask_publish(self) -> None:
        res = self.results
        if res is None or not res.all_sealed:
            return
        text = _(
            "Ce qui devient public sur le site de la campagne, après la prochaine "
            "synchronisation :\n"
            "• le nombre de bulletins valables, blancs et nuls, et la participation ;\n"
            "• les voix de chaque projet et les projets financés ;\n"
            "• l'explication de la règle et les empreintes des scellés, pour la vérification.\n\n"
            "Rien ne relie un bulletin à un habitant : ni numéro de bulletin, ni heure. Les "
            "résultats sont figés tels qu'ils sont maintenant."
        )
        if not self._confirm(
            _("Publier les résultats de « {r} » ?").format(r=res.residence_name),
            text,
            _("Publier"),
        ):
            return
        services, residence_id = self.ctx.services, res.residence_id
        try:
            services.site_results.publish_results(residence_id)
        except Exception as exc:  # noqa: BLE001 - shown to the person
            self.ctx.show_error(exc, self)
            return
        self.ctx.notify(_("Résultats publiés : ils seront sur le site après la synchronisation."))
        self._show_site(res)

    def ask_withdraw(self) -> None:
        res = self.results
        if res is None:
            return
        box_title = _("Retirer les résultats de « {r} » du site ?").format(r=res.residence_name)
        text = _("Le site ne montrera plus ces résultats après la prochaine synchronisation. "
                 "Vous pourrez les publier de nouveau.")  # fmt: skip
        if not self._confirm(box_title, text, _("Retirer")):
            return
        self.ctx.services.site.unpublish_results(res.residence_id)
        self.ctx.notify(_("Publication retirée."))
        self._show_site(res)

    @staticmethod
    def _explanation(e: Explanation) -> str:
        parts = [e.rule_text, _("Ordre de décision :"), *e.lines]
        if e.equal_shares:
            parts += ["", _("Parts égales :"), *e.equal_shares]
        if e.ties:
            parts += ["", *e.ties]
        return "\n".join(parts)

    # --- documents ----------------------------------------------------------------------------

    def ask_export(self, kind: str) -> None:
        if self.results is None:
            return
        suffix = {"pdf": ".pdf", "json": ".json", "csv": ".csv", "pb": ".pb"}[kind]
        folder = Path(self.ctx.settings.last_folder or str(Path.home()))
        name = _("resultats-{residence}").format(residence=self.results.residence_name) + suffix
        path, _f = QFileDialog.getSaveFileName(self, _("Enregistrer les résultats"), str(folder / name),
                                               options=QFileDialog.Option.DontUseNativeDialog)  # fmt: skip
        if path:
            self.ctx.settings.last_folder = str(Path(path).parent)
            self.export_to(kind, Path(path))

    def export_to(self, kind: str, path: Path) -> None:
        """Write the document of `kind` (pdf, json, csv, pb) for the residence shown, off the GUI
        thread (the rule runs again for it)."""
        if self.results is None:
            return
        residence_id, services = self.results.residence_id, self.ctx.services

        def work(_progress: Progress, _cancel: CancelToken) -> Path:
            if kind == "pdf":
                return services.count_report.export_report(residence_id, path)
            return services.public_results.export_public(residence_id, path, kind)

        self.ctx.tasks.run(
            work, on_done=self._exported, on_error=self._export_failed,
            title=_("Enregistrement des résultats…"), cancellable=False,
        )  # fmt: skip

    def _exported(self, path: Path) -> None:
        self.ctx.notify(_("Enregistré : {path}").format(path=path))

    def _export_failed(self, exc: BaseException) -> None:
        self.ctx.show_error(exc, self)
