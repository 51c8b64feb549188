"""The administration screens (Flask-Admin): structure, records, enrolments and transfers through
the operations, accounts and roles, settings; Romanian labels and messages; exports; phones."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
import sqlalchemy as sa

from schema.cnp import make_cnp
from schema.db import audit_context
from schema.errors import InvariantViolation
from schema.models import (
    CurriculumEntry,
    CurriculumThesis,
    Enrolment,
    GradeLevel,
    LearningPeriod,
    School,
    SchoolYear,
    Student,
    Subject,
    TeachingAssignment,
    User,
    db,
)
from security import policy
from tests.factories import _save, build_school, make_student, make_user
from tests.security.helpers import csrf_token
from views.admin import ADMIN_VIEWS, REQUIRED_MESSAGE

TODAY = date(2025, 11, 20)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("security.access.today", lambda: TODAY)


def _html(response) -> str:
    return response.get_data(as_text=True)


def _unescaped(response) -> str:
    import html

    return html.unescape(_html(response))


def post(client, url: str, data: dict, *, form_url: str | None = None, follow: bool = False):
    """GET the form for its CSRF token, then POST `data` with it."""
    page = client.get(form_url or url)
    assert page.status_code == 200, (page.status_code, _html(page)[-1500:])
    return client.post(url, data={**data, "csrf_token": csrf_token(_html(page))}, follow_redirects=follow)


def fresh(model, ident):
    db.session.expire_all()
    return db.session.get(model, ident)


def count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _admin_view(app, endpoint: str):
    return next(view for view in app.extensions["admin"][0]._views if getattr(view, "endpoint", None) == endpoint)


def _filter_arg(view, label: str) -> str:
    """The URL argument of the view's "equals" filter on the column labelled `label`."""
    from flask_admin.contrib.sqla.filters import FilterEqual

    for key, (_index, flt) in view._filter_args.items():
        if str(flt.name) == label and isinstance(flt, FilterEqual):
            return f"flt0_{key}"
    raise AssertionError(f"no equals filter {label!r} in {view.endpoint}")


def _options(page: str, select_name: str) -> set[str]:
    """The option values of the form's select named `select_name` (empty choice left out)."""
    match = re.search(rf'<select[^>]*name="{select_name}"[^>]*>(.*?)</select>', page, re.S)
    assert match, f"no select {select_name!r}"
    return set(re.findall(r'<option[^>]*value="([^"]+)"', match.group(1))) - {"", "__None"}


# --- labels, search and filters on every view ---------------------------------------------------
@pytest.mark.parametrize("view_class, endpoint", [(c, mdl.__tablename__) for c, mdl, _n, _c in ADMIN_VIEWS],
                         ids=[mdl.__tablename__ for _c, mdl, _n, _cat in ADMIN_VIEWS])
def test_every_view_has_search_filters_and_romanian_labels(app, view_class, endpoint):
    view = _admin_view(app, endpoint)
    assert view.column_searchable_list, f"{endpoint}: no search"
    assert view.column_filters, f"{endpoint}: no filters"
    labels = view.column_labels
    for column in [*view.column_list, *view.column_filters]:
        assert column in labels, f"{endpoint}: column {column!r} has no Romanian label"
    for column in view.column_searchable_list:
        assert column in labels, f"{endpoint}: searchable {column!r} has no Romanian label"
    for flt in view._filters:
        assert str(flt.name) in labels.values(), f"{endpoint}: filter {flt.name!r} is not one of our labels"
    for label in labels.values():
        assert not re.search(r"\b(Name|Date|Year|Class|Student|Teacher|Status)\b", label), (endpoint, label)


def test_search_and_filter_narrow_the_lists(app, school, client_for):
    make_student(school.school, last_name="Pușcaș", first_name="Țara")
    client = client_for(school.secretary)
    page = _unescaped(client.get("/admin/students/?search=Pușcaș"))
    assert "Pușcaș" in page and "Ionescu" not in page
    enrolments = _admin_view(app, "enrolments")
    page = _unescaped(client.get(f"/admin/enrolments/?{_filter_arg(enrolments, 'Clasa')}=a V-a B"))
    assert "Ionescu" not in page
    page = _unescaped(client.get(f"/admin/enrolments/?{_filter_arg(enrolments, 'Clasa')}=a V-a A"))
    assert "Ionescu" in page and "activă" in page


