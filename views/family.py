"""Parents and students: the school situation of one child (or of oneself), read-only
(issue 5 item 5; decisions.md "Who may write what": parent = own children, student = self).

`/situatie/` leads straight to the only child (or the student's own page) and offers a chooser
when a parent has several children. The child's page shows one school year (the one containing
today, else the latest; earlier years the student was enrolled in can be chosen): per subject
the marks with their dates, the teză, the closed period and annual averages, the absences; then
absences in total, behaviour per period and the year status.

Access: `can_read_family_pages` (403 for staff), then `access_family_student` — another parent's
child and a student id that does not exist give the same 404. Nothing of any other student is
read: every catalog query below filters on the enrolments of this one student.

Queries: a fixed number whatever the number of subjects, marks or absences (one per kind of row;
the closed averages and behaviour marks come in one UNION ALL).

Personal-data log (issue 4 item 7): every opening of a child's page is recorded with
`log_personal_data_access`, also when the reader is the child's own guardian or the student
themself. The log is how a school answers "who has seen this child's record"; a guardian
account may be shared or misused, and a separated parent may ask whether the other one looked.
The row is written after the page is rendered and before it is sent, so a page whose access
could not be logged is never shown (the request fails instead).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_security import auth_required, current_user

from schema.models import (
    Absence,
    AnnualAverage,
    BehaviourMark,
    CurriculumEntry,
    Enrolment,
    Exemption,
    GradeLevel,
    LearningPeriod,
    Mark,
    Motivation,
    PeriodAverage,
    SchoolClass,
    SchoolYear,
    Student,
    Subject,
    User,
    YearResult,
    db,
)
from schema.communication import TEST_KIND_LABELS, AnnouncedTest, Remark
from schema.operations.absences import MOTIVATION_KIND_LABELS
from schema.operations.remarks import mark_remarks_read
from schema.rules import get_ruleset
from security import access, capabilities
from security.auth import log_personal_data_access
from security.objects import access_family_student, family_students

bp = Blueprint("family", __name__, url_prefix="/situatie", template_folder="templates")

YEAR_STATUS_LABELS = {
    "promovat": "Promovat",
    "corigent": "Corigent",
    "repetent": "Repetent",
    "amanat": "Situație amânată",
}
ABSENCE_STATE_LABELS = {"unexcused": "nemotivată", "excused": "motivată", "late": "întârziere (î)"}
MARK_KIND_LABELS = {"regular": "", "thesis": "teză", "exam": "examen", "contestation": "după contestație"}
CALIFICATIV_LABELS = {"FB": "Foarte bine", "B": "Bine", "S": "Suficient", "I": "Insuficient"}
EXEMPTION_LABELS = {"pe_medical": "scutit medical", "religion_opt_out": "nu urmează ora de religie"}


# --- what the template receives: plain values, no lazy loads --------------------------------
@dataclass
class MarkRow:
    """One mark as the parent sees it."""

    display: str
    given_on: date
    kind_label: str
    is_fraud: bool


@dataclass
class PeriodBlock:
    """A subject in one period: marks, teză, the closed average, an exemption."""

    period: LearningPeriod
    marks: list[MarkRow] = field(default_factory=list)
    thesis: MarkRow | None = None
    average: str | None = None
    exemption: str | None = None


@dataclass
class AbsenceRow:
    occurred_on: date
    lesson_hour: int
    subject: str
    state: str
    state_label: str
    motivation: str | None


@dataclass
class SubjectCard:
    """One subject of the year: a <details> card on the page."""

    name: str
    periods: list[PeriodBlock]
    annual: str | None = None
    annual_exemption: str | None = None
    absences: list[AbsenceRow] = field(default_factory=list)

    @property
    def mark_count(self) -> int:
        return sum(len(block.marks) + (1 if block.thesis else 0) for block in self.periods)

    @property
    def unexcused(self) -> int:
        return sum(1 for absence in self.absences if absence.state == "unexcused")


@dataclass
class YearStatus:
    label: str
    status: str
    general_average: Decimal | None
    behaviour_average: Decimal | None
    behaviour_calificativ: str | None
    failed_subjects: list[str]
    deferred_subjects: list[str]


@dataclass
class Situation:
    """Everything the child's page shows for one school year."""

    year: SchoolYear
    class_name: str
    periods: list[LearningPeriod]
    subjects: list[SubjectCard]
    absences: list[AbsenceRow]
    behaviour: list[tuple[LearningPeriod, str | None]]
    year_status: YearStatus | None
    has_period_averages: bool
    #: Names of every year the student was enrolled in, for the year switcher.
    years: list[str]

    def count(self, state: str) -> int:
        return sum(1 for absence in self.absences if absence.state == state)


