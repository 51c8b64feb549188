"""Building SIIIR-style student lists for the import tests: valid CNPs, Romanian names with
diacritics, two guardians per student (siblings share theirs), written as XLSX or CSV."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

from openpyxl import Workbook

from schema.cnp import make_cnp

HEADERS = ["Nr. crt.", "CNP", "Nume", "Inițiala tatălui", "Prenume", "Data nașterii", "Sex", "Localitatea nașterii",
           "Adresa", "Clasa", "Părinte 1 nume", "Părinte 1 prenume", "Părinte 1 calitate", "Părinte 1 telefon",
           "Părinte 1 e-mail", "Părinte 2 nume", "Părinte 2 prenume", "Părinte 2 calitate", "Părinte 2 telefon",
           "Părinte 2 e-mail"]
LAST_NAMES = ["Popescu", "Ionescu", "Țărană", "Stănescu", "Mureșan", "Dumitrașcu", "Crăciun", "Bălan", "Șerban",
              "Pîrvu", "Neagu", "Ștefănescu", "Râmbu", "Lăzărescu", "Măgureanu"]
GIRLS = ["Ioana", "Ștefania", "Anișoara", "Mădălina", "Irina", "Oana", "Bianca", "Cătălina", "Daria", "Ilinca"]
BOYS = ["Ștefan", "Răzvan", "Andrei", "Mihai", "Tudor", "Horațiu", "Cosmin", "Vlad", "Matei", "Bogdan"]
MOTHERS = ["Maria", "Elena", "Mirela", "Gabriela", "Cristina", "Ana", "Roxana"]
FATHERS = ["Ion", "Gheorghe", "Costel", "Marius", "Dănuț", "Sorin", "Florin"]
TOWNS = ["Iași", "Pașcani", "Târgu Frumos", "Hârlău", "Bârlad"]


def student_rows(count: int, classes: tuple[str, ...] = ("a V-a A", "a V-a B")) -> list[list[object]]:
    """`count` valid rows (values as a spreadsheet would hold them), all CNPs distinct.

    Every 10th student is the previous one's sibling: same parents, same contacts.
    """
    rows = []
    for index in range(count):
        sex = "F" if index % 2 else "M"
        birth = date(2013, 9, 1) + timedelta(days=index % 360)
        cnp = make_cnp(birth, sex, f"{1 + index // 998:02d}", 1 + index % 998)
        family = index - 1 if index % 10 == 1 else index
        last = LAST_NAMES[family % len(LAST_NAMES)]
        first = (GIRLS if sex == "F" else BOYS)[index // 2 % 10]
        # Birth dates in the three forms the column accepts: a spreadsheet date, dd.mm.yyyy, ISO.
        written_birth = [datetime(birth.year, birth.month, birth.day), f"{birth:%d.%m.%Y}", birth.isoformat()][index % 3]
        rows.append([
            index + 1, int(cnp) if index % 4 == 0 else cnp, last, "I.", first, written_birth,
            ["M", "F"][index % 2] if index % 5 else "", TOWNS[index % len(TOWNS)],
            f"Str. Ștefan cel Mare nr. {index + 1}, Iași", classes[index % len(classes)],
            last, MOTHERS[family % len(MOTHERS)], "mama", f"07{family:08d}", f"mama.{family}@exemplu.ro",
            last, FATHERS[family % len(FATHERS)], "tată", f"+40 7{family:08d}", "",
        ])
    return rows


def xlsx_bytes(rows: list[list[object]], headers: list[str] = HEADERS, title: str | None = None) -> bytes:
    """An XLSX workbook; with `title`, a title line and a blank line stand above the header (as in SIIIR)."""
    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
        sheet.append([])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[object]], headers: list[str] = HEADERS, delimiter: str = ";", bom: bool = True) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([value.strftime("%d.%m.%Y") if isinstance(value, datetime) else value for value in row])
    return ("\ufeff" if bom else "").encode() + buffer.getvalue().encode("utf-8")


def column(name: str) -> int:
    return HEADERS.index(name)