def test_catalog_rows_are_found_by_the_students_name(app, school, client_for):
    from schema.operations.marks import record_mark

    record_mark(school.teacher, school.enrolment, school.maths, given_on=date(2025, 10, 6), value=9)
    client = client_for(make_user(school.school, policy.AUDITOR))
    assert "Ionescu" in _unescaped(client.get("/admin/marks/?search=Ionescu"))
    assert "Ionescu" not in _unescaped(client.get("/admin/marks/?search=Pușcaș"))


# --- exports with diacritics ----------------------------------------------------------------------
def test_csv_and_xlsx_exports_keep_the_diacritics(app, school, client_for):
    import openpyxl

    make_student(school.school, last_name="Pușcaș", first_name="Țara")
    client = client_for(school.secretary)
    response = client.get("/admin/students/export/csv/")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.get_data().startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    text = response.get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Nume", "Inițiala tatălui", "Prenume"]
    assert "ș" in text and ["Pușcaș", "", "Țara"] == rows[[r[0] for r in rows].index("Pușcaș")][:3]

    response = client.get("/admin/students/export/xlsx/")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Nume" and any(row[0] == "Pușcaș" and row[2] == "Țara" for row in values[1:])
    birth_dates = {row[4] for row in values[1:]}
    assert "15.03.2014" in birth_dates  # dates as the school writes them


def test_account_exports_and_details_never_show_secrets(app, school, client_for):
    from flask_security import hash_password

    school.teacher.password = hash_password("Parola-Secreta-123")
    with audit_context(reason="test"):
        db.session.commit()
    client = client_for(school.administrator)
    uniquifier = school.teacher.fs_uniquifier
    for url in ("/admin/users/export/csv/", f"/admin/users/details/?id={school.teacher.id}", "/admin/users/"):
        page = _html(client.get(url))
        assert uniquifier not in page and "$argon2" not in page and "Parola-Secreta" not in page, url
    details = _unescaped(client.get(f"/admin/users/details/?id={school.teacher.id}"))
    assert "Vasilescu" in details and "Roluri" in details


# --- past school years are read-only --------------------------------------------------------------
def _past_year(school) -> tuple[SchoolYear, LearningPeriod]:
    year = _save(SchoolYear(school_id=school.id, name="2024-2025", starts_on=date(2024, 9, 1),
                            ends_on=date(2025, 8, 31), period_kind="semester", ruleset="rofuip2016"))
    period = _save(LearningPeriod(school_id=school.id, year_id=year.id, ordinal=1, name="Semestrul I",
                                  starts_on=date(2024, 9, 9), ends_on=date(2025, 1, 31), teaching_weeks=18))
    return year, period


def _year_form(year: SchoolYear, **changes) -> dict:
    data = {"name": year.name, "starts_on": year.starts_on.isoformat(), "ends_on": year.ends_on.isoformat(),
            "period_kind": year.period_kind, "ruleset": year.ruleset}
    if year.is_closed:
        data["is_closed"] = "y"
    return {**data, **changes}


def test_a_past_year_and_its_periods_cannot_be_edited_or_deleted(app, school, client_for):
    year, period = _past_year(school.school)
    client = client_for(school.administrator)

    listing = _html(client.get("/admin/school_years/"))
    assert f"/admin/school_years/edit/?id={school.year.id}" in listing.replace("&amp;", "&")
    assert f"/admin/school_years/edit/?id={year.id}" not in listing.replace("&amp;", "&")

    opened = client.get(f"/admin/school_years/edit/?id={year.id}", follow_redirects=True)
    assert "s-a încheiat: structura anilor trecuți nu mai poate fi modificată" in _unescaped(opened)
    assert 'name="ruleset"' not in _html(opened)  # no form: the details page

    token = csrf_token(_html(client.get(f"/admin/school_years/edit/?id={school.year.id}")))
    client.post(f"/admin/school_years/edit/?id={year.id}", data={**_year_form(year, ruleset="rofuip2022"),
                                                                  "csrf_token": token})
    assert fresh(SchoolYear, year.id).ruleset == "rofuip2016"
    refused = client.post("/admin/school_years/delete/", data={"id": year.id, "csrf_token": token},
                          follow_redirects=True)
    assert "structura anilor trecuți" in _unescaped(refused)
    assert fresh(SchoolYear, year.id) is not None

    opened = client.get(f"/admin/learning_periods/edit/?id={period.id}", follow_redirects=True)
    assert "structura anilor trecuți" in _unescaped(opened)
    client.post("/admin/learning_periods/delete/", data={"id": period.id, "csrf_token": token})
    assert fresh(LearningPeriod, period.id) is not None


