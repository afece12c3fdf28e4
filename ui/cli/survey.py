"""`bp-terrain survey create|list|print|read|results`: paper surveys (docs/surveys.md).

A survey is composed from a JSON file (title, intro, questions), printed with the ballots' QR
and markers, and read back in batch by the ballot reader. Forms in doubt wait for a person.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from app.i18n import _
from ui.cli.common import add_command, data_dir, out_file, print_json


def register(sub: Any) -> None:
    sp = sub.add_parser("survey", help=_("Questionnaires papier : composer, imprimer, lire."))
    actions = sp.add_subparsers(dest="survey_command", metavar="ACTION", required=True)
    cr = add_command(
        actions, "create", _("Créer un questionnaire depuis un fichier JSON."), run_create
    )
    cr.add_argument("file", help=_("fichier JSON : title, intro, questions"))
    ls = add_command(actions, "list", _("Lister les questionnaires."), run_list)
    ls.add_argument("--json", action="store_true", help=_("sortie JSON"))
    pr = add_command(actions, "print", _("Imprimer des questionnaires (PDF)."), run_print)
    pr.add_argument("survey", help=_("numéro ou id du questionnaire"))
    pr.add_argument("--count", type=int, default=1, help=_("nombre d'exemplaires"))
    pr.add_argument("--out", required=True, help=_("fichier PDF à écrire"))
    rd = add_command(
        actions, "read", _("Lire des questionnaires remplis (scans, photos, PDF)."), run_read
    )
    rd.add_argument("files", nargs="+", metavar=_("FICHIER"))
    rd.add_argument("--json", action="store_true", help=_("sortie JSON"))
    rs = add_command(actions, "results", _("Les réponses d'un questionnaire."), run_results)
    rs.add_argument("survey", help=_("numéro ou id du questionnaire"))
    rs.add_argument("--json", action="store_true", help=_("sortie JSON"))


def _questions(data: Any) -> list[Any]:
    from app.domain.surveys import QuestionKind, SurveyQuestion
    from app.errors import UserError

    try:
        return [
            SurveyQuestion(
                "",
                QuestionKind(q["kind"]),
                str(q["text"]),
                tuple(str(o) for o in q.get("options", ())),
                str(q.get("low_label", "")),
                str(q.get("high_label", "")),
            )  # fmt: skip
            for q in data["questions"]
        ]
    except (KeyError, TypeError, ValueError) as exc:
        raise UserError(
            _(
                "Fichier de questionnaire mal formé : chaque question a un « kind » (single, "
                "multiple, scale, text) et un « text »."
            )  # fmt: skip
        ) from exc


def run_create(args: argparse.Namespace) -> int:
    from app.errors import UserError
    from app.services import open_services

    try:
        data = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UserError(_("Fichier JSON illisible : {file}").format(file=args.file)) from exc
    if not isinstance(data, dict):
        raise UserError(_("Fichier JSON illisible : {file}").format(file=args.file))
    services = open_services(data_dir(args))
    try:
        survey = services.surveys.create(
            str(data.get("title", "")), _questions(data), str(data.get("intro", ""))
        )
    finally:
        services.close()
    print(_("Questionnaire n° {n} créé : {id}").format(n=survey.number, id=survey.id))
    return 0


def run_list(args: argparse.Namespace) -> int:
    from app.services import open_services

    services = open_services(data_dir(args))
    try:
        surveys = services.surveys.list_surveys()
    finally:
        services.close()
    if args.json:
        print_json([
            {"id": s.id, "number": s.number, "title": s.title, "printed": s.printed,
             "questions": [q.to_dict() for q in s.questions]}
            for s in surveys
        ])  # fmt: skip
        return 0
    if not surveys:
        print(_("Aucun questionnaire."))
    for s in surveys:
        state = _("imprimé") if s.printed else _("pas encore imprimé")
        print(_("n° {n} — {title} ({state})").format(n=s.number, title=s.title, state=state))
    return 0


def run_print(args: argparse.Namespace) -> int:
    from app.services import open_services

    services = open_services(data_dir(args))
    try:
        survey = services.surveys.find(args.survey)
        path = services.surveys.print_forms(survey.id, out_file(args.out), args.count)
    finally:
        services.close()
    print(path)
    return 0


def run_read(args: argparse.Namespace) -> int:
    from app.services import open_services

    services = open_services(data_dir(args))
    try:
        report = services.surveys.read_forms([Path(f) for f in args.files])
    finally:
        services.close()
    if args.json:
        print_json({
            "pages": report.pages, "recorded": report.recorded, "to_review": report.to_review,
            "duplicates": report.duplicates, "blank": report.blank,
            "refused": [{"file": r.file, "page": r.page, "message": r.message}
                        for r in report.refused],
        })  # fmt: skip
    else:
        for r in report.refused:
            print(_("{file} page {page} : {message}").format(
                file=r.file, page=r.page, message=r.message), file=sys.stderr)  # fmt: skip
        print(_("{pages} page(s) lue(s) : {recorded} formulaire(s) enregistré(s) dont "
                "{review} à revoir, {dup} déjà lu(s), {blank} blanche(s), {refused} refusée(s).")
              .format(pages=report.pages, recorded=report.recorded, review=report.to_review,
                      dup=report.duplicates, blank=report.blank,
                      refused=len(report.refused)))  # fmt: skip
    return 1 if report.pages and report.recorded == 0 and report.refused else 0


def run_results(args: argparse.Namespace) -> int:
    from app.services import open_services

    services = open_services(data_dir(args))
    try:
        res = services.surveys.results(services.surveys.find(args.survey).id)
    finally:
        services.close()
    if args.json:
        print_json({
            "number": res.number, "title": res.title, "forms": res.forms,
            "to_review": res.to_review,
            "questions": [
                {"id": q.question.id, "text": q.question.text, "kind": q.question.kind.value,
                 "choices": list(q.question.choices()), "counts": list(q.counts),
                 "answered": q.answered, "mean": q.mean, "texts": q.texts}
                for q in res.questions
            ],
        })  # fmt: skip
        return 0
    print(_("{title} : {forms} formulaire(s) compté(s), {review} à revoir.").format(
        title=res.title, forms=res.forms, review=res.to_review))  # fmt: skip
    for q in res.questions:
        print(q.question.text)
        for choice, count in zip(q.question.choices(), q.counts, strict=True):
            print(f"    {choice} : {count}")
        if q.mean is not None:
            print("    " + _("moyenne : {m}").format(m=f"{q.mean:.1f}".replace(".", ",")))
        if q.question.kind.value == "text":
            print("    " + _("{n} réponse(s) écrite(s) à lire").format(n=q.texts))
    return 0
