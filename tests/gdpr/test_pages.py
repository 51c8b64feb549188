"""The GDPR pages: the secretariat's search and exports, a parent's own child only, rectification
requests filed and decided (both versioned), the restriction flag, and the parent's view of who
opened the child's record."""

from __future__ import annotations

import io
import zipfile

import pytest
import sqlalchemy as sa
from sqlalchemy_continuum import version_class

from schema import history
from schema.audit_log import PersonalDataAccess
from schema.models import RectificationRequest, Student, db
from tests.factories import make_student
from tests.gdpr.builders import make_parent


def _text(response) -> str:
    return response.get_data(as_text=True)


def _csrf(client, url: str) -> str:
    import re

    return re.search(r'name="csrf_token" value="([^"]+)"', _text(client.get(url))).group(1)


@pytest.fixture
def family(school):
    parent, guardian = make_parent(school, school.student, first_name="Mihaela", last_name="Ionescu",
                                   phone="0722111222", email="mihaela.ionescu@example.ro")
    other = make_student(school.school, last_name="Zamfirescu", first_name="Teodora")
    other_parent, other_guardian = make_parent(school, other, first_name="Valentina", last_name="Zamfirescu",
                                               phone="0733999888", email="valentina.zamfirescu@example.ro")
    return parent, guardian, other, other_guardian