def test_a_current_year_can_be_edited_and_a_period_cannot_be_added_to_a_past_one(app, school, client_for):
    year, _period = _past_year(school.school)
    client = client_for(school.administrator)
    response = post(client, f"/admin/school_years/edit/?id={school.year.id}",
                    _year_form(school.year, ruleset="rofuip2022"))
    assert response.status_code == 302
    assert fresh(SchoolYear, school.year.id).ruleset == "rofuip2022"

    form = _html(client.get("/admin/learning_periods/new/"))
    assert f'value="{school.year.id}"' in form and f'value="{year.id}"' not in form
    response = post(client, "/admin/learning_periods/new/", {
        "year": year.id, "ordinal": 2, "name": "Semestrul al II-lea", "starts_on": "2025-02-10",
        "ends_on": "2025-06-20", "teaching_weeks": 16})
    assert response.status_code == 200
    assert count(LearningPeriod, LearningPeriod.year_id == year.id) == 1


def test_a_closed_year_is_refused_at_flush_whoever_writes(app, school):
    school.year.is_closed = True  # closing itself is allowed
    with audit_context(reason="test"):
        db.session.commit()
    school.year.ruleset = "rofuip2022"
    with pytest.raises(InvariantViolation) as refused, audit_context(reason="test"):
        db.session.commit()
    assert refused.value.code == "year_closed" and "este închis" in refused.value.message_ro
    db.session.rollback()
    school.semester2.teaching_weeks = 10
    with pytest.raises(InvariantViolation), audit_context(reason="test"):
        db.session.commit()
    db.session.rollback()
    db.session.delete(school.semester2)
    with pytest.raises(InvariantViolation), audit_context(reason="test"):
        db.session.commit()
    db.session.rollback()


def test_a_closed_current_year_shows_as_read_only(app, school, client_for):
    client = client_for(school.administrator)
    response = post(client, f"/admin/school_years/edit/?id={school.year.id}", _year_form(school.year, is_closed="y"))
    assert response.status_code == 302 and fresh(SchoolYear, school.year.id).is_closed
    opened = client.get(f"/admin/learning_periods/edit/?id={school.semester1.id}", follow_redirects=True)
    assert "Anul școlar 2025-2026 este închis" in _unescaped(opened)
    opened = client.get(f"/admin/classes/edit/?id={school.school_class.id}", follow_redirects=True)
    assert "este închis" in _unescaped(opened)


# --- Romanian messages: database constraints, CNP, required fields --------------------------------
def test_a_database_refusal_shows_its_romanian_message_and_keeps_the_input(app, school, client_for):
    client = client_for(school.administrator)
    response = post(client, "/admin/school_years/new/", {
        "name": "2026-2027", "starts_on": "2026-09-10", "ends_on": "2026-09-01", "period_kind": "semester",
        "ruleset": "rofuip2022"})
    page = _unescaped(response)
    assert response.status_code == 200
    assert "Data de început trebuie să fie înaintea datei de sfârșit." in page
    assert "Integrity" not in page and "IntegrityError" not in page and "CHECK constraint" not in page
    assert 'value="2026-2027"' in page  # the user's input is kept
    assert count(SchoolYear, SchoolYear.name == "2026-2027") == 0


def test_deleting_a_row_still_in_use_is_explained(app, school, client_for):
    client = client_for(school.administrator)
    subject = db.session.scalar(sa.select(Subject).where(Subject.name == "Matematică"))
    response = post(client, "/admin/subjects/delete/", {"id": subject.id}, form_url="/admin/subjects/", follow=True)
    page = _unescaped(response)
    assert "nu poate fi ștearsă: alte date ale catalogului" in page and "Integrity" not in page
    assert fresh(Subject, subject.id) is not None


def _student_form(**changes) -> dict:
    cnp = make_cnp(date(2014, 5, 2), "M", "22", 321)
    return {"cnp": cnp, "last_name": "Stoica", "first_name": "Mihai", "sex": "M", "birth_date": "2014-05-02",
            "citizenship": "română", **changes}


