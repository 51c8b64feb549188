"""Students, guardians, enrolments and exemptions (rules.md §2.7–2.8, §3.8–3.9)."""

from __future__ import annotations

from datetime import date, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from schema.cnp import birth_date_from_cnp, cnp_problem
from schema.db import db
from schema.errors import InvariantViolation
from schema.school import _in
from schema.tenancy import TenantMixin, tenant_fk, tenant_key

ENROLMENT_STATUSES = ("active", "transferred", "withdrawn", "graduated")
GUARDIAN_KINDS = ("mama", "tata", "tutore", "susținător legal")
EXEMPTION_KINDS = ("pe_medical", "religion_opt_out")


def _check_cnp(value: str | None, *, required: bool) -> str | None:
    if value is None or value == "":
        if required:
            raise InvariantViolation("cnp_missing", "CNP-ul este obligatoriu.", "The CNP is required.")
        return None
    problem = cnp_problem(value)
    if problem:
        raise InvariantViolation("cnp_invalid", f"CNP invalid ({value}): {problem}", f"Invalid CNP {value!r}.")
    return value


class Student(TenantMixin, db.Model):
    """A student's personal record (kept by the secretary and the class master)."""

    __tablename__ = "students"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        sa.UniqueConstraint("school_id", "cnp"),
        sa.CheckConstraint("length(cnp) = 13", name="cnp_length"),
        sa.CheckConstraint("sex IN ('M', 'F')", name="sex_known"),
        tenant_fk("user_id", "users"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Cod numeric personal, validated with its control digit.
    cnp: Mapped[str] = mapped_column(sa.String(13))
    last_name: Mapped[str] = mapped_column(sa.String(100))
    first_name: Mapped[str] = mapped_column(sa.String(100))
    #: Initiala tatălui, as written in the catalog and the foaia matricolă.
    father_initial: Mapped[str | None] = mapped_column(sa.String(5))
    sex: Mapped[str] = mapped_column(sa.String(1))
    birth_date: Mapped[date]
    birth_place: Mapped[str | None] = mapped_column(sa.String(100))
    citizenship: Mapped[str] = mapped_column(sa.String(50), default="română")
    address: Mapped[str | None] = mapped_column(sa.String(300))
    #: Commuters: the arrival time written next to the name in the catalog (001 Art. 204(3)).
    commuter_arrival_time: Mapped[time | None]
    #: The student's own (read-only) account, if any.
    user_id: Mapped[int | None] = mapped_column(unique=True)
    #: GDPR restriction of processing: read-only, left out of all but legally required exports.
    is_restricted: Mapped[bool] = mapped_column(default=False)

    user = relationship("User", foreign_keys=[user_id])
    guardian_links = relationship("StudentGuardian", back_populates="student", foreign_keys="StudentGuardian.student_id")
    enrolments = relationship("Enrolment", back_populates="student", foreign_keys="Enrolment.student_id")

    @validates("cnp")
    def _validate_cnp(self, _key: str, value: str) -> str:
        return _check_cnp(value, required=True)

    @validates("birth_date")
    def _validate_birth_date(self, _key: str, value: date) -> date:
        encoded = birth_date_from_cnp(self.cnp) if self.cnp else None
        if encoded is not None and value != encoded:
            raise InvariantViolation(
                "birth_date_mismatch",
                f"Data nașterii {value:%d.%m.%Y} nu corespunde CNP-ului ({encoded:%d.%m.%Y}).",
                "The birth date does not match the CNP.",
            )
        return value

    @property
    def full_name(self) -> str:
        initial = f" {self.father_initial}" if self.father_initial else ""
        return f"{self.last_name}{initial} {self.first_name}"

    def __str__(self) -> str:
        return self.full_name


class Guardian(TenantMixin, db.Model):
    """A parent, tutor or legal supporter (001 Art. 168-175)."""

    __tablename__ = "guardians"
    __versioned__: dict = {}
    __table_args__ = (tenant_key(), tenant_fk("user_id", "users"))

    id: Mapped[int] = mapped_column(primary_key=True)
    last_name: Mapped[str] = mapped_column(sa.String(100))
    first_name: Mapped[str] = mapped_column(sa.String(100))
    cnp: Mapped[str | None] = mapped_column(sa.String(13))
    phone: Mapped[str | None] = mapped_column(sa.String(30))
    email: Mapped[str | None] = mapped_column(sa.String(200))
    address: Mapped[str | None] = mapped_column(sa.String(300))
    #: The guardian's portal account, if one was created.
    user_id: Mapped[int | None] = mapped_column(unique=True)

    user = relationship("User", foreign_keys=[user_id])
    student_links = relationship("StudentGuardian", back_populates="guardian", foreign_keys="StudentGuardian.guardian_id")

    @validates("cnp")
    def _validate_cnp(self, _key: str, value: str | None) -> str | None:
        return _check_cnp(value, required=False)

    @property
    def full_name(self) -> str:
        return f"{self.last_name} {self.first_name}"

    def __str__(self) -> str:
        return self.full_name


class StudentGuardian(TenantMixin, db.Model):
    """Links a student to one of their guardians (a student may have several)."""

    __tablename__ = "student_guardians"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        sa.UniqueConstraint("student_id", "guardian_id"),
        tenant_fk("student_id", "students"),
        tenant_fk("guardian_id", "guardians"),
        sa.CheckConstraint(_in("kind", GUARDIAN_KINDS), name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(index=True)
    guardian_id: Mapped[int] = mapped_column(index=True)
    #: mama, tata, tutore or susținător legal.
    kind: Mapped[str] = mapped_column(sa.String(20))
    is_primary_contact: Mapped[bool] = mapped_column(default=False)

    student = relationship(Student, back_populates="guardian_links", foreign_keys=[student_id])
    guardian = relationship(Guardian, back_populates="student_links", foreign_keys=[guardian_id])


class Enrolment(TenantMixin, db.Model):
    """A student in a class for a school year; a transfer closes it and opens another.

    At most one *active* enrolment per student and year (partial unique index); transferred and
    withdrawn enrolments stay, so the history of classes is kept.
    """

    __tablename__ = "enrolments"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        sa.UniqueConstraint("school_id", "id", "class_id"),
        tenant_fk("student_id", "students"),
        tenant_fk("year_id", "school_years"),
        #: The class belongs to the enrolment's year.
        tenant_fk("class_id", "classes", extra=(("year_id", "year_id"),)),
        sa.CheckConstraint(_in("status", ENROLMENT_STATUSES), name="status_known"),
        sa.CheckConstraint("ends_on IS NULL OR starts_on <= ends_on", name="dates_ordered"),
        sa.CheckConstraint("status = 'active' OR ends_on IS NOT NULL", name="closed_has_end"),
        sa.Index(
            "uq_enrolments_one_active_per_year",
            "student_id",
            "year_id",
            unique=True,
            sqlite_where=sa.text("status = 'active'"),
            postgresql_where=sa.text("status = 'active'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(index=True)
    year_id: Mapped[int] = mapped_column(index=True)
    class_id: Mapped[int] = mapped_column(index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    #: active, transferred, withdrawn or graduated.
    status: Mapped[str] = mapped_column(sa.String(12), default="active")
    #: Why it ended (transfer decision, withdrawal request).
    end_reason: Mapped[str | None] = mapped_column(sa.Text)

    student = relationship(Student, back_populates="enrolments", foreign_keys=[student_id])
    school_class = relationship("SchoolClass", foreign_keys=[class_id])
    year = relationship("SchoolYear", foreign_keys=[year_id])

    def __str__(self) -> str:
        return f"{self.student} — {self.school_class}"


class Exemption(TenantMixin, db.Model):
    """PE medical exemption for a period or the year, or a Religion opt-out (001 Art. 123, 125)."""

    __tablename__ = "exemptions"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        tenant_fk("enrolment_id", "enrolments", extra=(("class_id", "class_id"),)),
        tenant_fk("curriculum_entry_id", "curriculum_entries", extra=(("class_id", "class_id"),)),
        tenant_fk("period_id", "learning_periods"),
        sa.CheckConstraint(_in("kind", EXEMPTION_KINDS), name="kind_known"),
        sa.CheckConstraint(
            "kind <> 'pe_medical' OR (document_number IS NOT NULL AND document_date IS NOT NULL)",
            name="medical_document_required",
        ),
        sa.CheckConstraint("kind <> 'religion_opt_out' OR effective_on IS NOT NULL", name="opt_out_dated"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(index=True)
    class_id: Mapped[int] = mapped_column()
    curriculum_entry_id: Mapped[int] = mapped_column()
    #: pe_medical ("scutit medical") or religion_opt_out.
    kind: Mapped[str] = mapped_column(sa.String(20))
    #: The exempt period; NULL means the whole school year.
    period_id: Mapped[int | None] = mapped_column()
    document_number: Mapped[str | None] = mapped_column(sa.String(50))
    document_date: Mapped[date | None]
    #: Date of the written request that changed the Religion option.
    effective_on: Mapped[date | None]

    enrolment = relationship(Enrolment, foreign_keys=[enrolment_id])
    curriculum_entry = relationship("CurriculumEntry", foreign_keys=[curriculum_entry_id])
    period = relationship("LearningPeriod", foreign_keys=[period_id])
