"""Reading and writing tables: CSV (encoding and delimiter detected) and XLSX (openpyxl).

A table read from a file keeps, for each row, its line number in the file (the header is line
1 of a spreadsheet; for a CSV, the physical line where the record starts), so that every error
message can name the line and the column concerned.
"""

from __future__ import annotations

import csv
import html
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.errors import UserError
from app.i18n import _
from app.services.base import library_errors
from ballots.atomic import write_bytes_atomic

DELIMITERS = (";", ",", "\t")
MAX_ROWS = 200_000
Cell = str | int | float | Decimal | None


@dataclass(frozen=True)
class Row:
    line: int  # line number in the file (1 = the header)
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[Row, ...]
    encoding: str = ""  # CSV only: utf-8, utf-8-sig or cp1252
    delimiter: str = ""  # CSV only


def column_name(index: int) -> str:
    """The spreadsheet name of a 0-based column index: A, B, ..., Z, AA..."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


def read_table(path: Path) -> Table:
    """The first sheet of an XLSX file or a CSV file, by its extension."""
    path = Path(path)
    if not path.is_file():
        raise UserError(_("Fichier introuvable : {path}").format(path=path), field="file")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path)
    if suffix in (".csv", ".txt", ".tsv"):
        return read_csv_bytes(path.read_bytes())
    raise UserError(
        _("Format non reconnu : {name} (attendu : .csv ou .xlsx).").format(name=path.name),
        field="file",
    )


# --- CSV --------------------------------------------------------------------------------------


def decode(data: bytes) -> tuple[str, str]:
    """The text and its encoding: UTF-8 (with or without BOM), else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise UserError(
            _(
                "Encodage du fichier illisible (ni UTF-8 ni Windows-1252, octet {byte} à la "
                "position {pos}) : enregistrez-le en « CSV UTF-8 »."
            ).format(byte=hex(data[exc.start]), pos=exc.start)
        ) from None


def sniff_delimiter(header: str) -> str:
    """The delimiter the header line uses most: `;`, `,` or a tab."""
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ";"