def test_student_cnp_errors_are_romanian_and_nothing_is_saved(app, school, client_for):
    client = client_for(school.secretary)
    good = _student_form()["cnp"]
    bad_control = good[:12] + str((int(good[12]) + 1) % 10)
    page = _unescaped(post(client, "/admin/students/new/", _student_form(cnp=bad_control)))
    assert "Cifra de control a CNP-ului nu este corectă." in page and 'value="Stoica"' in page
    page = _unescaped(post(client, "/admin/students/new/", _student_form(cnp="12345")))
    assert "CNP-ul trebuie să aibă exact 13 cifre." in page
    page = _unescaped(post(client, "/admin/students/new/", _student_form(birth_date="2014-05-03")))
    assert "Data nașterii nu corespunde CNP-ului (care indică 02.05.2014)." in page
    page = _unescaped(post(client, "/admin/students/new/", _student_form(sex="F")))
    assert "Sexul nu corespunde primei cifre a CNP-ului." in page
    assert count(Student, Student.last_name == "Stoica") == 0

    response = post(client, "/admin/students/new/", _student_form())
    assert response.status_code == 302
    assert count(Student, Student.last_name == "Stoica", Student.school_id == school.school.id) == 1


def test_required_fields_say_so_in_romanian(app, school, client_for):
    client = client_for(school.secretary)
    page = _unescaped(post(client, "/admin/students/new/", _student_form(last_name="", first_name="")))
    assert page.count(REQUIRED_MESSAGE) >= 2
    assert "This field is required" not in page
    client = client_for(school.administrator)
    page = _unescaped(post(client, "/admin/subjects/new/", {"name": "", "short_name": ""}))
    assert REQUIRED_MESSAGE in page and "This field is required" not in page


def test_duplicate_cnp_is_refused_in_romanian(app, school, client_for):
    client = client_for(school.secretary)
    page = _unescaped(post(client, "/admin/students/new/", _student_form(
        cnp=school.student.cnp, birth_date=school.student.birth_date.isoformat(), sex=school.student.sex)))
    assert "Există deja un elev cu acest CNP." in page


# --- enrolments and transfers go through the operations ------------------------------------------
def test_enrolment_is_created_by_the_operation(app, school, client_for):
    newcomer = make_student(school.school, last_name="Pușcaș", first_name="Andrei", sex="M")
    client = client_for(school.secretary)
    response = post(client, "/admin/enrolments/new/", {
        "student": newcomer.id, "school_class": school.other_class.id, "starts_on": "2025-11-20"})
    assert response.status_code == 302
    enrolment = db.session.scalar(sa.select(Enrolment).where(Enrolment.student_id == newcomer.id))
    assert (enrolment.class_id, enrolment.year_id, enrolment.status) == (
        school.other_class.id, school.year.id, "active")

    # The operation's own refusals (not the database's): already enrolled, date outside the year.
    page = _unescaped(post(client, "/admin/enrolments/new/", {
        "student": newcomer.id, "school_class": school.school_class.id, "starts_on": "2025-11-21"}))
    assert "este deja înscris(ă) într-o clasă în anul școlar 2025-2026; folosiți transferul" in page
    other = make_student(school.school, last_name="Dinu", first_name="Ilinca")
    page = _unescaped(post(client, "/admin/enrolments/new/", {
        "student": other.id, "school_class": school.school_class.id, "starts_on": "2026-09-15"}))
    assert "Data înscrierii nu se află în anul școlar 2025-2026." in page
    assert count(Enrolment, Enrolment.student_id == other.id) == 0


def test_enrolments_are_never_edited_or_deleted_as_plain_rows(app, school, client_for):
    client = client_for(school.administrator)
    assert client.get(f"/admin/enrolments/edit/?id={school.enrolment.id}").status_code == 403
    assert client.post("/admin/enrolments/delete/", data={"id": school.enrolment.id}).status_code == 403
    listing = _html(client.get("/admin/enrolments/")).replace("&amp;", "&")
    assert f"/admin/enrolments/transfer/?id={school.enrolment.id}" in listing


