"""School structure: schools, years, learning periods, grade levels, classes, subjects,
curriculum and teaching assignments (rules.md §2, decisions.md "Periods")."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from schema.db import db
from schema.tenancy import TenantMixin, tenant_fk, tenant_key

#: Rule-set names a school year may use (decisions.md "Rule-sets"); schema.rules holds the data.
RULESET_NAMES = ("rofuip2016", "rofuip2022", "rofuip2024")
PERIOD_KINDS = ("semester", "trimester", "module")
EVALUATION_SCALES = ("descriptive", "calificative", "marks")
EDUCATION_LEVELS = ("primar", "gimnazial", "liceal", "profesional", "postliceal")


def _in(column: str, values: tuple[str, ...]) -> str:
    """SQL text `column IN ('a', 'b')` for a CHECK constraint."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class School(db.Model):
    """A school (unitate de învățământ): the tenant every other row belongs to."""

    __tablename__ = "schools"
    __versioned__: dict = {}
    __table_args__ = (
        sa.CheckConstraint("absence_notice_threshold >= 1", name="notice_threshold_positive"),
        sa.CheckConstraint("max_tests_per_day >= 1 AND max_tests_per_week >= max_tests_per_day", name="test_limits_sane"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    #: The school's code in SIIIR, the national school information system.
    siiir_code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    county: Mapped[str] = mapped_column(sa.String(50))
    locality: Mapped[str] = mapped_column(sa.String(100))
    address: Mapped[str | None] = mapped_column(sa.String(300))
    phone: Mapped[str | None] = mapped_column(sa.String(30))
    email: Mapped[str | None] = mapped_column(sa.String(200))
    #: Communication settings (issue 8; decisions.md "Absences", rules.md R-NOT-01, R-COM-12).
    #: Unexcused absences in a learning period after which the class master is asked to send
    #: the written notice to the parents (the school's ROF sets the number; default 10).
    absence_notice_threshold: Mapped[int] = mapped_column(default=10, server_default="10")
    #: Announced written tests (lucrări, teze) a class may have in one day and in one week
    #: before the teacher announcing another is warned.
    max_tests_per_day: Mapped[int] = mapped_column(default=1, server_default="1")
    max_tests_per_week: Mapped[int] = mapped_column(default=3, server_default="3")

    def __str__(self) -> str:
        return self.name


class SchoolYear(TenantMixin, db.Model):
    """A school year such as 2025-2026, with the rule-set its averages are computed under."""

    __tablename__ = "school_years"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        sa.UniqueConstraint("school_id", "name"),
        sa.CheckConstraint(
            "length(name) = 9 AND substr(name, 5, 1) = '-' AND "
            "CAST(substr(name, 6, 4) AS INTEGER) = CAST(substr(name, 1, 4) AS INTEGER) + 1",
            name="name_format",
        ),
        sa.CheckConstraint("starts_on < ends_on", name="dates_ordered"),
        sa.CheckConstraint(_in("ruleset", RULESET_NAMES), name="ruleset_known"),
        sa.CheckConstraint(_in("period_kind", PERIOD_KINDS), name="period_kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "2025-2026": the first year, a hyphen, the next year.
    name: Mapped[str] = mapped_column(sa.String(9))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    #: semester, trimester or module: every period of the year has this kind (decisions.md).
    period_kind: Mapped[str] = mapped_column(sa.String(12))
    #: Rule-set of all arithmetic for this year; a closed year is never recomputed under another.
    ruleset: Mapped[str] = mapped_column(sa.String(20), default="rofuip2016")
    is_closed: Mapped[bool] = mapped_column(default=False)

    periods = relationship(
        "LearningPeriod", back_populates="year", order_by="LearningPeriod.ordinal", foreign_keys="LearningPeriod.year_id"
    )

    def __str__(self) -> str:
        return self.name


class LearningPeriod(TenantMixin, db.Model):
    """A semester, trimester or learning module of a school year."""

    __tablename__ = "learning_periods"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        sa.UniqueConstraint("school_id", "id", "year_id"),
        sa.UniqueConstraint("year_id", "ordinal"),
        tenant_fk("year_id", "school_years"),
        sa.CheckConstraint("starts_on <= ends_on", name="dates_ordered"),
        sa.CheckConstraint("ordinal >= 1", name="ordinal_positive"),
        sa.CheckConstraint("teaching_weeks BETWEEN 1 AND 40", name="teaching_weeks_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(index=True)
    #: 1 for the first period of the year.
    ordinal: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(50))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    #: Teaching weeks; hours of a subject in the period = weekly hours × teaching weeks.
    teaching_weeks: Mapped[int]

    year = relationship(SchoolYear, back_populates="periods", foreign_keys=[year_id])

    def contains(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def __str__(self) -> str:
        return f"{self.name} {self.year.name if self.year else ''}".strip()


class GradeLevel(TenantMixin, db.Model):
    """A grade (clasa pregătitoare = 0, I … XIII) with its evaluation scale (001 Art. 117(1))."""

    __tablename__ = "grade_levels"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        sa.UniqueConstraint("school_id", "code"),
        sa.CheckConstraint("code BETWEEN 0 AND 13", name="code_range"),
        sa.CheckConstraint(_in("evaluation_scale", EVALUATION_SCALES), name="scale_known"),
        sa.CheckConstraint(_in("education_level", EDUCATION_LEVELS), name="level_known"),
        sa.CheckConstraint(f"ruleset IS NULL OR {_in('ruleset', RULESET_NAMES)}", name="ruleset_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: 0 = clasa pregătitoare, 1 = clasa I, ..., 12 = clasa a XII-a.
    code: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(40))
    education_level: Mapped[str] = mapped_column(sa.String(20))
    #: descriptive (preparatory), calificative (I–IV) or marks (1–10, secondary).
    evaluation_scale: Mapped[str] = mapped_column(sa.String(20))
    #: Compulsory education (decisions.md A8): preaviz and expulsion are refused here.
    is_compulsory: Mapped[bool] = mapped_column(default=True)
    #: Rule-set for this level when it differs from the school year's (decisions.md "Rule-sets":
    #: per school year, and per education level where they differ). NULL: the year's rule-set.
    ruleset: Mapped[str | None] = mapped_column(sa.String(20))

    def __str__(self) -> str:
        return self.name


class SchoolClass(TenantMixin, db.Model):
    """A class (formațiune de studiu) in one school year, with its class master (diriginte)."""

    __tablename__ = "classes"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        sa.UniqueConstraint("school_id", "id", "year_id"),
        sa.UniqueConstraint("year_id", "name"),
        #: A teacher is class master of only one class (001 Art. 72(2)).
        sa.UniqueConstraint("year_id", "class_master_id"),
        tenant_fk("year_id", "school_years"),
        tenant_fk("grade_level_id", "grade_levels"),
        tenant_fk("class_master_id", "users"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(index=True)
    grade_level_id: Mapped[int] = mapped_column()
    #: "a V-a A"
    name: Mapped[str] = mapped_column(sa.String(40))
    #: Profiles with stricter behaviour thresholds (8.00; 001 Art. 58(h)).
    is_pedagogical: Mapped[bool] = mapped_column(default=False)
    is_theological: Mapped[bool] = mapped_column(default=False)
    is_military: Mapped[bool] = mapped_column(default=False)
    #: Artistic and sports classes: the main specialty needs at least 6 (001 Art. 127(1)).
    is_artistic: Mapped[bool] = mapped_column(default=False)
    is_sports: Mapped[bool] = mapped_column(default=False)
    class_master_id: Mapped[int | None] = mapped_column()

    year = relationship(SchoolYear, foreign_keys=[year_id])
    grade_level = relationship(GradeLevel, foreign_keys=[grade_level_id])
    class_master = relationship("User", foreign_keys=[class_master_id])
    curriculum = relationship("CurriculumEntry", back_populates="school_class", foreign_keys="CurriculumEntry.class_id")

    @property
    def has_strict_behaviour_threshold(self) -> bool:
        return self.is_pedagogical or self.is_theological or self.is_military

    def __str__(self) -> str:
        return f"{self.name} ({self.year.name})" if self.year else self.name


class Subject(TenantMixin, db.Model):
    """A discipline; Religion and PE carry their special rules (001 Art. 123, 125)."""

    __tablename__ = "subjects"
    __versioned__: dict = {}
    __table_args__ = (tenant_key(), sa.UniqueConstraint("school_id", "name"))

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    short_name: Mapped[str] = mapped_column(sa.String(20))
    is_religion: Mapped[bool] = mapped_column(default=False)
    is_physical_education: Mapped[bool] = mapped_column(default=False)
    #: Predominantly practical: no compulsory written evaluation (001 Art. 115(2)).
    is_practical: Mapped[bool] = mapped_column(default=False)

    def __str__(self) -> str:
        return self.name


class CurriculumEntry(TenantMixin, db.Model):
    """A subject in a class's plan: weekly hours, or a module's hours and dates."""

    __tablename__ = "curriculum_entries"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        sa.UniqueConstraint("school_id", "id", "class_id"),
        sa.UniqueConstraint("class_id", "subject_id"),
        tenant_fk("class_id", "classes"),
        tenant_fk("subject_id", "subjects"),
        sa.CheckConstraint("weekly_hours BETWEEN 1 AND 35 OR weekly_hours IS NULL", name="weekly_hours_range"),
        sa.CheckConstraint("module_hours >= 1 OR module_hours IS NULL", name="module_hours_positive"),
        sa.CheckConstraint("weekly_hours IS NOT NULL OR module_hours IS NOT NULL", name="hours_given"),
        sa.CheckConstraint(
            "module_starts_on IS NULL OR module_ends_on IS NULL OR module_starts_on <= module_ends_on",
            name="module_dates_ordered",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(index=True)
    subject_id: Mapped[int] = mapped_column()
    #: Weekly hours in the framework plan (minimum marks, absence thresholds).
    weekly_hours: Mapped[int | None]
    #: Total hours of a module of a modular curriculum (001 Art. 118(5)).
    module_hours: Mapped[int | None]
    module_starts_on: Mapped[date | None]
    module_ends_on: Mapped[date | None]

    school_class = relationship(SchoolClass, back_populates="curriculum", foreign_keys=[class_id])
    subject = relationship(Subject, foreign_keys=[subject_id])
    thesis_periods = relationship("CurriculumThesis", foreign_keys="CurriculumThesis.curriculum_entry_id")
    assignments = relationship("TeachingAssignment", back_populates="curriculum_entry", foreign_keys="TeachingAssignment.curriculum_entry_id")

    def has_thesis_in(self, period_id: int) -> bool:
        return any(t.period_id == period_id for t in self.thesis_periods)

    def __str__(self) -> str:
        class_name = self.school_class.name if self.school_class else "?"
        subject_name = self.subject.name if self.subject else "?"
        return f"{subject_name}, {class_name}"


class CurriculumThesis(TenantMixin, db.Model):
    """A period in which a subject of a class has a teză (set by ministerial order, Art. 118(7))."""

    __tablename__ = "curriculum_theses"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        sa.UniqueConstraint("curriculum_entry_id", "period_id"),
        tenant_fk("curriculum_entry_id", "curriculum_entries", ondelete="CASCADE"),
        tenant_fk("period_id", "learning_periods"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    curriculum_entry_id: Mapped[int] = mapped_column()
    period_id: Mapped[int] = mapped_column()

    period = relationship(LearningPeriod, foreign_keys=[period_id])


class TeachingAssignment(TenantMixin, db.Model):
    """Încadrare: a teacher teaches a subject of a class; their write rights follow from it."""

    __tablename__ = "teaching_assignments"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        sa.UniqueConstraint("curriculum_entry_id", "teacher_id"),
        tenant_fk("curriculum_entry_id", "curriculum_entries"),
        tenant_fk("teacher_id", "users"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    curriculum_entry_id: Mapped[int] = mapped_column(index=True)
    teacher_id: Mapped[int] = mapped_column(index=True)

    curriculum_entry = relationship(CurriculumEntry, back_populates="assignments", foreign_keys=[curriculum_entry_id])
    teacher = relationship("User", foreign_keys=[teacher_id])

    def __str__(self) -> str:
        return f"{self.teacher} — {self.curriculum_entry}"
