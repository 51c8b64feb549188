"""Demo data for the staff annual evaluation (issue 9), written through the operations.

- catedre for the teachers (by subject) with their heads, the secretariat and the administrative
  compartment; a `StaffMember` row for everyone employed, four non-teaching employees (one a
  debutant still in probation, so the director sees the refusal when opening his sheet);
- the legal holidays of 2026 and 2027;
- the teaching-staff campaign of 2025-2026, in progress on 21 November 2026: sheets opened,
  self-evaluated, scored by the catedră; one scored by the board with the employee absent (due
  today), one communicated, one communicated, contested and resolved by a commission;
- the non-teaching campaign for 2025 (evaluated in January 2026): one sheet informed, one signed
  by the evaluator only, one evaluated by the director.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_security import hash_password

from schema.db import audit_context
from schema.evaluation import AUXILIARY, NON_TEACHING, TEACHING, Department, EvaluationCampaign, EvaluationSheet
from schema.models import SchoolYear, User, db
from schema.operations import evaluation as ops

EMAIL_DOMAIN = "liceul-demo.ro"

#: Catedre and the subjects whose teachers belong to them.
CATEDRE: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Catedra de limbă și comunicare", ("Limba și literatura română", "Limba engleză", "Limba franceză")),
    ("Catedra de matematică și informatică", ("Matematică", "Informatică")),
    ("Catedra de științe", ("Fizică", "Chimie", "Biologie")),
    (
        "Catedra de om și societate",
        (
            "Istorie",
            "Geografie",
            "Religie",
            "Logică și argumentare",
            "Psihologie",
            "Economie",
            "Filosofie",
            "Consiliere și dezvoltare personală",
        ),
    ),
    (
        "Catedra de arte, sport și tehnologii",
        ("Educație fizică și sport", "Educație plastică", "Educație muzicală", "Educație tehnologică"),
    ),
)
PRIMARY_CATEDRA = "Catedra învățătorilor"

#: Non-teaching employees: (last, first, job, e-mail local part, started, debutant probation end).
NON_TEACHING_STAFF = (
    ("Bălan", "Gheorghe", "administrator de patrimoniu", "patrimoniu", date(2012, 3, 1), None),
    ("Țăranu", "Florica", "îngrijitoare", "ingrijitoare", date(2015, 9, 1), None),
    ("Ciobanu", "Vasile", "paznic", "paznic", date(2018, 2, 1), None),
    ("Lungu", "Daniel", "muncitor de întreținere", "intretinere", date(2026, 9, 1), date(2027, 3, 1)),
)


#: The catedră whose teachers sit on the demo's contestation commission.
COMMISSION_CATEDRA = "Catedra de om și societate"


def _user(email_local: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == f"{email_local}@{EMAIL_DOMAIN}"))


def _scores(campaign: EvaluationCampaign, rng: random.Random, *, below: Decimal | None = None) -> dict[int, Decimal]:
    """Criterion points: `below` points under the maximum in total, or a plausible random sheet."""
    criteria = ops.active_criteria(campaign)
    values = {criterion.id: criterion.max_score for criterion in criteria}
    if below is None:
        for criterion in criteria:
            values[criterion.id] -= min(criterion.max_score, Decimal(rng.choice(["0", "0", "0", "0.5", "1"])))
        return values
    left = below
    for criterion in reversed(criteria):
        taken = min(left, values[criterion.id] - 1, Decimal(2))
        values[criterion.id] -= taken
        left -= taken
    if left:
        raise ValueError("cannot take that many points off")
    return values


def _report(user: User) -> tuple[str, bytes]:
    text = (
        f"Raport de autoevaluare - {user.full_name}\n"
        "Anul școlar 2025-2026\n\n"
        "Activități: proiectarea și realizarea lecțiilor conform programei, pregătirea elevilor pentru "
        "olimpiade, participarea la cursuri de formare, activități extracurriculare.\n"
    )
    return "raport-autoevaluare.txt", text.encode("utf-8")


def _staff_data(builder, director: User) -> dict[str, object]:
    """Departments, staff members and the holidays."""
    teachers_by_catedra: dict[str, list[User]] = {}
    for name, subjects in CATEDRE:
        teachers_by_catedra[name] = [t for subject in subjects for t in builder.teachers_by_subject.get(subject, [])]
    teachers_by_catedra[PRIMARY_CATEDRA] = list(getattr(builder, "primary_teachers", []))
    demo_teacher = _user("profesor")
    departments = {}
    for name, teachers in teachers_by_catedra.items():
        if not teachers:
            continue
        head = demo_teacher if demo_teacher in teachers else teachers[0]
        departments[name] = ops.save_department(director, name=name, head_id=head.id)
    secretary, administrator = _user("secretariat"), _user("administrator")
    secretariat = ops.save_department(
        director, name="Compartimentul secretariat", kind="compartiment", head_id=secretary.id
    )
    with audit_context(reason="Date demonstrative: personal nedidactic"):
        non_teaching = []
        for last, first, _job, local, _started, _probation in NON_TEACHING_STAFF:
            user = User(
                school_id=director.school_id,
                email=f"{local}@{EMAIL_DOMAIN}",
                first_name=first,
                last_name=last,
                active=True,
                fs_uniquifier=f"demo-nedidactic-{local}",
                roles=[],
            )
            db.session.add(user)
            non_teaching.append(user)
        db.session.commit()
    evaluator = non_teaching[0]
    administrative = ops.save_department(
        director, name="Compartimentul administrativ", kind="compartiment", head_id=evaluator.id
    )
    for name, teachers in teachers_by_catedra.items():
        for teacher in teachers:
            ops.save_staff_member(
                director,
                user_id=teacher.id,
                category=TEACHING,
                job_title="învățător" if name == PRIMARY_CATEDRA else "profesor",
                department_id=departments[name].id,
                employment_started_on=date(2008, 9, 1),
            )
    for user, title in ((secretary, "secretar-șef"), (administrator, "informatician")):
        ops.save_staff_member(
            director,
            user_id=user.id,
            category=AUXILIARY,
            job_title=title,
            department_id=secretariat.id,
            superior_id=director.id,
            employment_started_on=date(2011, 9, 1),
        )
    for user, (_last, _first, job, _local, started, probation) in zip(non_teaching, NON_TEACHING_STAFF, strict=True):
        ops.save_staff_member(
            director,
            user_id=user.id,
            category=NON_TEACHING,
            job_title=job,
            department_id=administrative.id,
            superior_id=director.id if user is evaluator else evaluator.id,
            employment_started_on=started,
            is_debutant=probation is not None,
            probation_ends_on=probation,
        )
    ops.ensure_default_holidays(director, 2026)
    ops.ensure_default_holidays(director, 2027)
    return {"teachers_by_catedra": teachers_by_catedra, "evaluator": evaluator, "non_teaching": non_teaching}


def _teaching_campaign(
    director: User, deputy: User, year: SchoolYear, teachers_by_catedra: dict[str, list[User]], rng: random.Random
) -> None:
    campaign = ops.create_campaign(
        director,
        year=year,
        category=TEACHING,
        evaluated_from=year.starts_on,
        evaluated_to=year.ends_on,
        starts_on=date(2026, 11, 2),
        ends_on=date(2026, 11, 10),
        department_meeting_on=date(2026, 11, 12),
        board_meeting_on=date(2026, 11, 18),
        communication_deadline=date(2026, 11, 27),
    )
    ops.open_sheets(director, campaign)
    sheets = {
        sheet.employee_id: sheet
        for sheet in db.session.scalars(sa.select(EvaluationSheet).where(EvaluationSheet.campaign_id == campaign.id))
    }
    demo_master = _user("diriginte")
    heads = {
        department.id: department.head_id
        for department in db.session.scalars(sa.select(Department).where(Department.school_id == director.school_id))
    }

    def self_evaluate(user: User) -> None:
        filename, data = _report(user)
        ops.submit_self_evaluation(
            user, sheets[user.id], _scores(campaign, rng), report_filename=filename, report_data=data
        )

    def department_score(user: User, teachers: list[User], below: Decimal | None = None) -> None:
        sheet = sheets[user.id]
        head = db.session.get(User, heads[sheet.department_id])
        scorer = director if head.id == user.id else head
        members = [t.id for t in teachers if t.id != user.id] or [scorer.id]
        ops.record_department_score(
            scorer,
            sheet,
            _scores(campaign, rng, below=below),
            meeting_on=date(2026, 11, 12),
            member_ids=members,
            minutes=f"Proces-verbal al ședinței catedrei din 12.11.2026: punctajul lui {user.full_name} a fost "
            "stabilit de comun acord de membrii prezenți.",
        )

    def board_score(user: User, below: Decimal, *, present: bool) -> EvaluationSheet:
        sheet = sheets[user.id]
        ops.record_board_score(
            director,
            sheet,
            _scores(campaign, rng, below=below),
            meeting_on=date(2026, 11, 18),
            board_member_ids=[director.id, deputy.id],
            present=present,
            employee_argument="A prezentat rezultatele elevilor la olimpiada județeană." if present else None,
        )
        return sheet

    def spare(teachers: list[User]) -> list[User]:
        return [t for t in teachers if t.id in sheets and t.id != demo_master.id]

    # The science catedră is furthest: three of its sheets reach the board. In a small school whose
    # science catedră has fewer to spare, the first catedră that has three does (never the one the
    # contestation commission comes from).
    names = ["Catedra de științe", *(n for n in teachers_by_catedra if n != COMMISSION_CATEDRA)]
    furthest_name = next((n for n in names if len(spare(teachers_by_catedra.get(n, []))) >= 3), names[0])
    science = teachers_by_catedra.get(furthest_name, [])
    finished = spare(science)[:3]
    for index, teachers in enumerate(teachers_by_catedra.values()):
        for position, teacher in enumerate(teachers):
            if teacher.id not in sheets or teacher in finished or teacher.id == demo_master.id:
                continue
            if (position + index) % 3 >= 1:
                self_evaluate(teacher)
            if (position + index) % 3 == 2 and heads[sheets[teacher.id].department_id] != teacher.id:
                department_score(teacher, teachers)
    for teacher in finished:
        self_evaluate(teacher)
        department_score(teacher, science, below=Decimal("12"))
    if len(finished) < 3:
        return
    communicated, contested, absent = finished
    board_score(communicated, Decimal("7.50"), present=True)
    ops.record_communication(director, sheets[communicated.id], communicated_on=date(2026, 11, 18), in_person=True)
    contested_sheet = board_score(contested, Decimal("15.50"), present=True)
    ops.record_communication(director, contested_sheet, communicated_on=date(2026, 11, 18), in_person=True)
    board_score(absent, Decimal("22"), present=False)  # to be communicated by 21.11.2026

    contestation = ops.file_contestation(
        contested,
        contested_sheet,
        filed_on=date(2026, 11, 19),
        union_observer_requested=True,
        union_observer_name="Mariana Pavel (Sindicatul Liber din Învățământ)",
        grounds="Nu au fost punctate coordonarea echipajului de la concursul „Științescu” și cursul de formare "
        "de 40 de ore absolvit în martie 2026.",
    )
    outsiders = [t for t in teachers_by_catedra.get(COMMISSION_CATEDRA, []) if t.id in sheets][:3]
    if len(outsiders) < 3:
        return
    ops.appoint_commission(
        director, campaign, [t.id for t in outsiders], decision_reference="Decizia directorului nr. 312 din 19.11.2026"
    )
    ops.resolve_contestation(
        director,
        contestation,
        admitted=True,
        decided_on=date(2026, 11, 20),
        new_score="86.00",
        decision_text="Comisia admite contestația: se acordă 1,50 puncte suplimentare pentru activitățile "
        "dovedite (domeniile b și e). Punctaj final 86,00, calificativ Foarte bine.",
        union_observer_remarks="Observatorul sindical nu a avut obiecții.",
    )


def _non_teaching_campaign(director: User, year: SchoolYear, evaluator: User, non_teaching: list[User]) -> None:
    campaign = ops.create_campaign(
        director,
        year=year,
        category=NON_TEACHING,
        name="Evaluarea anuală a personalului nedidactic pentru anul 2025",
        evaluated_from=date(2025, 1, 1),
        evaluated_to=date(2025, 12, 31),
        starts_on=date(2026, 1, 5),
        ends_on=date(2026, 1, 30),
        communication_deadline=date(2026, 1, 30),
    )
    ops.open_sheets(director, campaign)  # the debutant is refused: still in probation
    sheets = {
        sheet.employee_id: sheet
        for sheet in db.session.scalars(sa.select(EvaluationSheet).where(EvaluationSheet.campaign_id == campaign.id))
    }
    criteria = ops.active_criteria(campaign)
    _boss, caretaker, guard, _debutant = non_teaching

    def marks(*values: int) -> dict[int, int]:
        return {criterion.id: values[min(i, len(values) - 1)] for i, criterion in enumerate(criteria)}

    informed = sheets[caretaker.id]
    ops.record_evaluator_marks(
        evaluator,
        informed,
        marks(5, 4, 5, 5, 4, 4, 5),
        notes="Foarte conștiincioasă; a preluat și sarcinile colegei aflate în concediu.",
    )
    ops.sign_interview(evaluator, informed, interview_on=date(2026, 1, 14))
    ops.sign_interview(caretaker, informed, interview_on=date(2026, 1, 14), point_of_view="Sunt de acord cu evaluarea.")
    ops.countersign_sheet(director, informed, note="Contrasemnat fără modificări.")
    ops.record_employee_informed(director, informed, informed_on=date(2026, 1, 20))

    pending = sheets[guard.id]
    ops.record_evaluator_marks(evaluator, pending, marks(3, 4, 3, 4, 3, 3, 4), notes="Întârzieri la predarea turei.")
    ops.sign_interview(evaluator, pending, interview_on=date(2026, 1, 15))

    boss_sheet = sheets[evaluator.id]
    ops.record_evaluator_marks(director, boss_sheet, marks(5, 5, 4, 5, 5, 4, 4))


def add_demo_evaluation(builder) -> None:
    """The evaluation data of the module docstring; the evaluator of the non-teaching staff gets a
    demo account (printed with the others)."""
    director, deputy = _user("director"), _user("director.adjunct")
    rng = random.Random(2026)
    staff = _staff_data(builder, director)
    years = {
        year.name: year
        for year in db.session.scalars(sa.select(SchoolYear).where(SchoolYear.school_id == director.school_id))
    }
    _teaching_campaign(director, deputy, years["2025-2026"], staff["teachers_by_catedra"], rng)
    _non_teaching_campaign(director, years["2025-2026"], staff["evaluator"], staff["non_teaching"])
    evaluator = staff["evaluator"]
    password = builder._password("Eval")
    with audit_context(reason="Date demonstrative: cont evaluator nedidactic"):
        evaluator.password = hash_password(password)
        db.session.commit()
    builder.summary.accounts.append(("Evaluator nedidactic", evaluator.email, password))
