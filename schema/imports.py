"""Reading a SIIIR-style student list (CSV or XLSX) into plain rows, and the column map.

This module only reads and normalises: no database, no Flask. schema/operations/importing.py
validates the rows against the school and writes them. docs/import.md documents the columns.

- CSV: UTF-8 with or without a byte-order mark; the separator (`;`, `,` or tab) is the one the
  header line uses most.
- XLSX: the first worksheet; the header is the first of the first 20 rows that names a CNP column
  (SIIIR exports may carry title lines above it). Values are read, never formulas.
- Headers are matched ignoring case, diacritics (comma-below and cedilla alike) and punctuation.
- Row numbers are the ones the spreadsheet program shows (the header's row is counted).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from schema.errors import InvariantViolation

#: Largest file accepted (a school's list is far smaller).
MAX_FILE_BYTES = 10 * 1024 * 1024
#: Largest uncompressed size of an XLSX's parts (a small file must not unpack into gigabytes).
MAX_XLSX_UNPACKED_BYTES = 200 * 1024 * 1024
#: Most data rows accepted in one import.
MAX_ROWS = 10_000
#: How many top rows of a worksheet are searched for the header.
HEADER_SEARCH_ROWS = 20
#: Guardian column groups: "Părinte 1 …", "Părinte 2 …".
GUARDIAN_SLOTS = (1, 2)

#: Student fields → accepted header spellings (compared after `header_key`).
STUDENT_COLUMNS: dict[str, tuple[str, ...]] = {
    "cnp": ("CNP", "CNP elev", "Cod numeric personal"),
    "last_name": ("Nume", "Nume elev", "Numele", "Nume de familie"),
    "first_name": ("Prenume", "Prenume elev", "Prenumele"),
    "father_initial": ("Inițiala tatălui", "Inițiala", "Inițiala tatălui elevului", "Initiala tata"),
    "birth_date": ("Data nașterii", "Data de naștere", "Data naștere"),
    "sex": ("Sex", "Gen"),
    "birth_place": ("Localitatea nașterii", "Locul nașterii", "Localitate naștere", "Localitatea de naștere"),
    "address": ("Adresa", "Adresa de domiciliu", "Adresa domiciliu", "Domiciliu", "Domiciliul"),
    "citizenship": ("Cetățenie", "Cetățenia"),
    "class_name": ("Clasa", "Formațiune", "Formațiunea", "Formațiune de studiu", "Formațiunea de studiu"),
    "grade_level": ("Nivel", "Nivel clasă", "Cod nivel", "An de studiu"),
}
#: Guardian fields → spellings after the "Părinte N" prefix (or before "părinte N").
GUARDIAN_FIELDS: dict[str, tuple[str, ...]] = {
    "last_name": ("nume",),
    "first_name": ("prenume",),
    "phone": ("telefon", "tel", "nr telefon", "număr de telefon"),
    "email": ("email", "e-mail", "e mail", "adresa de e-mail", "adresa email"),
    "kind": ("calitate", "calitatea", "tip", "relație", "relația"),
    "cnp": ("CNP",),
}
#: Columns a file must have.
REQUIRED_COLUMNS = ("cnp", "last_name", "first_name", "class_name")
#: Romanian names of the fields, for messages.
FIELD_LABELS = {
    "cnp": "CNP",
    "last_name": "Nume",
    "first_name": "Prenume",
    "father_initial": "Inițiala tatălui",
    "birth_date": "Data nașterii",
    "sex": "Sex",
    "birth_place": "Localitatea nașterii",
    "address": "Adresa",
    "citizenship": "Cetățenie",
    "class_name": "Clasa",
    "grade_level": "Nivel",
}
GUARDIAN_FIELD_LABELS = {"last_name": "nume", "first_name": "prenume", "phone": "telefon", "email": "e-mail",
                         "kind": "calitate", "cnp": "CNP"}

_CEDILLA_TO_COMMA = str.maketrans({"ş": "ș", "Ş": "Ș", "ţ": "ț", "Ţ": "Ț"})


def guardian_column(slot: int, name: str) -> str:
    """Internal column name of a guardian field, e.g. `guardian1_email`."""
    return f"guardian{slot}_{name}"


def column_label(column: str) -> str:
    """The Romanian column name for messages, e.g. "Părinte 1 e-mail"."""
    match = re.fullmatch(r"guardian(\d)_(\w+)", column)
    if match:
        return f"Părinte {match.group(1)} {GUARDIAN_FIELD_LABELS[match.group(2)]}"
    return FIELD_LABELS.get(column, column)


def header_key(text: str) -> str:
    """Lower case, no diacritics, words separated by one space: "Inițiala  tatălui:" → "initiala tatalui"."""
    decomposed = unicodedata.normalize("NFKD", str(text).translate(_CEDILLA_TO_COMMA))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", plain).split())


def _alias_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for column, spellings in STUDENT_COLUMNS.items():
        for spelling in spellings:
            table[header_key(spelling)] = column
    for slot in GUARDIAN_SLOTS:
        for name, spellings in GUARDIAN_FIELDS.items():
            column = guardian_column(slot, name)
            for spelling in spellings:
                for prefix in ("părinte", "parinte", "părintele", "reprezentant legal"):
                    table[header_key(f"{prefix} {slot} {spelling}")] = column
                    table[header_key(f"{spelling} {prefix} {slot}")] = column
    return table


#: header_key(spelling) → column, for every accepted spelling.
HEADER_ALIASES = _alias_table()


def clean_text(value: object) -> str:
    """A cell as text: stripped, inner whitespace collapsed, ş/ţ (cedilla) written ș/ț (comma below)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).translate(_CEDILLA_TO_COMMA).split())