# --- helpers ----------------------------------------------------------------------------
def _require_family_reader() -> User:
    user = current_user._get_current_object()
    if not capabilities.can_read_family_pages(user):
        abort(403)
    return user


def _result_display(value: Any, calificativ: str | None) -> str | None:
    if value is not None:
        return str(value).replace(".", ",")
    return calificativ


def _mark_row(mark: Mark) -> MarkRow:
    return MarkRow(mark.display, mark.given_on, MARK_KIND_LABELS.get(mark.kind, mark.kind), mark.is_fraud)


def _choose_enrolments(enrolments: list[tuple], year_name: str | None, today: date) -> tuple[SchoolYear, list[tuple]]:
    """The enrolments (rows of enrolment, year, class, level rule-set, year result) of the chosen year:
    `year_name` if the student was enrolled then (else 404), otherwise the year containing
    today, otherwise the latest."""
    years = {row[1].id: row[1] for row in enrolments}
    if year_name:
        chosen = next((year for year in years.values() if year.name == year_name), None)
        if chosen is None:
            abort(404)
    else:
        current = [year for year in years.values() if year.starts_on <= today <= year.ends_on]
        chosen = current[0] if current else max(years.values(), key=lambda year: year.starts_on)
    return chosen, [row for row in enrolments if row[1].id == chosen.id]


def _closed_results_query(enrolment_ids: list[int]) -> sa.Select:
    """The closed period averages, annual averages and behaviour marks of these enrolments in
    one UNION ALL: (kind, enrolment, curriculum entry, period, value, calificativ)."""
    number = sa.Numeric(4, 2)
    period_averages = sa.select(
        sa.literal_column("'period'").label("kind"), PeriodAverage.curriculum_entry_id.label("entry_id"),
        PeriodAverage.period_id.label("period_id"), sa.cast(PeriodAverage.value, number).label("value"),
        PeriodAverage.calificativ.label("calificativ"),
    ).where(PeriodAverage.enrolment_id.in_(enrolment_ids), PeriodAverage.state == "closed")
    annual_averages = sa.select(
        sa.literal_column("'annual'"), AnnualAverage.curriculum_entry_id, sa.cast(sa.null(), sa.Integer),
        sa.cast(AnnualAverage.value, number), AnnualAverage.calificativ,
    ).where(AnnualAverage.enrolment_id.in_(enrolment_ids), AnnualAverage.state == "closed")
    behaviour = sa.select(
        sa.literal_column("'behaviour'"), sa.cast(sa.null(), sa.Integer), BehaviourMark.period_id,
        sa.cast(BehaviourMark.value, number), BehaviourMark.calificativ,
    ).where(BehaviourMark.enrolment_id.in_(enrolment_ids))
    return sa.union_all(period_averages, annual_averages, behaviour)


def _plain(value: Decimal | None, kind: str) -> Any:
    """Period averages and behaviour marks are whole numbers; annual averages keep 2 decimals."""
    if value is None:
        return None
    return int(value) if kind != "annual" else Decimal(value).quantize(Decimal("0.01"))