def test_transfer_needs_a_reason_and_goes_through_the_operation(app, school, client_for):
    from sqlalchemy_continuum import versioning_manager

    client = client_for(school.secretary)
    url = f"/admin/enrolments/transfer/?id={school.enrolment.id}"
    form = _unescaped(client.get(url))
    assert "a V-a B" in form and "Motivul transferului" in form
    page = _unescaped(post(client, url, {"new_class": school.other_class.id, "on": "2025-11-24", "reason": ""}))
    assert REQUIRED_MESSAGE in page
    assert fresh(Enrolment, school.enrolment.id).status == "active"

    response = post(client, url, {"new_class": school.other_class.id, "on": "2025-11-24",
                                  "reason": "Cererea părintelui nr. 123/2025"})
    assert response.status_code == 302
    old = fresh(Enrolment, school.enrolment.id)
    assert (old.status, old.ends_on, old.end_reason) == (
        "transferred", date(2025, 11, 23), "Cererea părintelui nr. 123/2025")
    new = db.session.scalar(sa.select(Enrolment).where(Enrolment.student_id == school.student.id,
                                                       Enrolment.status == "active"))
    assert (new.class_id, new.starts_on) == (school.other_class.id, date(2025, 11, 24))
    transaction = db.session.scalar(sa.select(versioning_manager.transaction_cls)
                                    .order_by(versioning_manager.transaction_cls.id.desc()).limit(1))
    assert (transaction.user_id, transaction.reason) == (school.secretary.id, "Cererea părintelui nr. 123/2025")

    again = client.get(url, follow_redirects=True)
    assert "Doar o înscriere activă se poate transfera." in _unescaped(again)
    page = _html(client.get("/admin/enrolments/")).replace("&amp;", "&")
    assert f"transfer/?id={old.id}" not in page and f"transfer/?id={new.id}" in page


def test_transfer_refusals_of_the_operation_are_shown(app, school, client_for):
    client = client_for(school.administrator)
    url = f"/admin/enrolments/transfer/?id={school.enrolment.id}"
    page = _unescaped(post(client, url, {"new_class": school.other_class.id, "on": "2025-09-01", "reason": "Mutare"}))
    assert "Data transferului trebuie să fie după data înscrierii." in page
    assert fresh(Enrolment, school.enrolment.id).status == "active"


def test_readers_cannot_transfer(app, school, client_for):
    for user in (school.director, make_user(school.school, policy.AUDITOR)):
        client = client_for(user)
        assert client.get(f"/admin/enrolments/transfer/?id={school.enrolment.id}").status_code == 403
        assert "transfer/?id=" not in _html(client.get("/admin/enrolments/"))
    assert client_for(school.teacher).get(f"/admin/enrolments/transfer/?id={school.enrolment.id}").status_code == 403


# --- tenancy: another school's rows and choices ---------------------------------------------------
def test_another_schools_rows_never_appear_in_lists_choices_or_posts(app, school, client_for):
    other = build_school()
    client = client_for(school.secretary)
    form = _html(client.get("/admin/enrolments/new/"))
    assert _options(form, "school_class") == {str(school.school_class.id), str(school.other_class.id)}
    assert _options(form, "student") == {str(school.student.id)}
    newcomer = make_student(school.school, last_name="Pușcaș", first_name="Andrei", sex="M")
    response = post(client, "/admin/enrolments/new/", {
        "student": newcomer.id, "school_class": other.other_class.id, "starts_on": "2025-11-20"})
    assert response.status_code == 200 and count(Enrolment, Enrolment.student_id == newcomer.id) == 0
    assert client.get(f"/admin/students/details/?id={other.student.id}").status_code == 404
    assert client.get(f"/admin/enrolments/transfer/?id={other.enrolment.id}").status_code == 404
    admin = client_for(school.administrator)
    assert admin.get(f"/admin/schools/edit/?id={other.school.id}").status_code == 404
    assert str(other.administrator.id) not in re.findall(r"/admin/users/details/\?id=(\d+)",
                                                         _html(admin.get("/admin/users/")).replace("&amp;", "&"))


# --- structure: classes, curriculum, theses, assignments ------------------------------------------
def test_class_master_and_teacher_choices_are_teachers_of_the_school(app, school, client_for):
    client = client_for(school.administrator)
    for url in ("/admin/classes/new/", "/admin/teaching_assignments/new/"):
        form = _html(client.get(url))
        assert f'value="{school.teacher.id}"' in form
        assert f'value="{school.director.id}"' not in form and f'value="{school.administrator.id}"' not in form