def normalized_name(text: str) -> str:
    """A name compared without case, diacritics or punctuation (class names, people's names)."""
    return header_key(text)


_DATE_PATTERNS = (
    re.compile(r"(?P<d>\d{1,2})[./-](?P<m>\d{1,2})[./-](?P<y>\d{4})"),
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"),
)


def parse_date(value: object) -> date:
    """dd.mm.yyyy (also d.m.yyyy, dd/mm/yyyy, dd-mm-yyyy), ISO yyyy-mm-dd, or a spreadsheet date.

    Raises ValueError for anything else or an impossible date.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = clean_text(value)
    if "T" in text or " " in text:  # "2014-03-15 00:00:00" from a text cell
        text = re.split(r"[T ]", text)[0]
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            return date(int(match["y"]), int(match["m"]), int(match["d"]))
    raise ValueError(text)


@dataclass
class SourceRow:
    """One data row of the file: its row number and its cells by column (raw values)."""

    number: int
    cells: dict[str, object]

    def text(self, column: str) -> str:
        return clean_text(self.cells.get(column))


@dataclass
class SourceTable:
    """What was read from the file: mapped columns, ignored headers and the data rows."""

    columns: list[str]
    ignored_headers: list[str] = field(default_factory=list)
    rows: list[SourceRow] = field(default_factory=list)


def _file_error(code: str, message_ro: str, message_en: str) -> InvariantViolation:
    return InvariantViolation(code, message_ro, message_en)


def read_student_file(data: bytes, file_name: str) -> SourceTable:
    """Read a CSV or XLSX file into a SourceTable; file-level problems raise InvariantViolation."""
    if len(data) > MAX_FILE_BYTES:
        raise _file_error("file_too_large", f"Fișierul depășește {MAX_FILE_BYTES // (1024 * 1024)} MB.", "File too large.")
    if not data.strip():
        raise _file_error("file_empty", "Fișierul este gol.", "The file is empty.")
    if data[:4] == b"PK\x03\x04" or file_name.lower().endswith(".xlsx"):
        raw_rows = _xlsx_rows(data)
    elif file_name.lower().endswith((".csv", ".txt")):
        raw_rows = _csv_rows(data)
    else:
        raise _file_error("file_type", "Se acceptă doar fișiere CSV sau XLSX (Excel).", "Only CSV or XLSX files.")
    return _table_from_rows(raw_rows)


def _csv_rows(data: bytes) -> list[tuple[int, list[object]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _file_error(
            "file_encoding",
            "Fișierul CSV nu este în codificarea UTF-8. Salvați-l din Excel ca „CSV UTF-8 (delimitat prin virgulă)”.",
            "The CSV file is not UTF-8.",
        ) from error
    header_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((";", ",", "\t"), key=header_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    # reader.line_num counts physical lines, so a quoted cell with a line break keeps the numbering right.
    rows: list[tuple[int, list[object]]] = []
    start = 1
    for cells in reader:
        rows.append((start, list(cells)))
        start = reader.line_num + 1
    return rows


def _xlsx_rows(data: bytes) -> list[tuple[int, list[object]]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_XLSX_UNPACKED_BYTES:
            raise _file_error("file_too_large", "Fișierul XLSX este prea mare după dezarhivare.", "XLSX too large.")
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise _file_error("file_unreadable", "Fișierul XLSX nu poate fi citit (este deteriorat sau nu este XLSX).",
                          "Unreadable XLSX file.") from error
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            rows.append((number, list(cells)))
            if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS + 1:
                break
        return rows
    finally:
        workbook.close()


def _table_from_rows(raw_rows: list[tuple[int, list[object]]]) -> SourceTable:
    header_index = None
    for index, (_number, cells) in enumerate(raw_rows[:HEADER_SEARCH_ROWS]):
        if any(HEADER_ALIASES.get(header_key(clean_text(cell))) == "cnp" for cell in cells):
            header_index = index
            break
    if header_index is None:
        raise _file_error("header_missing",
                          "Nu am găsit rândul de antet: niciun rând din primele 20 nu are coloana „CNP”.",
                          "No header row with a CNP column.")
    headers = [clean_text(cell) for cell in raw_rows[header_index][1]]
    positions: dict[str, int] = {}
    ignored: list[str] = []
    for position, header in enumerate(headers):
        if not header:
            continue
        column = HEADER_ALIASES.get(header_key(header))
        if column is None:
            ignored.append(header)
        elif column in positions:
            raise _file_error("header_duplicate",
                              f"Coloana „{column_label(column)}” apare de două ori în antet (și ca „{header}”).",
                              "A column appears twice in the header.")
        else:
            positions[column] = position
    missing = [column_label(c) for c in REQUIRED_COLUMNS if c not in positions]
    if missing:
        raise _file_error("columns_missing", f"Lipsesc coloanele obligatorii: {', '.join(missing)}.",
                          "Required columns are missing.")
    table = SourceTable(columns=list(positions), ignored_headers=ignored)
    for number, cells in raw_rows[header_index + 1:]:
        if not any(clean_text(cell) for cell in cells):
            continue
        table.rows.append(SourceRow(number, {
            column: cells[position] if position < len(cells) else None for column, position in positions.items()
        }))
    if not table.rows:
        raise _file_error("file_no_rows", "Fișierul nu conține niciun elev după rândul de antet.", "No data rows.")
    if len(table.rows) > MAX_ROWS:
        raise _file_error("file_too_many_rows", f"Fișierul are peste {MAX_ROWS} de rânduri; împărțiți-l.",
                          "Too many rows.")
    return table
