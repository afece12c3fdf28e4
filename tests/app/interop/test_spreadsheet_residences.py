"""Residences from real CSV and XLSX files: preview, all or nothing, bad input named by line
and column."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from app.errors import UserError
from app.services.interop.residences import Action
from app.services.interop.tables import read_table


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def names(services) -> dict[str, tuple[str, int, int]]:
    return {
        r.name: (r.address, r.dwellings, r.budget_cents)
        for r in services.campaigns.list_residences()
    }


def test_csv_with_bom_and_semicolons_creates_and_updates(services, residence, tmp_path):
    f = write(
        tmp_path / "r.csv",
        "\ufeffNom;Adresse;Logements;Budget (€)\n"
        "Les Tilleuls;12 rue des Lilas;130;30 000\n"
        "Les Érables;3 allée Verte;80;12 500,50\n",
    )
    preview = services.residence_import.import_residences(f, dry_run=True)
    assert [(x.line, x.action) for x in preview.lines] == [(2, Action.UPDATE), (3, Action.CREATE)]
    assert preview.lines[0].changed == ("dwellings",)
    assert not preview.applied and set(names(services)) == {"Les Tilleuls"}  # nothing written
    done = services.residence_import.import_residences(f)
    assert done.applied
    assert names(services) == {
        "Les Tilleuls": ("12 rue des Lilas", 130, 30_000_00),
        "Les Érables": ("3 allée Verte", 80, 12_500_50),
    }
    again = services.residence_import.import_residences(f, dry_run=True)
    assert [x.action for x in again.lines] == [Action.UNCHANGED, Action.UNCHANGED]


def test_windows_1252_commas_and_tabs_are_detected(services, campaign, tmp_path):
    f = write(
        tmp_path / "r.csv", 'nom,adresse,logements\r\nCité Fénelon,"1, rue Là",40\r\n', "cp1252"
    )
    table = read_table(f)
    assert (table.encoding, table.delimiter) == ("cp1252", ",")
    services.residence_import.import_residences(f)
    assert names(services) == {"Cité Fénelon": ("1, rue Là", 40, 0)}
    g = write(tmp_path / "t.csv", "nom\tlogements\nLa Pépinière\t12\n")
    assert read_table(g).delimiter == "\t"
    services.residence_import.import_residences(g)
    assert names(services)["La Pépinière"] == ("", 12, 0)


def test_missing_name_column_lists_what_was_found(services, campaign, tmp_path):
    f = write(tmp_path / "r.csv", "adresse;logements\n1 rue;3\n")
    with pytest.raises(UserError) as err:
        services.residence_import.import_residences(f)
    assert "Colonne « nom » absente (ligne 1)" in err.value.message
    assert "adresse, logements" in err.value.message


def test_wrong_type_names_line_and_column_and_nothing_is_written(services, campaign, tmp_path):
    f = write(tmp_path / "r.csv", "nom;logements;budget\nA;10;100\nB;douze;100\n")
    with pytest.raises(UserError) as err:
        services.residence_import.import_residences(f)
    assert err.value.message == (
        "Ligne 3, colonne B (« logements ») : « douze » n'est pas un nombre entier."
    )
    assert names(services) == {}  # line 2 was fine, yet nothing is written
    g = write(tmp_path / "g.csv", "nom;budget\nA;12,345\n")
    with pytest.raises(
        UserError, match=r"Ligne 2, colonne B \(« budget »\) : « 12,345 » n'est pas un montant"
    ):
        services.residence_import.import_residences(g)


def test_semicolon_comma_mix_up_is_explained(services, campaign, tmp_path):
    f = write(tmp_path / "r.csv", "nom;adresse;logements\nA,1 rue,3\n")
    with pytest.raises(
        UserError,
        match="Ligne 2 : la ligne est séparée par « , » alors que l'en-tête l'est par « ; »",
    ):
        services.residence_import.import_residences(f)
    g = write(tmp_path / "g.csv", "nom,logements,budget\nA,3,1 500,50\n")
    with pytest.raises(UserError, match="Ligne 2 : 4 cellules pour 3 colonnes"):
        services.residence_import.import_residences(g)


def test_duplicate_names_in_the_file(services, campaign, tmp_path):
    f = write(tmp_path / "r.csv", "nom\nLes Tilleuls\nles tilleuls\n")
    with pytest.raises(UserError, match="Ligne 3, colonne A .* figure déjà ligne 2"):
        services.residence_import.import_residences(f)


def test_xlsx_round_trip_and_typed_cells(services, campaign, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Nom de la résidence", "Adresse", "Nombre de logements", "Budget", "Remarque"])
    sheet.append(["Les Saules", "4 rue Haute", 55, 15000.5, "x"])
    sheet.append([None, None, None, None, None])
    sheet.append(["Le Verger", None, 20.0, "8 000", None])
    book.save(tmp_path / "r.xlsx")
    done = services.residence_import.import_residences(tmp_path / "r.xlsx")
    assert [x.line for x in done.lines] == [2, 4]
    assert done.ignored_columns == ("Remarque",)
    assert names(services) == {
        "Les Saules": ("4 rue Haute", 55, 15_000_50),
        "Le Verger": ("", 20, 8_000_00),
    }


def test_xlsx_merged_cells_are_refused_with_their_place(services, campaign, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["nom", "logements"])
    sheet.append(["A", 1])
    sheet.append(["B", 2])
    sheet.merge_cells("B2:B3")
    book.save(tmp_path / "m.xlsx")
    with pytest.raises(UserError, match="Ligne 2, colonne B : cellules fusionnées"):
        services.residence_import.import_residences(tmp_path / "m.xlsx")
    assert names(services) == {}


def test_xlsx_merged_cells_name_their_sheet_read_without_openpyxl(
    services, campaign, tmp_path, monkeypatch
):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Parc & Tilleuls"
    sheet.append(["nom", "logements"])
    sheet.append(["A", 1])
    sheet.append(["B", 2])
    sheet.merge_cells("A2:A3")
    book.save(tmp_path / "m.xlsx")

    def no_openpyxl(*_a, **_k):  # the fast path reads a well-formed workbook by itself
        raise AssertionError("openpyxl.load_workbook called")

    monkeypatch.setattr(openpyxl, "load_workbook", no_openpyxl)
    with pytest.raises(
        UserError, match="colonne A : cellules fusionnées dans la feuille « Parc & Tilleuls »"
    ):
        services.residence_import.import_residences(tmp_path / "m.xlsx")
    assert names(services) == {}


def test_xlsx_wrong_type(services, campaign, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["nom", "logements"])
    sheet.append(["A", 2.5])
    book.save(tmp_path / "w.xlsx")
    with pytest.raises(
        UserError,
        match=r"Ligne 2, colonne B \(« logements »\) : « 2.5 » n'est pas un nombre entier",
    ):
        services.residence_import.import_residences(tmp_path / "w.xlsx")


def test_not_a_spreadsheet(services, campaign, tmp_path):
    f = tmp_path / "fake.xlsx"
    f.write_bytes(b"not a zip")
    with pytest.raises(UserError, match="Classeur XLSX illisible"):
        services.residence_import.import_residences(f)
    with pytest.raises(UserError, match="Format non reconnu"):
        services.residence_import.import_residences(write(tmp_path / "r.ods", "x"))


def test_fifty_thousand_rows_in_one_transaction(services, campaign, tmp_path):
    lines = ["nom;logements;budget"] + [f"Résidence {i};{i % 500};{i}" for i in range(50_000)]
    lines[40_001] = "Résidence X;beaucoup;1"  # line 40,002 of the file
    f = write(tmp_path / "big.csv", "\n".join(lines) + "\n")
    with pytest.raises(UserError, match="Ligne 40002, colonne B"):
        services.residence_import.import_residences(f)
    assert names(services) == {}


def test_bulk_created_residences_are_stamped_and_queued_for_sync(services, campaign, tmp_path):
    from sqlalchemy import select

    from app.storage.tables import PendingChange, ResidenceRow

    f = write(tmp_path / "r.csv", "nom;logements\nA;1\nB;2\n")
    services.residence_import.import_residences(f)
    with services.uow() as s:
        rows = {r.name: r for r in s.scalars(select(ResidenceRow))}
        queued = s.scalars(select(PendingChange).where(PendingChange.table_name == "residence"))
        changes = [(c.record_id, c.op) for c in queued]
    assert set(rows) == {"A", "B"}
    assert all(r.device_id == services.uow.device_id and r.created_at for r in rows.values())
    assert changes == [(rows["A"].id, "upsert"), (rows["B"].id, "upsert")]


def test_xlsx_quick_reader_gives_what_openpyxl_gives(tmp_path):
    """The rows read from the sheet's XML equal openpyxl's cached values, gaps included."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["nom", "logements", "budget", "note"])
    sheet.append(["Les Ifs", 12, 1500.25, True])
    sheet["A4"] = "Le Mail"
    sheet["C4"] = -3
    sheet["D4"] = "=1+1"  # a formula: no cached value in a file openpyxl wrote
    book.save(tmp_path / "q.xlsx")
    table = read_table(tmp_path / "q.xlsx")
    reference = openpyxl.load_workbook(tmp_path / "q.xlsx", read_only=True, data_only=True)
    expected = [
        (n, values)
        for n, values in enumerate(reference.active.iter_rows(values_only=True), 1)
        if n > 1 and any(v is not None for v in values)
    ]
    assert [(r.line, r.cells) for r in table.rows] == [
        (n, tuple(v for v in values)) for n, values in expected
    ]
    assert table.rows[0].cells == ("Les Ifs", 12, 1500.25, True)
    assert table.rows[1].line == 4 and table.rows[1].cells[:3] == ("Le Mail", None, -3)