def load_situation(student: Student, year_name: str | None) -> Situation | None:
    """The school situation of `student` for one year, in a fixed number of queries."""
    enrolments = db.session.execute(
        sa.select(Enrolment, SchoolYear, SchoolClass, GradeLevel.ruleset, YearResult)
        .join(SchoolYear, SchoolYear.id == Enrolment.year_id)
        .join(SchoolClass, SchoolClass.id == Enrolment.class_id)
        .join(GradeLevel, GradeLevel.id == SchoolClass.grade_level_id)
        .outerjoin(YearResult, sa.and_(YearResult.enrolment_id == Enrolment.id, YearResult.state == "closed"))
        .where(Enrolment.student_id == student.id, Enrolment.school_id == student.school_id)
        .order_by(SchoolYear.starts_on, Enrolment.starts_on, Enrolment.id)
    ).all()
    if not enrolments:
        return None
    year, rows = _choose_enrolments(enrolments, year_name, access.today())
    enrolment_ids = [row[0].id for row in rows]
    # The class the student is in now (or was in last, that year): after a transfer, the old
    # class's subjects still show if they hold marks.
    _enrolment, _year, current_class, level_ruleset, _result = next(
        (row for row in reversed(rows) if row[0].status == "active"), rows[-1]
    )
    class_ids = {row[2].id for row in rows}

    periods = list(db.session.scalars(
        sa.select(LearningPeriod).where(LearningPeriod.year_id == year.id).order_by(LearningPeriod.ordinal)
    ))
    entries = db.session.execute(
        sa.select(CurriculumEntry.id, CurriculumEntry.class_id, Subject.id, Subject.name)
        .join(Subject, Subject.id == CurriculumEntry.subject_id)
        .where(CurriculumEntry.class_id.in_(class_ids))
    ).all()
    marks = db.session.scalars(
        sa.select(Mark).where(Mark.enrolment_id.in_(enrolment_ids)).order_by(Mark.given_on, Mark.id)
    ).all()
    absences = db.session.execute(
        sa.select(Absence, Motivation.kind)
        .outerjoin(Motivation, Motivation.id == Absence.motivation_id)
        .where(Absence.enrolment_id.in_(enrolment_ids))
        .order_by(Absence.occurred_on, Absence.lesson_hour)
    ).all()
    results = db.session.execute(_closed_results_query(enrolment_ids)).all()
    exemptions = db.session.execute(
        sa.select(Exemption.curriculum_entry_id, Exemption.period_id, Exemption.kind)
        .where(Exemption.enrolment_id.in_(enrolment_ids))
    ).all()
    year_result = next((row[4] for row in reversed(rows) if row[4] is not None), None)

    # Subjects are grouped by subject (not by curriculum entry), so a transfer mid-year shows
    # one card per subject with the marks of both classes.
    subject_of_entry = {entry_id: (subject_id, name) for entry_id, _class_id, subject_id, name in entries}
    subject_names: dict[int, str] = {}
    for _entry_id, class_id, subject_id, name in entries:
        if class_id == current_class.id:
            subject_names[subject_id] = name
    cards: dict[int, SubjectCard] = {}

    def card_for(entry_id: int) -> SubjectCard:
        subject_id, name = subject_of_entry[entry_id]
        if subject_id not in cards:
            cards[subject_id] = SubjectCard(name=name, periods=[PeriodBlock(period) for period in periods])
        return cards[subject_id]

    for subject_id, name in subject_names.items():
        cards[subject_id] = SubjectCard(name=name, periods=[PeriodBlock(period) for period in periods])
    block_index = {period.id: index for index, period in enumerate(periods)}

    for mark in marks:
        block = card_for(mark.curriculum_entry_id).periods[block_index[mark.period_id]]
        if mark.kind == "thesis":
            block.thesis = _mark_row(mark)
        else:
            block.marks.append(_mark_row(mark))

    behaviour_by_period: dict[int, str | None] = {}
    for kind, entry_id, period_id, value, calificativ in results:
        shown = _result_display(_plain(value, kind), calificativ)
        if kind == "period":
            card_for(entry_id).periods[block_index[period_id]].average = shown
        elif kind == "annual":
            card_for(entry_id).annual = shown
        else:
            behaviour_by_period[period_id] = shown

    for entry_id, period_id, kind in exemptions:
        card = card_for(entry_id)
        if period_id is None:
            card.annual_exemption = EXEMPTION_LABELS.get(kind, kind)
        elif period_id in block_index:
            card.periods[block_index[period_id]].exemption = EXEMPTION_LABELS.get(kind, kind)

    absence_rows: list[AbsenceRow] = []
    for absence, motivation_kind in absences:
        card = card_for(absence.curriculum_entry_id)
        row = AbsenceRow(absence.occurred_on, absence.lesson_hour, card.name, absence.state,
                         ABSENCE_STATE_LABELS.get(absence.state, absence.state),
                         MOTIVATION_KIND_LABELS.get(motivation_kind) if motivation_kind else None)
        card.absences.append(row)
        absence_rows.append(row)

    status = None
    if year_result is not None:
        details = year_result.details or {}
        status = YearStatus(
            label=YEAR_STATUS_LABELS.get(year_result.status, year_result.status),
            status=year_result.status,
            general_average=year_result.general_average,
            behaviour_average=year_result.behaviour_average,
            behaviour_calificativ=year_result.behaviour_calificativ,
            failed_subjects=list(details.get("failed_subjects") or []),
            deferred_subjects=list(details.get("deferred_subjects") or []),
        )
    return Situation(
        year=year,
        class_name=current_class.name,
        periods=periods,
        subjects=sorted(cards.values(), key=lambda card: card.name),
        absences=absence_rows,
        behaviour=[(period, behaviour_by_period.get(period.id)) for period in periods],
        year_status=status,
        has_period_averages=get_ruleset(level_ruleset or year.ruleset).has_period_average,
        years=sorted({row[1].name for row in enrolments}),
    )