def read_csv_bytes(data: bytes) -> Table:
    text, encoding = decode(data)
    if not text.strip():
        raise UserError(_("Le fichier est vide."))
    first = text.lstrip("\n\r").splitlines()[0]
    delimiter = sniff_delimiter(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers: tuple[str, ...] | None = None
    rows: list[Row] = []
    try:
        while True:
            line = reader.line_num + 1
            try:
                record = next(reader)
            except StopIteration:
                break
            if not any(cell.strip() for cell in record):
                continue
            if headers is None:
                headers = tuple(cell.strip() for cell in record)
                continue
            rows.append(Row(line, tuple(record)))
            if len(rows) > MAX_ROWS:
                raise UserError(_("Plus de {n} lignes : découpez le fichier.").format(n=MAX_ROWS))
    except csv.Error as exc:
        raise UserError(
            _("Ligne {line} : CSV illisible ({error}).").format(line=reader.line_num, error=exc)
        ) from None
    return Table(headers or (), tuple(rows), encoding, delimiter)


def check_widths(table: Table) -> None:
    """Refuse rows with more or fewer cells than the header, saying why (delimiter mix-up)."""
    width = len(table.headers)
    for row in table.rows:
        n = len(row.cells)
        extra = [c for c in row.cells[width:] if str(c or "").strip()]
        if n <= width and n > 1 or (n > width and not extra):
            continue
        d = table.delimiter
        other = next((o for o in DELIMITERS if o != d and any(o in str(c) for c in row.cells)), "")
        if n == 1 and width > 1 and other:
            hint = _(
                "la ligne est séparée par « {other} » alors que l'en-tête l'est par « {d} » : "
                "utilisez le même séparateur partout."
            ).format(other=shown(other), d=shown(d))
        elif n > width:
            hint = _(
                "{n} cellules pour {width} colonnes : une valeur contient sans doute le "
                "séparateur « {d} » (un montant « 1 500,50 » dans un fichier séparé par des "
                "virgules ?) ; mettez-la entre guillemets ou séparez par « ; »."
            ).format(n=n, width=width, d=shown(d))
        elif width > 1:
            hint = _("{n} cellule(s) pour {width} colonnes.").format(n=n, width=width)
        else:
            continue
        raise UserError(_("Ligne {line} : {hint}").format(line=row.line, hint=hint))


def shown(delimiter: str) -> str:
    return _("tabulation") if delimiter == "\t" else delimiter


# --- XLSX -------------------------------------------------------------------------------------

_MERGE = re.compile(rb'<mergeCell\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def read_xlsx(path: Path) -> Table:
    """The first sheet; merged cells are refused. Read straight from its XML when the workbook
    is laid out as the format says (`_fast_rows`: openpyxl's loading alone scans a sheet without
    a <dimension> a whole extra time, 40 % of the import of 50,000 rows), else by openpyxl's
    read-only mode, which also names what is wrong with a file it cannot open."""
    fast = _fast_rows(path)
    if fast is not None:
        _refuse_merged(path, _first_sheet_title(path))
        return _numbered_table(fast)
    import openpyxl  # heavy: loaded only when a spreadsheet is read
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise UserError(
            _("Classeur XLSX illisible : {name} ({error}).").format(name=path.name, error=exc)
        ) from None
    try:
        sheet = book.worksheets[0]
        _refuse_merged(path, sheet.title)
        return _numbered_table(enumerate(sheet.iter_rows(values_only=True), 1))
    finally:
        book.close()


def _numbered_table(numbered: Iterable[tuple[int, Sequence[Any]]]) -> Table:
    headers: tuple[str, ...] | None = None
    rows: list[Row] = []
    for number, values in numbered:
        if not any(v is not None and str(v).strip() for v in values):
            continue
        if headers is None:
            headers = tuple("" if v is None else str(v).strip() for v in values)
            continue
        rows.append(Row(number, tuple(_cell(v) for v in values)))
        if len(rows) > MAX_ROWS:
            raise UserError(_("Plus de {n} lignes : découpez le fichier.").format(n=MAX_ROWS))
    width = len(headers or ())
    while width and not (headers or ())[width - 1]:
        width -= 1
    return Table((headers or ())[:width], tuple(rows))


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REF = re.compile(r"([A-Z]+)(\d+)")


def _fast_rows(path: Path) -> Iterator[tuple[int, tuple[Cell, ...]]] | None:
    """The first sheet's rows read straight from its XML (three times quicker than openpyxl's
    read-only cells on 50,000 rows): cached values, shared and inline strings, numbers as int
    or float, booleans; a date stays the spreadsheet's serial number. None when the workbook's
    parts are not where the format puts them (then openpyxl reads it)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = sorted(
                n for n in archive.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)
            )
            part = _first_sheet_file(archive, names)
            if part is None or part not in archive.namelist():
                return None
            shared = _shared_strings(archive)
            rows = list(_sheet_xml_rows(archive.read(part), shared))
    except (zipfile.BadZipFile, KeyError, OSError, ET.ParseError, ValueError, IndexError):
        return None
    return iter(rows)


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    out = []
    for _event, el in ET.iterparse(io.BytesIO(archive.read("xl/sharedStrings.xml"))):
        if el.tag == _NS + "si":
            out.append("".join(t.text or "" for t in el.iter(_NS + "t")))
            el.clear()
    return out


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - ord("A") + 1
    return index - 1


def _sheet_xml_rows(data: bytes, shared: list[str]) -> Iterator[tuple[int, tuple[Cell, ...]]]:
    previous = 0
    for _event, el in ET.iterparse(io.BytesIO(data)):
        if el.tag != _NS + "row":
            continue
        number = int(el.get("r") or previous + 1)
        previous = number
        values: list[Cell] = []
        for c in el.iter(_NS + "c"):
            ref = _REF.match(c.get("r") or "")
            index = _column_index(ref.group(1)) if ref else len(values)
            values.extend([None] * (index + 1 - len(values)))
            values[index] = _xml_value(c, shared)
        el.clear()
        yield number, tuple(values)


def _xml_value(c: ET.Element, shared: list[str]) -> Cell:
    kind = c.get("t", "n")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in c.iter(_NS + "t"))
    v = c.find(_NS + "v")
    text = v.text if v is not None else None
    if text is None:
        return None
    if kind == "s":
        return shared[int(text)]
    if kind == "b":
        return text.strip() == "1"
    if kind in ("str", "e", "d"):
        return text
    return int(text) if re.fullmatch(r"-?\d+", text) else float(text)


def _cell(value: Any) -> Cell:
    if value is None or isinstance(value, (str, int, float, Decimal)):
        return value
    return str(value)


def _first_sheet_title(path: Path) -> str:
    """The first sheet's name, from the workbook's XML ("" when it cannot be read)."""
    try:
        with zipfile.ZipFile(path) as archive:
            workbook = archive.read("xl/workbook.xml")
    except (zipfile.BadZipFile, KeyError, OSError):
        return ""
    sheet = re.search(rb"<(?:\w+:)?sheet\b[^>]*?\bname=\"([^\"]*)\"", workbook)
    return html.unescape(sheet.group(1).decode("utf-8")) if sheet else ""


def _refuse_merged(path: Path, title: str) -> None:
    """Merged cells hide values from all but their first cell: name the first one and refuse."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = sorted(
                n for n in archive.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)
            )
            first = _first_sheet_file(archive, names)
            if first is None:
                return
            match = _MERGE.search(archive.read(first))
    except (zipfile.BadZipFile, KeyError, OSError):
        return
    if match:
        col, line = match.group(1).decode(), int(match.group(2))
        raise UserError(
            _(
                "Ligne {line}, colonne {col} : cellules fusionnées dans la feuille « {sheet} ». "
                "Défusionnez-les et répétez la valeur sur chaque ligne."
            ).format(line=line, col=col, sheet=title)
        )