# --- the secretariat ----------------------------------------------------------------------
@pytest.mark.parametrize("who", ["secretary", "administrator"])
def test_the_secretariat_finds_a_student_and_downloads_the_zip(app, school, client_for, family, who):
    client = client_for(getattr(school, who))
    page = _text(client.get("/date-personale/?q=ionescu"))
    assert f"/date-personale/elev/{school.student.id}/export.zip" in page
    assert "Zamfirescu Teodora" not in page
    response = client.get(f"/date-personale/elev/{school.student.id}/export.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert "date-personale.json" in names and "tabele/students.csv" in names
    logged = db.session.scalars(sa.select(PersonalDataAccess.what).where(
        PersonalDataAccess.student_id == school.student.id)).all()
    assert "export date personale (GDPR)" in logged
    guardian_zip = client.get(f"/date-personale/parinte/{family[1].id}/export.zip")
    assert guardian_zip.status_code == 200 and b"0722111222" in zipfile.ZipFile(io.BytesIO(guardian_zip.data)).read(
        "tabele/guardians.csv")


@pytest.mark.parametrize("who", ["teacher", "class_master", "director"])
def test_other_staff_are_refused(app, school, client_for, family, who):
    client = client_for(getattr(school, who))
    assert client.get("/date-personale/").status_code == 403
    assert client.get(f"/date-personale/elev/{school.student.id}/export.zip").status_code == 403
    assert client.get(f"/date-personale/parinte/{family[1].id}/export.zip").status_code == 403
    assert client.get("/date-personale/rectificari").status_code == 403


# --- a parent -----------------------------------------------------------------------------
def test_a_parent_exports_their_own_child_and_themself_only(app, school, client_for, family):
    parent, guardian, other, other_guardian = family
    client = client_for(parent)
    child_page = _text(client.get(f"/situatie/elev/{school.student.id}"))
    assert f"/date-personale/elev/{school.student.id}/export.zip" in child_page
    assert client.get(f"/date-personale/elev/{school.student.id}/export.zip").status_code == 200
    assert client.get(f"/date-personale/parinte/{guardian.id}/export.zip").status_code == 200
    foreign = client.get(f"/date-personale/elev/{other.id}/export.zip")
    missing = client.get("/date-personale/elev/987654/export.zip")
    assert foreign.status_code == missing.status_code == 404 and _text(foreign) == _text(missing)
    assert client.get(f"/date-personale/parinte/{other_guardian.id}/export.zip").status_code == 404
    assert client.get(f"/date-personale/elev/{other.id}").status_code == 404
    assert client.get(f"/date-personale/elev/{other.id}/accesari").status_code == 404
    assert client.get("/date-personale/").status_code == 403
    assert not db.session.scalar(sa.select(PersonalDataAccess).where(PersonalDataAccess.student_id == other.id))


def test_the_parent_reads_who_opened_the_childs_record(app, school, client_for, family):
    parent = family[0]
    client_for(school.secretary).get(f"/date-personale/elev/{school.student.id}/export.zip")
    response = client_for(parent).get(f"/date-personale/elev/{school.student.id}/accesari")
    assert response.status_code == 200
    page = _text(response)
    assert "Moldovan Irina" in page and "Secretar" in page and "export date personale (GDPR)" in page
    assert "127.0.0.1" not in page  # staff IP addresses are not shown to parents
    assert client_for(school.secretary).get(f"/date-personale/elev/{school.student.id}/accesari").status_code == 403


# --- rectification ------------------------------------------------------------------------
def test_a_rectification_request_is_filed_resolved_and_versioned(app, school, client_for, family):
    parent = family[0]
    parent_client = client_for(parent)
    url = f"/date-personale/elev/{school.student.id}"
    token = _csrf(parent_client, url)
    empty = parent_client.post(f"{url}/rectificare", data={"csrf_token": token, "camp": "Adresa", "descriere": " "})
    assert empty.status_code == 422 and "Scrieți ce este greșit" in _text(empty) and 'value="Adresa"' in _text(empty)
    assert db.session.scalar(sa.select(sa.func.count(RectificationRequest.id))) == 0
    filed = parent_client.post(f"{url}/rectificare", data={"csrf_token": token, "camp": "Adresa",
                                                           "descriere": "Str. Teiului 5, nu Str. Florilor 3"})
    assert filed.status_code == 302
    request = db.session.scalar(sa.select(RectificationRequest))
    assert (request.state, request.requested_by_id, request.student_id) == ("pending", parent.id, school.student.id)

    secretary = client_for(school.secretary)
    listing = _text(secretary.get("/date-personale/rectificari"))
    assert "Str. Teiului 5" in listing and "Ionescu Mihaela" in listing
    token = _csrf(secretary, "/date-personale/rectificari")
    decided = secretary.post(f"/date-personale/rectificari/{request.id}",
                             data={"csrf_token": token, "decizie": "solutionata", "nota": "Adresa corectată în fișă."})
    assert decided.status_code == 302
    again = secretary.post(f"/date-personale/rectificari/{request.id}",
                           data={"csrf_token": token, "decizie": "respinsa", "nota": "nu"})
    assert again.status_code == 302
    db.session.expire_all()
    request = db.session.get(RectificationRequest, request.id)
    assert (request.state, request.resolved_by_id, request.resolution_note) == (
        "resolved", school.secretary.id, "Adresa corectată în fișă.")
    # Both steps are versioned, each under its author, and the history browser shows them.
    version = version_class(RectificationRequest)
    versions = db.session.scalars(sa.select(version).where(version.id == request.id).order_by(version.transaction_id)).all()
    assert [(v.state, v.transaction.user_id) for v in versions] == [("pending", parent.id), ("resolved", school.secretary.id)]
    assert "rectification_requests" in history.browsable_tables()
    entries = history.row_history(school.school.id, "rectification_requests", (request.id,))
    assert len(entries) == 2
    # The parent sees the answer on the child's page.
    assert "Adresa corectată în fișă." in _text(parent_client.get(url))


def test_only_the_secretariat_resolves_and_only_family_files(app, school, family):
    from schema.errors import NotFound, PermissionDenied
    from schema.operations.gdpr import file_rectification_request, resolve_rectification_request

    parent, _guardian, other, _other_guardian = family
    with pytest.raises(NotFound):
        file_rectification_request(parent, other, field="Adresa", description="greșită")
    with pytest.raises(NotFound):
        file_rectification_request(school.secretary, school.student, field="Adresa", description="greșită")
    request = file_rectification_request(parent, school.student, field="Adresa", description="greșită")
    for who in (school.teacher, school.director, parent):
        with pytest.raises(PermissionDenied):
            resolve_rectification_request(who, request, accept=True, note="ok")


# --- restriction --------------------------------------------------------------------------
def test_a_restricted_record_is_read_only_until_the_restriction_is_lifted(app, school, client_for, family):
    from schema.errors import InvariantViolation, PermissionDenied
    from schema.models import StudentGuardian
    from schema.operations.gdpr import set_restriction
    from schema.operations.marks import record_mark

    secretary = client_for(school.secretary)
    url = f"/date-personale/elev/{school.student.id}"
    token = _csrf(secretary, url)
    assert secretary.post(f"{url}/restrictionare", data={"csrf_token": token, "restrictionat": "1", "motiv": ""}
                          ).status_code == 302
    assert not db.session.get(Student, school.student.id).is_restricted  # no reason, nothing changed
    secretary.post(f"{url}/restrictionare", data={"csrf_token": token, "restrictionat": "1", "motiv": "Cererea 15/2025"})
    db.session.expire_all()
    student = db.session.get(Student, school.student.id)
    assert student.is_restricted
    assert "restricționată" in _text(secretary.get(url))
    assert "prelucrare restricționată" in _text(secretary.get("/date-personale/?q=ionescu"))

    student.address = "Str. Nouă 1"
    with pytest.raises(InvariantViolation, match="restricted"):
        db.session.commit()
    db.session.rollback()
    db.session.add(StudentGuardian(school_id=school.school.id, student_id=student.id, guardian_id=family[3].id,
                                   kind="tutore"))
    with pytest.raises(InvariantViolation):
        db.session.commit()
    db.session.rollback()
    link = db.session.scalar(sa.select(StudentGuardian).where(StudentGuardian.student_id == student.id))
    db.session.delete(link)
    with pytest.raises(InvariantViolation):
        db.session.commit()
    db.session.rollback()
    # The catalog keeps being written: it is a legal duty of the school.
    from datetime import date

    record_mark(school.teacher, school.enrolment, school.maths, given_on=date(2025, 10, 7), value=9)
    # Only the secretariat restricts; lifting it (with a reason) makes the record editable again.
    with pytest.raises(PermissionDenied):
        set_restriction(school.teacher, student, restricted=False, reason="x")
    set_restriction(school.administrator, student, restricted=False, reason="Cererea 15/2025 soluționată")
    student.address = "Str. Nouă 1"
    db.session.commit()
    version = version_class(Student)
    reasons = [v.transaction.reason for v in db.session.scalars(
        sa.select(version).where(version.id == student.id).order_by(version.transaction_id))]
    assert "Restricționarea prelucrării datelor elevului: Cererea 15/2025" in reasons
    assert "Ridicarea restricționării datelor elevului: Cererea 15/2025 soluționată" in reasons


def test_a_restricted_student_is_left_out_of_the_admin_list_export(app, school, client_for, family):
    from schema.operations.gdpr import set_restriction

    other = family[2]
    set_restriction(school.secretary, db.session.get(Student, other.id), restricted=True, reason="Cererea 3")
    export = client_for(school.secretary).get("/admin/students/export/csv/")
    assert export.status_code == 200
    text = _text(export)
    assert "Ionescu" in text and "Zamfirescu" not in text


def test_the_welcome_page_links_the_secretariat_to_the_desk(app, school, client_for):
    assert "/date-personale/" in _text(client_for(school.secretary).get("/cont/"))
    assert "/date-personale/" not in _text(client_for(school.teacher).get("/cont/"))


def test_the_access_log_page_query_count_does_not_grow_with_rows(app, school, client_for, family):
    from security.auth import log_personal_data_access
    from tests.factories import make_user
    from tests.pages.conftest import counting_queries
    from security import policy

    client = client_for(family[0])
    url = f"/date-personale/elev/{school.student.id}/accesari"

    def count() -> int:
        client.get(url)
        with counting_queries() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    log_personal_data_access(school.secretary, school.student, "fișa elevului")
    few = count()
    for index in range(10):
        viewer = make_user(school.school, policy.TEACHER, first_name=f"Prof{index}", last_name="Test")
        log_personal_data_access(viewer, school.student, "note")
    assert count() == few and few <= 12