# --- pages ------------------------------------------------------------------------------
@bp.get("/")
@auth_required()
def index() -> Any:
    """The only child's page directly; a chooser when a parent has several children."""
    user = _require_family_reader()
    students = family_students(user)
    if len(students) == 1:
        return redirect(url_for("family.student", student_id=students[0].id))
    classes: dict[int, str] = {}
    if students:
        today = access.today()
        for student_id, class_name in db.session.execute(
            sa.select(Enrolment.student_id, SchoolClass.name)
            .join(SchoolClass, SchoolClass.id == Enrolment.class_id)
            .join(SchoolYear, SchoolYear.id == Enrolment.year_id)
            .where(Enrolment.student_id.in_([s.id for s in students]), Enrolment.status == "active",
                   SchoolYear.starts_on <= today, SchoolYear.ends_on >= today)
        ):
            classes[student_id] = class_name
    return _private(render_template("family/index.html", students=students, classes=classes))


# --- remarks and the test calendar (issue 8) ------------------------------------------------
#: Days ahead of today whose announced tests the child's page lists (the "Terminar" page shows more).
TESTS_DAYS_AHEAD = 14


@dataclass
class RemarkRow:
    """A remark in the child's file as the family sees it."""

    id: int
    kind: str
    kind_label: str
    remarked_on: date
    text: str
    teacher: str
    subject: str | None
    read_at: Any
    #: The teacher's account, so the family can answer them from the remark.
    author_id: int | None = None
    first_read_now: bool = False


@dataclass
class TestRow:
    held_on: date
    kind_label: str
    subject: str
    scope: str


def load_remarks(child: Student) -> tuple[list[RemarkRow], list[Remark]]:
    """The child's visible remarks (one query), and those nobody of the family has read yet
    (shown as read now; the caller records the reading once the page is rendered)."""
    found = db.session.execute(
        sa.select(Remark, User.last_name, User.first_name, Subject.name)
        .join(Enrolment, Enrolment.id == Remark.enrolment_id)
        .join(User, User.id == Remark.author_id)
        .outerjoin(CurriculumEntry, CurriculumEntry.id == Remark.curriculum_entry_id)
        .outerjoin(Subject, Subject.id == CurriculumEntry.subject_id)
        .where(Enrolment.student_id == child.id, Remark.school_id == child.school_id, Remark.is_hidden.is_(False))
        .order_by(Remark.remarked_on.desc(), Remark.id.desc())
    ).all()
    rows = [
        RemarkRow(remark.id, remark.kind, remark.kind_label, remark.remarked_on, remark.text,
                  f"{last_name} {first_name}", subject, remark.read_at, remark.author_id)
        for remark, last_name, first_name, subject in found
    ]
    for row in rows:
        row.first_read_now = row.read_at is None
    return rows, [remark for remark, *_rest in found if remark.read_at is None]


def load_upcoming_tests(child: Student) -> list[TestRow]:
    """Tests announced for the child's current class(es) from today for TESTS_DAYS_AHEAD days (one query)."""
    today = access.today()
    found = db.session.execute(
        sa.select(AnnouncedTest.held_on, AnnouncedTest.kind, Subject.name, AnnouncedTest.scope)
        .join(CurriculumEntry, CurriculumEntry.id == AnnouncedTest.curriculum_entry_id)
        .join(Subject, Subject.id == CurriculumEntry.subject_id)
        .join(Enrolment, Enrolment.class_id == AnnouncedTest.class_id)
        .where(Enrolment.student_id == child.id, Enrolment.status == "active", AnnouncedTest.is_cancelled.is_(False),
               AnnouncedTest.held_on >= today, AnnouncedTest.held_on <= today + timedelta(days=TESTS_DAYS_AHEAD))
        .order_by(AnnouncedTest.held_on, Subject.name)
    ).all()
    return [TestRow(held_on, TEST_KIND_LABELS.get(kind, kind), subject, scope) for held_on, kind, subject, scope in found]


@bp.get("/elev/<int:student_id>")
@auth_required()
def student(student_id: int) -> Any:
    """One child's school situation for a year (read-only), with remarks and coming tests."""
    user = _require_family_reader()
    child = access_family_student(user, student_id)
    siblings = family_students(user)
    situation = load_situation(child, request.args.get("an") or None)
    remarks, unread = load_remarks(child)
    tests = load_upcoming_tests(child)
    html = render_template("family/student.html", child=child, siblings=siblings, situation=situation,
                           calificative=CALIFICATIV_LABELS, remarks=remarks, tests=tests,
                           tests_days=TESTS_DAYS_AHEAD)
    what = f"situația școlară {situation.year.name}" if situation else "situația școlară"
    mark_remarks_read(user, unread, remote_addr=request.remote_addr)  # the first reading, recorded once
    log_personal_data_access(user, child, what)
    return _private(html)


def _private(html: str) -> Any:
    """Personal data: never kept by a shared cache or the browser's back-forward cache on disk."""
    from flask import make_response

    response = make_response(html)
    response.headers["Cache-Control"] = "private, no-store"
    return response