def _first_sheet_file(archive: zipfile.ZipFile, names: list[str]) -> str | None:
    """The worksheet part of the workbook's first sheet (through the workbook's relations)."""
    try:
        workbook = archive.read("xl/workbook.xml")
        rels = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return names[0] if names else None
    sheet = re.search(rb"<(?:\w+:)?sheet\b[^>]*?r:id=\"([^\"]+)\"", workbook)
    if sheet is None:
        return names[0] if names else None
    rid = re.escape(sheet.group(1))
    target = re.search(rb'Id="' + rid + rb'"[^>]*Target="([^"]+)"', rels) or re.search(
        rb'Target="([^"]+)"[^>]*Id="' + rid + rb'"', rels
    )
    if target is None:
        return names[0] if names else None
    name = target.group(1).decode().lstrip("/")
    return name if name.startswith("xl/") else "xl/" + name


# --- writing ----------------------------------------------------------------------------------


def write_table(path: Path, headers: Sequence[str], rows: Iterable[Sequence[Cell]]) -> Path:
    """Write a CSV (`;`, UTF-8 with BOM, as French spreadsheets open it) or an XLSX file."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        data = xlsx_bytes(headers, rows)
    elif suffix == ".csv":
        data = csv_bytes(headers, rows)
    else:
        raise UserError(
            _("Extension non reconnue : {name} (attendu : .csv ou .xlsx).").format(name=path.name),
            field="out",
        )
    with library_errors(field="out"):
        write_bytes_atomic(path, data)
    return path


def csv_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}".replace(".", ",")
    return str(value)


def csv_bytes(
    headers: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    *,
    delimiter: str = ";",
    bom: bool = True,
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([csv_text(v) for v in row])
    return (buffer.getvalue()).encode("utf-8-sig" if bom else "utf-8")


def xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    header_cells = []
    for text in headers:
        cell = openpyxl.cell.WriteOnlyCell(sheet, value=text)
        cell.font = Font(bold=True)
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_xlsx_value(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value: Cell) -> Cell:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value  # never let a text become a formula (CSV/formula injection)
    return value
