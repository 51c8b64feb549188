"""The statistics viewer (issue 5 item 7; decisions.md: "aggregate pages only; never a name,
birth date or personal code").

For one school year and one period (or the whole year) of the user's school:
- the distribution of the closed averages per class and subject, in the bands under 5, 5–5,99,
  6–6,99, 7–7,99, 8–8,99 and 9–10 (calificative FB/B/S/I counted apart, for grades I–IV);
- absences per class: unexcused, excused, late arrivals, and the mean per enrolled student;
- closing progress per class: closed averages against the averages expected (active students ×
  subjects of the class, less the exemptions).

Every number comes from a GROUP BY in SQL, so the page runs a fixed number of queries whatever
the size of the school, and no row of a student is ever loaded: the page cannot show a name
because it never reads one. The same tables export to CSV (UTF-8 with BOM, `;` separator and
decimal comma, so Excel set to Romanian opens it with diacritics and numbers intact).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, abort, render_template, request
from flask_security import auth_required, current_user

from schema.models import (
    Absence,
    AnnualAverage,
    CurriculumEntry,
    Enrolment,
    Exemption,
    GradeLevel,
    LearningPeriod,
    PeriodAverage,
    SchoolClass,
    SchoolYear,
    Subject,
    User,
    db,
)
from schema.rules import get_ruleset
from security import access, capabilities
from views.pages import spreadsheet_safe

bp = Blueprint("statistics", __name__, url_prefix="/statistici", template_folder="templates")

#: Bands of the averages distribution: (key, label). Keys are what the SQL CASE returns.
BANDS = (("lt5", "sub 5"), ("5", "5–5,99"), ("6", "6–6,99"), ("7", "7–7,99"), ("8", "8–8,99"), ("9", "9–10"))
CALIFICATIVE = (("FB", "Foarte bine"), ("B", "Bine"), ("S", "Suficient"), ("I", "Insuficient"))
ANNUAL = "anual"
TABLES = {"medii": "distribuția mediilor", "absente": "absențe", "incheiere": "încheierea mediilor"}


# --- the aggregates ----------------------------------------------------------------------
@dataclass
class ClassInfo:
    id: int
    name: str
    has_period_average: bool


@dataclass
class DistributionRow:
    """How many closed averages of one subject in one class fall in each band."""

    class_name: str
    subject: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class AbsenceRow:
    class_name: str
    students: int
    unexcused: int = 0
    excused: int = 0
    late: int = 0

    @property
    def total(self) -> int:
        return self.unexcused + self.excused

    def per_student(self, count: int) -> Decimal | None:
        if not self.students:
            return None
        return (Decimal(count) / self.students).quantize(Decimal("0.01"), ROUND_HALF_UP)


@dataclass
class ClosingRow:
    class_name: str
    expected: int
    closed: int
    #: False when the class's rule-set has no period average (modules, rofuip2022+).
    applies: bool = True

    @property
    def percent(self) -> int | None:
        if not self.applies or not self.expected:
            return None
        return min(100, round(100 * self.closed / self.expected))


@dataclass
class Statistics:
    year: SchoolYear
    #: The chosen period, or None for the whole year (annual averages).
    period: LearningPeriod | None
    marks: list[DistributionRow]
    calificative: list[DistributionRow]
    absences: list[AbsenceRow]
    closing: list[ClosingRow]

    @property
    def scope_label(self) -> str:
        return self.period.name if self.period else "anul școlar (medii anuale)"

    @property
    def slug(self) -> str:
        return f"{self.year.name}-{f'p{self.period.ordinal}' if self.period else ANNUAL}"


def _band(value: sa.ColumnElement) -> sa.ColumnElement:
    return sa.case(
        (value < 5, "lt5"), (value < 6, "5"), (value < 7, "6"), (value < 8, "7"), (value < 9, "8"), else_="9"
    )


def _distribution(class_ids: list[int], period: LearningPeriod | None, classes: dict[int, ClassInfo]
                  ) -> tuple[list[DistributionRow], list[DistributionRow]]:
    """Closed averages counted per class, subject and band (one GROUP BY)."""
    model = PeriodAverage if period is not None else AnnualAverage
    bucket = sa.case((model.value.is_(None), model.calificativ), else_=_band(model.value)).label("bucket")
    query = (
        sa.select(model.class_id, Subject.name, bucket, sa.func.count())
        .join(CurriculumEntry, CurriculumEntry.id == model.curriculum_entry_id)
        .join(Subject, Subject.id == CurriculumEntry.subject_id)
        .where(model.class_id.in_(class_ids), model.state == "closed")
        .group_by(model.class_id, Subject.name, bucket)
    )
    if period is not None:
        query = query.where(PeriodAverage.period_id == period.id)
    marks: dict[tuple[int, str], DistributionRow] = {}
    calificative: dict[tuple[int, str], DistributionRow] = {}
    for class_id, subject, key, count in db.session.execute(query):
        target = calificative if key in dict(CALIFICATIVE) else marks
        row = target.setdefault((class_id, subject), DistributionRow(classes[class_id].name, subject))
        row.counts[key] = row.counts.get(key, 0) + count
    order = {class_id: index for index, class_id in enumerate(classes)}

    def ordered(rows: dict[tuple[int, str], DistributionRow]) -> list[DistributionRow]:
        return [rows[key] for key in sorted(rows, key=lambda key: (order[key[0]], key[1]))]

    return ordered(marks), ordered(calificative)


def _absences(class_ids: list[int], period: LearningPeriod | None, classes: dict[int, ClassInfo],
              students: dict[int, int]) -> list[AbsenceRow]:
    """Absences per class and state (one GROUP BY)."""
    query = (
        sa.select(Absence.class_id, Absence.state, sa.func.count())
        .where(Absence.class_id.in_(class_ids))
        .group_by(Absence.class_id, Absence.state)
    )
    if period is not None:
        query = query.where(Absence.period_id == period.id)
    rows = {class_id: AbsenceRow(info.name, students.get(class_id, 0)) for class_id, info in classes.items()}
    for class_id, state, count in db.session.execute(query):
        setattr(rows[class_id], state, count)
    return list(rows.values())


def _closing(year: SchoolYear, period: LearningPeriod | None, classes: dict[int, ClassInfo]) -> list[ClosingRow]:
    """Closed averages against expected ones per class (two GROUP BYs).

    Expected: every active enrolment × every subject of its class, less the exemptions that
    remove the average (for a period: an exemption of that period or of the whole year; for the
    annual average: only a whole-year one, as in schema.operations.closing.class_closing_gaps)."""
    exemption = sa.select(Exemption.id).where(
        Exemption.enrolment_id == Enrolment.id, Exemption.curriculum_entry_id == CurriculumEntry.id,
        Exemption.period_id.is_(None) if period is None
        else sa.or_(Exemption.period_id.is_(None), Exemption.period_id == period.id),
    )
    expected = dict(db.session.execute(
        sa.select(Enrolment.class_id, sa.func.count())
        .join(CurriculumEntry, CurriculumEntry.class_id == Enrolment.class_id)
        .where(Enrolment.year_id == year.id, Enrolment.status == "active", ~exemption.exists())
        .group_by(Enrolment.class_id)
    ).all())
    model = PeriodAverage if period is not None else AnnualAverage
    closed_query = (
        sa.select(model.class_id, sa.func.count())
        .join(Enrolment, Enrolment.id == model.enrolment_id)
        .where(Enrolment.year_id == year.id, Enrolment.status == "active", model.state == "closed")
        .group_by(model.class_id)
    )
    if period is not None:
        closed_query = closed_query.where(PeriodAverage.period_id == period.id)
    closed = dict(db.session.execute(closed_query).all())
    return [
        ClosingRow(info.name, expected.get(class_id, 0), closed.get(class_id, 0),
                   applies=period is None or info.has_period_average)
        for class_id, info in classes.items()
    ]


def compute_statistics(year: SchoolYear, period: LearningPeriod | None) -> Statistics:
    """All the aggregates of the page, in a fixed number of queries."""
    classes = {
        class_id: ClassInfo(class_id, name, get_ruleset(level_ruleset or year.ruleset).has_period_average)
        for class_id, name, level_ruleset in db.session.execute(
            sa.select(SchoolClass.id, SchoolClass.name, GradeLevel.ruleset)
            .join(GradeLevel, GradeLevel.id == SchoolClass.grade_level_id)
            .where(SchoolClass.year_id == year.id)
            .order_by(GradeLevel.code, SchoolClass.name)
        )
    }
    class_ids = list(classes)
    students = dict(db.session.execute(
        sa.select(Enrolment.class_id, sa.func.count())
        .where(Enrolment.year_id == year.id, Enrolment.status == "active")
        .group_by(Enrolment.class_id)
    ).all())
    marks, calificative = _distribution(class_ids, period, classes)
    return Statistics(
        year=year,
        period=period,
        marks=marks,
        calificative=calificative,
        absences=_absences(class_ids, period, classes, students),
        closing=_closing(year, period, classes),
    )


# --- choosing the year and the period ------------------------------------------------------
def _require_viewer() -> User:
    user = current_user._get_current_object()
    if not capabilities.can_view_statistics(user):
        abort(403)
    return user


def _default_period(periods: list[LearningPeriod], year: SchoolYear, today: date) -> LearningPeriod | None:
    """The period containing today; after the year's last period, the whole year; between two
    periods, the last one that began; before the year, its first period."""
    for period in periods:
        if period.contains(today):
            return period
    if not periods or today > periods[-1].ends_on or today > year.ends_on:
        return None
    started = [period for period in periods if period.starts_on <= today]
    return started[-1] if started else periods[0]


def _chosen(user: User) -> tuple[list[SchoolYear], SchoolYear | None, list[LearningPeriod], LearningPeriod | None]:
    """Year and period from the query string (?an=2025-2026&perioada=1|anual) or the defaults."""
    years = list(db.session.scalars(
        sa.select(SchoolYear).where(SchoolYear.school_id == user.school_id).order_by(SchoolYear.starts_on)
    ))
    if not years:
        return [], None, [], None
    today = access.today()
    wanted = request.args.get("an")
    if wanted:
        year = next((y for y in years if y.name == wanted), None)
        if year is None:
            abort(404)
    else:
        year = next((y for y in years if y.starts_on <= today <= y.ends_on), years[-1])
    periods = list(db.session.scalars(
        sa.select(LearningPeriod).where(LearningPeriod.year_id == year.id).order_by(LearningPeriod.ordinal)
    ))
    wanted_period = request.args.get("perioada")
    if wanted_period == ANNUAL:
        period = None
    elif wanted_period:
        period = next((p for p in periods if str(p.ordinal) == wanted_period), None)
        if period is None:
            abort(404)
    else:
        period = _default_period(periods, year, today)
    return years, year, periods, period


# --- pages ------------------------------------------------------------------------------
@bp.get("/")
@auth_required()
def index() -> Any:
    """The aggregates of one year and period, with links to their CSV exports."""
    user = _require_viewer()
    years, year, periods, period = _chosen(user)
    stats = compute_statistics(year, period) if year is not None else None
    return render_template("statistics/index.html", years=years, year=year, periods=periods, period=period,
                           stats=stats, bands=BANDS, calificative=CALIFICATIVE, annual=ANNUAL)


def _number(value: Any) -> str:
    """Numbers as Excel in Romanian reads them: decimal comma."""
    return "" if value is None else str(value).replace(".", ",")


def csv_rows(stats: Statistics, table: str) -> list[list[Any]]:
    """The rows (with a header) of one exported table; aggregates only, as on the page."""
    scope = stats.scope_label
    if table == "medii":
        header = ["An școlar", "Perioada", "Clasa", "Disciplina", *[label for _key, label in BANDS],
                  *[key for key, _label in CALIFICATIVE], "Total"]
        rows = [[stats.year.name, scope, row.class_name, row.subject, *[row.counts.get(key, 0) for key, _ in BANDS],
                 *["" for _ in CALIFICATIVE], row.total] for row in stats.marks]
        rows += [[stats.year.name, scope, row.class_name, row.subject, *["" for _ in BANDS],
                  *[row.counts.get(key, 0) for key, _ in CALIFICATIVE], row.total] for row in stats.calificative]
        return [header, *rows]
    if table == "absente":
        header = ["An școlar", "Perioada", "Clasa", "Elevi", "Nemotivate", "Motivate", "Total", "Întârzieri",
                  "Nemotivate pe elev", "Total pe elev"]
        return [header, *[[stats.year.name, scope, row.class_name, row.students, row.unexcused, row.excused, row.total,
                           row.late, _number(row.per_student(row.unexcused)), _number(row.per_student(row.total))]
                          for row in stats.absences]]
    header = ["An școlar", "Perioada", "Clasa", "Medii încheiate", "Medii așteptate", "Procent"]
    return [header, *[[stats.year.name, scope, row.class_name, row.closed if row.applies else "",
                       row.expected if row.applies else "", "" if row.percent is None else row.percent]
                      for row in stats.closing]]


@bp.get("/export/<table>.csv")
@auth_required()
def export(table: str) -> Any:
    """One table of the page as CSV (UTF-8 with BOM, `;`-separated: Excel shows ș/ț)."""
    user = _require_viewer()
    if table not in TABLES:
        abort(404)
    _years, year, _periods, period = _chosen(user)
    if year is None:
        abort(404)
    stats = compute_statistics(year, period)
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows([spreadsheet_safe(cell) for cell in row] for row in csv_rows(stats, table))
    filename = f"statistici-{table}-{stats.slug}.csv"
    return Response(buffer.getvalue().encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
