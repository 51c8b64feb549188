"""Online excuse requests: the parent-request limits at each step (20 h per semester under
rofuip2016; 40 h per year and 20 % per subject from rofuip2022), and who may see and file them."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from schema.errors import InvariantViolation
from schema.models import (
    Absence,
    CurriculumEntry,
    GradeLevel,
    Motivation,
    MotivationRequest,
    Notification,
    TeachingAssignment,
    db,
)
from schema.operations.absences import excuse_absences
from schema.operations.excuse_requests import accept_excuse_request, submit_excuse_request
from schema.operations.motivation_requests import decide_motivation_request, request_motivation_approval
from security import policy
from tests.excuse_requests.conftest import YESTERDAY, absent, add_parent, csrf, text
from tests.factories import _save, make_student, make_user
from schema.models import Enrolment


def _used_by_parent_requests(school, days: list[date], per_day: int, entry=None) -> None:
    """`per_day` hours on each day, excused by the class master on approved parent requests."""
    for day in days:
        absent(school, day, per_day, entry=entry)
    approval = request_motivation_approval(
        school.class_master,
        school.enrolment,
        kind="parent_request",
        covers_from=days[0],
        covers_to=days[-1],
        hours=per_day * len(days),
        document_number="7",
        document_date=days[-1],
    )
    decide_motivation_request(school.director, approval, approve=True)
    excuse_absences(
        school.class_master,
        school.enrolment,
        kind="parent_request",
        document_number="7",
        document_date=days[-1],
        covers_from=days[0],
        covers_to=days[-1],
        returned_on=days[-1],
        presented_on=days[-1],
        approval=approval,
    )


def _post(client, school, covers_from=YESTERDAY, covers_to=YESTERDAY):
    url = f"/cereri-motivare/elev/{school.student.id}"
    return client.post(
        url,
        data={
            "csrf_token": csrf(client, url),
            "covers_from": covers_from.isoformat(),
            "covers_to": covers_to.isoformat(),
            "reason": "Probleme de familie.",
        },
    )


def _weekdays(start: date, count: int) -> list[date]:
    days, day = [], start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def test_twenty_hours_per_semester_under_rofuip2016(app, school, parent, client_for):
    _used_by_parent_requests(school, _weekdays(date(2025, 10, 6), 3), 6)  # 18 hours used
    absent(school, date(2025, 11, 18), 1)
    absent(school, YESTERDAY, 2)
    response = _post(client_for(parent), school, covers_from=date(2025, 11, 18))
    assert response.status_code == 422
    assert "cel mult 20 de ore pe semestru" in text(response) and "mai rămân 2" in text(response)
    assert (
        db.session.scalar(
            sa.select(sa.func.count(MotivationRequest.id)).where(MotivationRequest.filed_by_family.is_(True))
        )
        == 0
    )
    # Two hours still fit.
    assert _post(client_for(parent), school).status_code == 302


def _rofuip2022(school) -> None:
    grade = db.session.get(GradeLevel, school.grade.id)
    grade.ruleset = "rofuip2022"
    _save(grade)


def test_forty_hours_a_year_under_rofuip2022(app, school, parent, client_for):
    _rofuip2022(school)
    # 36 hours used, spread so that no subject passes its 20 % (maths 27, Romanian 34 hours a year).
    days = _weekdays(date(2025, 10, 6), 6)
    for day in days:
        absent(school, day, 3)
        absent(school, day, 3, entry=school.romanian, first_hour=4)
    approval = request_motivation_approval(
        school.class_master,
        school.enrolment,
        kind="parent_request",
        covers_from=days[0],
        covers_to=days[-1],
        hours=36,
        document_number="8",
        document_date=days[-1],
    )
    decide_motivation_request(school.director, approval, approve=True)
    excuse_absences(
        school.class_master,
        school.enrolment,
        kind="parent_request",
        document_number="8",
        document_date=days[-1],
        covers_from=days[0],
        covers_to=days[-1],
        returned_on=days[-1],
        presented_on=days[-1],
        approval=approval,
    )
    absent(school, YESTERDAY, 5, entry=school.romanian)
    response = _post(client_for(parent), school)
    assert response.status_code == 422
    assert "cel mult 40 de ore pe an școlar" in text(response) and "mai rămân 4" in text(response)


def test_the_class_master_accept_over_a_subject_share_fails_cleanly(app, school, parent, client_for):
    _rofuip2022(school)
    physics = _save(
        CurriculumEntry(
            school_id=school.school.id, class_id=school.school_class.id, subject_id=school.physics.id, weekly_hours=1
        )
    )
    _save(TeachingAssignment(school_id=school.school.id, curriculum_entry_id=physics.id, teacher_id=school.teacher.id))
    # Physics, 1 h/week: at most 6 hours a year on parent requests; the request asks for 7.
    absent(school, YESTERDAY, 7, entry=physics)
    request = submit_excuse_request(
        parent, school.student, covers_from=YESTERDAY, covers_to=YESTERDAY, reason="Spitalizare."
    )
    decide_motivation_request(school.director, request, approve=True)
    queued = db.session.scalar(sa.select(sa.func.count(Notification.id)))
    master = client_for(school.class_master)
    desk_url = f"/diriginte/clasa/{school.school_class.id}/motivari"
    response = master.post(
        f"/cereri-motivare/{request.id}/accepta", data={"csrf_token": csrf(master, desk_url)}, follow_redirects=True
    )
    assert "La Fizică, cererile părinților pot motiva cel mult 6 ore pe an" in text(response)
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Motivation.id))) == 0
    assert {a.state for a in db.session.scalars(sa.select(Absence))} == {"unexcused"}
    assert db.session.get(MotivationRequest, request.id).family_state == "approved"
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == queued  # no notice of a failed accept


def test_another_parent_cannot_see_or_file_for_a_child_not_theirs(app, school, parent, client_for):
    absent(school, YESTERDAY, 1)
    other_child = make_student(school.school, last_name="Vecin")
    stranger = add_parent(school, other_child)
    client = client_for(stranger)
    url = f"/cereri-motivare/elev/{school.student.id}"
    assert client.get(url).status_code == 404
    token = csrf(client, f"/cereri-motivare/elev/{other_child.id}")
    response = client.post(
        url,
        data={
            "csrf_token": token,
            "covers_from": YESTERDAY.isoformat(),
            "covers_to": YESTERDAY.isoformat(),
            "reason": "x",
        },
    )
    assert response.status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(MotivationRequest.id))) == 0
    # Nor download the family's attachment, nor accept as a class master of another class.
    request = submit_excuse_request(
        parent,
        school.student,
        covers_from=YESTERDAY,
        covers_to=YESTERDAY,
        reason="Răceală.",
        attachment=("nota.txt", b"nota"),
    )
    assert client.get(f"/cereri-motivare/{request.id}/atasament").status_code == 404
    assert client_for(school.teacher).get(f"/cereri-motivare/{request.id}/atasament").status_code == 404
    assert client_for(school.director).get(f"/cereri-motivare/{request.id}/atasament").status_code == 200
    # Staff do not use the family pages.
    assert client_for(school.class_master).get(url).status_code == 403
    with pytest.raises(Exception) as refused:
        accept_excuse_request(school.teacher, request)
    assert getattr(refused.value, "code", None) in {"not_class_master", "request_not_approved"}


def test_a_minor_student_cannot_file_an_adult_student_can(app, school, client_for):
    absent(school, YESTERDAY, 1)
    own = make_user(school.school, policy.STUDENT)
    school.student.user_id = own.id
    _save(school.student)
    client = client_for(own)
    url = f"/cereri-motivare/elev/{school.student.id}"
    page = client.get(url)
    assert page.status_code == 200 and "Trimite cererea" not in text(page)
    assert "Cererea de motivare se depune de părinte (sau de elevul major)" in text(page)
    response = client.post(
        url,
        data={
            "csrf_token": csrf(client, url),
            "covers_from": YESTERDAY.isoformat(),
            "covers_to": YESTERDAY.isoformat(),
            "reason": "Am fost bolnav.",
        },
    )
    assert response.status_code == 403 and "Elevii minori nu pot depune" in text(response)

    adult = make_student(school.school, last_name="Major", birth_date=date(2007, 3, 1))
    adult_account = make_user(school.school, policy.STUDENT)
    adult.user_id = adult_account.id
    _save(adult)
    enrolment = _save(
        Enrolment(
            school_id=school.school.id,
            student_id=adult.id,
            year_id=school.year.id,
            class_id=school.school_class.id,
            starts_on=date(2025, 9, 8),
        )
    )
    absent(school, YESTERDAY, 2, enrolment=enrolment)
    client = client_for(adult_account)
    url = f"/cereri-motivare/elev/{adult.id}"
    assert "Trimite cererea" in text(client.get(url))
    response = client.post(
        url,
        data={
            "csrf_token": csrf(client, url),
            "covers_from": YESTERDAY.isoformat(),
            "covers_to": YESTERDAY.isoformat(),
            "reason": "Am fost bolnav.",
        },
    )
    assert response.status_code == 302
    assert (
        db.session.scalar(sa.select(MotivationRequest.hours).where(MotivationRequest.enrolment_id == enrolment.id)) == 2
    )


def test_the_database_keeps_online_requests_consistent(app, school, parent):
    absent(school, YESTERDAY, 1)
    request = submit_excuse_request(
        parent,
        school.student,
        covers_from=YESTERDAY,
        covers_to=YESTERDAY,
        reason="Răceală.",
        attachment=("nota.txt", io.BytesIO(b"nota").read()),
    )
    # A class master's rejection of a request the director has not approved is refused by a CHECK.
    request.rejected_by_id = school.class_master.id
    request.rejected_at = request.requested_at
    request.rejection_reason = "nu"
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()
    request = db.session.get(MotivationRequest, request.id)
    request.reason = None
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()
    with pytest.raises(InvariantViolation) as refused:
        submit_excuse_request(parent, school.student, covers_from=YESTERDAY, covers_to=YESTERDAY, reason="  ")
    assert refused.value.code == "reason_required"
