"""Reading the file: header aliases, dates, cells (schema/imports.py; no database)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from schema.imports import (
    GUARDIAN_FIELDS,
    GUARDIAN_SLOTS,
    HEADER_ALIASES,
    STUDENT_COLUMNS,
    clean_text,
    header_key,
    parse_date,
    read_student_file,
)


def test_every_spelling_names_exactly_one_column():
    spellings = [header_key(s) for values in STUDENT_COLUMNS.values() for s in values]
    assert len(spellings) == len(set(spellings))
    assert len(set(HEADER_ALIASES.values())) == len(STUDENT_COLUMNS) + len(GUARDIAN_FIELDS) * len(GUARDIAN_SLOTS)


@pytest.mark.parametrize("header, column", [
    ("DATA NAȘTERII", "birth_date"), ("data_nasterii", "birth_date"), ("Data naşterii", "birth_date"),
    ("  Inițiala   tatălui ", "father_initial"), ("Formațiunea de studiu", "class_name"),
    ("Părinte 2 E-mail", "guardian2_email"), ("Nume părinte 1", "guardian1_last_name"),
    ("parinte 1 tel", "guardian1_phone"), ("Părinte 2 calitate", "guardian2_kind"),
])
def test_headers_ignore_case_diacritics_and_punctuation(header, column):
    assert HEADER_ALIASES[header_key(header)] == column


@pytest.mark.parametrize("value, expected", [
    ("15.03.2014", date(2014, 3, 15)), ("5.3.2014", date(2014, 3, 5)), ("15/03/2014", date(2014, 3, 15)),
    ("2014-03-15", date(2014, 3, 15)), (datetime(2014, 3, 15), date(2014, 3, 15)), (date(2014, 3, 15), date(2014, 3, 15)),
    ("2014-03-15 00:00:00", date(2014, 3, 15)),
])
def test_dates(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["31.02.2014", "15.13.2014", "mâine", "2014", "15.03.14"])
def test_bad_dates(value):
    with pytest.raises(ValueError):
        parse_date(value)


def test_cells_are_cleaned():
    assert clean_text(5140315220013.0) == "5140315220013"
    assert clean_text("  Ţăran   Ştefan ") == "Țăran Ștefan"
    assert clean_text(None) == ""


def test_a_quoted_line_break_keeps_the_row_numbers():
    data = 'CNP,Nume,Prenume,Clasa,Adresa\n1,A,B,a V-a A,"Str. X\nbloc 2"\n2,C,D,a V-a A,Y\n'.encode()
    table = read_student_file(data, "elevi.csv")
    assert [row.number for row in table.rows] == [2, 4]
    assert table.rows[0].text("address") == "Str. X bloc 2"