def test_curriculum_thesis_and_assignment_are_created(app, school, client_for):
    client = client_for(school.administrator)
    physics = school.physics
    response = post(client, "/admin/curriculum_entries/new/", {
        "school_class": school.school_class.id, "subject": physics.id, "weekly_hours": 1})
    assert response.status_code == 302
    entry = db.session.scalar(sa.select(CurriculumEntry).where(CurriculumEntry.class_id == school.school_class.id,
                                                               CurriculumEntry.subject_id == physics.id))
    assert entry.school_id == school.school.id

    response = post(client, "/admin/curriculum_theses/new/", {"curriculum_entry": entry.id,
                                                              "period": school.semester2.id})
    assert response.status_code == 302
    assert count(CurriculumThesis, CurriculumThesis.curriculum_entry_id == entry.id) == 1
    listing = _unescaped(client.get("/admin/curriculum_entries/?search=Fizică"))
    assert "Semestrul al II-lea" in listing

    past_year, past_period = _past_year(school.school)
    page = _unescaped(post(client, "/admin/curriculum_theses/new/", {"curriculum_entry": entry.id,
                                                                     "period": past_period.id}))
    assert count(CurriculumThesis, CurriculumThesis.period_id == past_period.id) == 0 and "Teze" in page

    response = post(client, "/admin/teaching_assignments/new/", {"teacher": school.other_teacher.id,
                                                                 "curriculum_entry": entry.id})
    assert response.status_code == 302
    assert count(TeachingAssignment, TeachingAssignment.curriculum_entry_id == entry.id) == 1
    duplicate = _unescaped(post(client, "/admin/curriculum_entries/new/", {
        "school_class": school.school_class.id, "subject": physics.id, "weekly_hours": 2}))
    assert "nu au fost salvate" in duplicate and "Integrity" not in duplicate


# --- accounts and roles ---------------------------------------------------------------------------
def _user_form(**changes) -> dict:
    return {"last_name": "Marinescu", "first_name": "Oana", "email": "Oana.Marinescu@scoala-exemplu.ro",
            "active": "y", **changes}


def _role_id(name: str) -> int:
    from schema.models import Role

    return db.session.scalar(sa.select(Role.id).where(Role.name == name))


def test_a_new_account_gets_a_one_time_password_shown_once(app, school, client_for):
    from flask_security import verify_password

    client = client_for(school.administrator)
    response = post(client, "/admin/users/new/", {**_user_form(), "roles": [str(_role_id(policy.TEACHER))]})
    page = _unescaped(response)
    assert response.status_code == 200 and "Parola de unică folosință" in page
    password = re.search(r'<code class="one-time-password">([^<]+)</code>', page).group(1)
    db.session.expire_all()
    user = db.session.scalar(sa.select(User).where(User.email == "oana.marinescu@scoala-exemplu.ro"))
    assert user.school_id == school.school.id and user.must_change_password and user.active
    assert {role.name for role in user.roles} == {policy.TEACHER}
    assert verify_password(password, user.password)
    assert password not in _html(client.get(f"/admin/users/details/?id={user.id}"))


def test_an_administrator_cannot_also_hold_a_catalog_writing_role(app, school, client_for):
    client = client_for(school.administrator)
    for role in (policy.TEACHER, policy.SECRETARY, policy.DIRECTOR):
        page = _unescaped(post(client, "/admin/users/new/", {
            **_user_form(), "roles": [str(_role_id(policy.ADMINISTRATOR)), str(_role_id(role))]}))
        assert "Un cont de administrator nu poate avea și rolul" in page and "¶26" in page, role
    assert count(User, User.email == "oana.marinescu@scoala-exemplu.ro") == 0
    response = post(client, "/admin/users/new/", {**_user_form(), "roles": [str(_role_id(policy.ADMINISTRATOR)),
                                                                           str(_role_id(policy.AUDITOR))]})
    assert response.status_code == 200 and count(User, User.email == "oana.marinescu@scoala-exemplu.ro") == 1


def test_nobody_changes_their_own_roles_or_deactivates_themselves(app, school, client_for):
    admin = school.administrator
    admin.email = "radu.georgescu@scoala-exemplu.ro"
    with audit_context(reason="test"):
        db.session.commit()
    client = client_for(admin)
    url = f"/admin/users/edit/?id={admin.id}"
    base = {"last_name": admin.last_name, "first_name": admin.first_name, "email": admin.email, "active": "y"}
    page = _unescaped(post(client, url, {**base, "roles": [str(_role_id(policy.ADMINISTRATOR)),
                                                           str(_role_id(policy.AUDITOR))]}))
    assert "Nu vă puteți modifica propriile roluri" in page
    page = _unescaped(post(client, url, {k: v for k, v in base.items() if k != "active"}
                           | {"roles": [str(_role_id(policy.ADMINISTRATOR))]}))
    assert "Nu vă puteți dezactiva propriul cont." in page
    assert {role.name for role in fresh(User, admin.id).roles} == {policy.ADMINISTRATOR}
    assert fresh(User, admin.id).active
    # Editing one's own name is fine.
    response = post(client, url, {**base, "first_name": "Radu-Ion", "roles": [str(_role_id(policy.ADMINISTRATOR))]})
    assert response.status_code == 302 and fresh(User, admin.id).first_name == "Radu-Ion"


def test_accounts_are_deactivated_not_deleted_and_only_by_administrators(app, school, client_for):
    client = client_for(school.administrator)
    assert client.post("/admin/users/delete/", data={"id": school.teacher.id}).status_code == 403
    for user in (school.secretary, school.director):
        assert client_for(user).get("/admin/users/").status_code == 403


# --- settings: the school and its grade levels ----------------------------------------------------
def _school_form(school: School, **changes) -> dict:
    return {"name": school.name, "siiir_code": "2261100447", "county": school.county, "locality": school.locality,
            "address": "Str. Școlii nr. 1", "phone": "0232 123 456", "email": "secretariat@scoala-exemplu.ro",
            **changes}


def test_the_administrator_edits_only_the_own_school(app, school, client_for):
    client = client_for(school.administrator)
    listing = _unescaped(client.get("/admin/schools/"))
    assert school.school.name in listing
    page = _unescaped(post(client, f"/admin/schools/edit/?id={school.school.id}", _school_form(school.school,
                                                                                               siiir_code="12AB")))
    assert "Codul SIIIR al unității are 10 cifre." in page
    response = post(client, f"/admin/schools/edit/?id={school.school.id}",
                    _school_form(school.school, name="Școala Gimnazială nr. 5 Iași"))
    assert response.status_code == 302
    assert fresh(School, school.school.id).name == "Școala Gimnazială nr. 5 Iași"
    assert client.get("/admin/schools/new/").status_code == 403
    director = client_for(school.director)
    assert director.get("/admin/schools/").status_code == 200
    assert director.get(f"/admin/schools/edit/?id={school.school.id}").status_code == 403


def test_grade_levels_carry_their_rule_set(app, school, client_for):
    client = client_for(school.administrator)
    form = _unescaped(client.get("/admin/grade_levels/new/"))
    assert "ROFUIP 2024 (provizoriu)" in form and "calificative" in form
    response = post(client, "/admin/grade_levels/new/", {
        "code": 2, "name": "a II-a", "education_level": "primar", "evaluation_scale": "calificative",
        "ruleset": "rofuip2022", "is_compulsory": "y"})
    assert response.status_code == 302
    level = db.session.scalar(sa.select(GradeLevel).where(GradeLevel.code == 2))
    assert (level.ruleset, level.school_id) == ("rofuip2022", school.school.id)
    response = post(client, f"/admin/grade_levels/edit/?id={level.id}", {
        "code": 2, "name": "a II-a", "education_level": "primar", "evaluation_scale": "calificative",
        "ruleset": "", "is_compulsory": "y"})
    assert response.status_code == 302 and fresh(GradeLevel, level.id).ruleset is None


# --- phones ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("endpoint", [mdl.__tablename__ for _c, mdl, _n, _cat in ADMIN_VIEWS])
def test_every_list_scrolls_inside_its_box_on_a_phone(app, school, client_for, endpoint):
    page = _html(client_for(school.administrator).get(f"/admin/{endpoint}/"))
    assert re.search(r'<div class="table-responsive">\s*<table class="table[^"]*model-list', page), endpoint
    assert 'name="viewport" content="width=device-width' in page
    assert "/static/portal/admin.css" in page


def test_the_admin_stylesheet_fits_lists_to_a_phone(app):
    response = app.test_client().get("/static/portal/admin.css", base_url="https://localhost")
    css = response.get_data(as_text=True)
    response.close()
    assert "@media (max-width: 576px)" in css and "table.filters" in css
