"""Staff annual evaluation (issue 9; rules.md §9 R-EVS-01..13, R-EVN-01..10; 002; 001 Art. 54).

- `Department`, `StaffMember`: who is staff of which category, in which catedră/compartiment, and
  the employment facts that decide whether a non-teaching employee may be evaluated (R-EVN-03).
- `PublicHoliday`: the school's calendar of non-working days (Codul muncii art. 139), used by the
  working-day deadlines of teaching-staff contestations (R-EVS-10, R-EVS-12).
- `EvaluationCampaign` with its `EvaluationCriterion` rows: one campaign per school year and staff
  category, with the procedure's calendar and the configurable sheet.
- `EvaluationSheet` with its `EvaluationScore` rows (one per criterion and stage) and
  `EvaluationParticipant` rows (the department members and board members who scored it).
- `EvaluationContestation` and `EvaluationCommissionMember`: contestations and the commission that
  solves them (R-EVS-11, R-EVS-12, R-EVN-09).
- `EvaluationView`: every read of a sheet (evaluations are personal data, issue 9 item 5).

Every table is versioned, so the history shows each stage with its user, time and reason.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from schema.db import db, utc_now
from schema.school import _in
from schema.tenancy import TenantMixin, tenant_fk, tenant_key

#: Staff categories (personal didactic / didactic auxiliar / nedidactic).
TEACHING = "didactic"
AUXILIARY = "didactic_auxiliar"
NON_TEACHING = "nedidactic"
STAFF_CATEGORIES = (TEACHING, AUXILIARY, NON_TEACHING)
#: Categories evaluated on the 100-point sheet through department and board (002 "Procedura de
#: evaluare anuală a personalului didactic și didactic auxiliar").
POINTS_CATEGORIES = (TEACHING, AUXILIARY)
CATEGORY_LABELS = {
    TEACHING: "Personal didactic",
    AUXILIARY: "Personal didactic auxiliar",
    NON_TEACHING: "Personal nedidactic",
}

DEPARTMENT_KINDS = ("catedra", "compartiment")
DEPARTMENT_KIND_LABELS = {"catedra": "Catedră", "compartiment": "Compartiment funcțional"}

# Sheet stages, in order. Teaching/auxiliary: opened -> self_evaluated -> department_scored ->
# board_scored -> communicated. Non-teaching: opened -> evaluated -> interviewed -> countersigned
# (skipped when there is no countersigner) -> informed.
TEACHING_STAGES = ("opened", "self_evaluated", "department_scored", "board_scored", "communicated")
NON_TEACHING_STAGES = ("opened", "evaluated", "interviewed", "countersigned", "informed")
SHEET_STAGES = tuple(dict.fromkeys(TEACHING_STAGES + NON_TEACHING_STAGES))
STAGE_LABELS = {
    "opened": "Deschisă",
    "self_evaluated": "Autoevaluată",
    "department_scored": "Evaluată în catedră/compartiment",
    "board_scored": "Evaluată în consiliul de administrație",
    "communicated": "Comunicată",
    "evaluated": "Notată de evaluator",
    "interviewed": "Interviu semnat",
    "countersigned": "Contrasemnată",
    "informed": "Adusă la cunoștința salariatului",
}

# Score rows: which stage of the sheet gave the score.
SCORE_STAGES = ("self", "department", "board", "evaluator", "countersigner")
SCORE_STAGE_LABELS = {
    "self": "Autoevaluare",
    "department": "Catedră/compartiment",
    "board": "Consiliul de administrație",
    "evaluator": "Evaluator",
    "countersigner": "Contrasemnatar",
}

PARTICIPANT_ROLES = ("department_member", "board_member")
CONTESTATION_STATES = ("filed", "admitted", "rejected")
CONTESTATION_STATE_LABELS = {"filed": "Depusă", "admitted": "Admisă", "rejected": "Respinsă"}


class Department(TenantMixin, db.Model):
    """A catedră (teachers of a subject area) or a functional compartment (secretariat,
    administrativ...), with its head (responsabil/șef), who enters the department's scores."""

    __tablename__ = "departments"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        tenant_fk("head_id", "users"),
        sa.UniqueConstraint("school_id", "name"),
        sa.CheckConstraint(_in("kind", DEPARTMENT_KINDS), name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(150))
    #: catedra or compartiment.
    kind: Mapped[str] = mapped_column(sa.String(20), default="catedra")
    #: The responsabil de catedră / șef de compartiment.
    head_id: Mapped[int | None] = mapped_column()
    #: Soft delete: an inactive department keeps its history but gets no new sheets.
    is_active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())

    head = relationship("User", foreign_keys=[head_id])

    def __str__(self) -> str:
        return self.name


class StaffMember(TenantMixin, db.Model):
    """A user employed by the school, with the facts the evaluation needs (R-EVN-03)."""

    __tablename__ = "staff_members"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        tenant_fk("user_id", "users"),
        tenant_fk("department_id", "departments"),
        tenant_fk("superior_id", "users"),
        sa.UniqueConstraint("school_id", "user_id"),
        sa.CheckConstraint(_in("category", STAFF_CATEGORIES), name="category_known"),
        sa.CheckConstraint(
            "employment_ended_on IS NULL OR employment_started_on <= employment_ended_on",
            name="employment_dates_ordered",
        ),
        sa.CheckConstraint("NOT is_debutant OR probation_ends_on IS NOT NULL", name="debutant_has_probation_end"),
        sa.CheckConstraint("superior_id IS NULL OR superior_id <> user_id", name="not_own_superior"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(index=True)
    #: didactic, didactic_auxiliar or nedidactic.
    category: Mapped[str] = mapped_column(sa.String(20))
    #: The post (funcția), e.g. "profesor", "secretar", "îngrijitor".
    job_title: Mapped[str] = mapped_column(sa.String(100))
    department_id: Mapped[int | None] = mapped_column()
    #: Non-teaching staff: the direct superior, who is the evaluator (R-EVN-01, R-EVN-08). The
    #: superior's own superior countersigns; none when the evaluator is the director.
    superior_id: Mapped[int | None] = mapped_column()
    employment_started_on: Mapped[date]
    #: Contract ended (the person stays for the history; no new sheets after this day).
    employment_ended_on: Mapped[date | None]
    #: Hired as debutant: evaluated only after the probation (stagiu) ends (R-EVN-03 a).
    is_debutant: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    probation_ends_on: Mapped[date | None]
    #: The individual labour contract is suspended now (R-EVN-03 b).
    contract_suspended: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    #: The day activity resumed after the last contract suspension (evaluated 6 months after it).
    suspension_resumed_on: Mapped[date | None]
    #: The day activity resumed after at least 12 months without activity (sick, maternity,
    #: childcare, unpaid leave; R-EVN-03 c): evaluated 6-12 months after it.
    long_absence_resumed_on: Mapped[date | None]
    #: Soft delete.
    is_active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())

    user = relationship("User", foreign_keys=[user_id])
    department = relationship("Department", foreign_keys=[department_id])
    superior = relationship("User", foreign_keys=[superior_id])

    def __str__(self) -> str:
        return f"{self.user} ({self.job_title})" if self.user else self.job_title


class PublicHoliday(TenantMixin, db.Model):
    """A legal public holiday (Codul muncii art. 139): not a working day for the deadlines."""

    __tablename__ = "public_holidays"
    __versioned__: dict = {}
    __table_args__ = (tenant_key(), sa.UniqueConstraint("school_id", "day"))

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date]
    name: Mapped[str] = mapped_column(sa.String(100))
    #: Soft delete: a day entered by mistake stops counting as a holiday.
    is_active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())

    def __str__(self) -> str:
        return f"{self.day:%d.%m.%Y} {self.name}"


class EvaluationCampaign(TenantMixin, db.Model):
    """The yearly evaluation of one staff category, with the procedure's calendar (R-EVS-01,
    annex 1 of 002, not in the seed: the director sets the dates)."""

    __tablename__ = "evaluation_campaigns"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        tenant_fk("year_id", "school_years"),
        tenant_fk("created_by_id", "users"),
        sa.UniqueConstraint("school_id", "year_id", "category"),
        sa.CheckConstraint(_in("category", STAFF_CATEGORIES), name="category_known"),
        sa.CheckConstraint("evaluated_from <= evaluated_to", name="evaluated_period_ordered"),
        sa.CheckConstraint("starts_on <= ends_on", name="evaluation_window_ordered"),
        sa.CheckConstraint("ends_on <= communication_deadline", name="communication_after_window"),
        sa.CheckConstraint(
            "category = 'nedidactic' OR (department_meeting_on IS NOT NULL AND board_meeting_on IS NOT NULL "
            "AND ends_on <= department_meeting_on AND department_meeting_on <= board_meeting_on "
            "AND board_meeting_on <= communication_deadline)",
            name="teaching_calendar_complete",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The school year the campaign belongs to (for non-teaching staff: the year in which the
    #: evaluation takes place, January).
    year_id: Mapped[int] = mapped_column(index=True)
    category: Mapped[str] = mapped_column(sa.String(20))
    name: Mapped[str] = mapped_column(sa.String(150))
    #: The evaluated activity: the school year (teaching) or 1 Jan - 31 Dec (non-teaching, R-EVN-02).
    evaluated_from: Mapped[date]
    evaluated_to: Mapped[date]
    #: Teaching: the self-evaluation period; non-teaching: the evaluation period (1-31 January).
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    department_meeting_on: Mapped[date | None]
    board_meeting_on: Mapped[date | None]
    #: "Termenul final de acordare și comunicare a calificativului": contestation filing counts
    #: 2 working days from it (R-EVS-10).
    communication_deadline: Mapped[date]
    created_by_id: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utc_now)
    #: Soft delete / archive: no new sheets.
    is_closed: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    year = relationship("SchoolYear", foreign_keys=[year_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    criteria = relationship(
        "EvaluationCriterion",
        primaryjoin="EvaluationCampaign.id == EvaluationCriterion.campaign_id",
        foreign_keys="EvaluationCriterion.campaign_id",
        order_by="EvaluationCriterion.position",
        viewonly=True,
    )

    @property
    def uses_points(self) -> bool:
        """Teaching and auxiliary staff: 100-point sheet; non-teaching: marks 1-5."""
        return self.category in POINTS_CATEGORIES

    def __str__(self) -> str:
        return self.name


class EvaluationCriterion(TenantMixin, db.Model):
    """One criterion of a campaign's sheet, inside its domain (R-EVS-03; R-EVN-05)."""

    __tablename__ = "evaluation_criteria"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        tenant_fk("campaign_id", "evaluation_campaigns"),
        sa.UniqueConstraint("campaign_id", "position"),
        sa.CheckConstraint("max_score IS NULL OR (max_score > 0 AND max_score <= 100)", name="max_score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(index=True)
    #: Order on the sheet.
    position: Mapped[int]
    #: "a".."g" for the teaching domains of 002; "1".. for non-teaching criteria.
    domain_code: Mapped[str] = mapped_column(sa.String(10))
    domain_title: Mapped[str] = mapped_column(sa.String(200))
    #: "I", "II"... inside the domain.
    code: Mapped[str] = mapped_column(sa.String(10))
    text: Mapped[str] = mapped_column(sa.Text)
    #: Teaching/auxiliary: the criterion's maximum points (a campaign's active criteria total 100).
    #: Non-teaching: NULL (every criterion is marked 1-5).
    max_score: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2))
    #: Soft delete: removed from the sheet before any score was given.
    is_active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())

    campaign = relationship("EvaluationCampaign", foreign_keys=[campaign_id])

    def __str__(self) -> str:
        return f"{self.domain_code}) {self.code}. {self.text[:60]}"


class EvaluationSheet(TenantMixin, db.Model):
    """One employee's fișa de (auto)evaluare in one campaign, with the outcome of each stage."""

    __tablename__ = "evaluation_sheets"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        tenant_fk("campaign_id", "evaluation_campaigns"),
        tenant_fk("staff_member_id", "staff_members"),
        tenant_fk("employee_id", "users"),
        tenant_fk("department_id", "departments"),
        tenant_fk("opened_by_id", "users"),
        tenant_fk("self_report_attachment_id", "attachments"),
        tenant_fk("department_scored_by_id", "users"),
        tenant_fk("department_minutes_attachment_id", "attachments"),
        tenant_fk("board_scored_by_id", "users"),
        tenant_fk("communicated_by_id", "users"),
        tenant_fk("evaluator_id", "users"),
        tenant_fk("countersigner_id", "users"),
        sa.UniqueConstraint("campaign_id", "staff_member_id"),
        sa.CheckConstraint(_in("stage", SHEET_STAGES), name="stage_known"),
        sa.CheckConstraint("self_total IS NULL OR (self_total >= 0 AND self_total <= 100)", name="self_total_range"),
        sa.CheckConstraint(
            "department_total IS NULL OR (department_total >= 0 AND department_total <= 100)",
            name="department_total_range",
        ),
        sa.CheckConstraint(
            "final_score IS NULL OR (final_score >= 0 AND final_score <= 100)", name="final_score_range"
        ),
        sa.CheckConstraint(
            "countersigner_id IS NULL OR countersigner_id <> evaluator_id", name="countersigner_not_evaluator"
        ),
        sa.CheckConstraint("evaluator_id IS NULL OR evaluator_id <> employee_id", name="not_own_evaluator"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(index=True)
    staff_member_id: Mapped[int] = mapped_column()
    #: The evaluated employee (StaffMember.user_id, kept here for the access checks).
    employee_id: Mapped[int] = mapped_column(index=True)
    #: The employee's department when the sheet was opened (its head scores it).
    department_id: Mapped[int | None] = mapped_column(index=True)
    stage: Mapped[str] = mapped_column(sa.String(20), default="opened")
    opened_by_id: Mapped[int] = mapped_column()
    opened_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utc_now)

    # --- teaching / auxiliary: self-evaluation (R-EVS-02 a) ---
    self_total: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2))
    #: The raport de autoevaluare justifying the self-evaluation score.
    self_report_attachment_id: Mapped[int | None] = mapped_column()
    self_evaluated_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    # --- department (catedră/compartiment, R-EVS-02 b, R-EVS-06) ---
    department_total: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2))
    #: The head who entered the score agreed by the members (members: EvaluationParticipant).
    department_scored_by_id: Mapped[int | None] = mapped_column()
    department_scored_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    department_meeting_on: Mapped[date | None]
    #: The meeting's minutes (procesul-verbal): text and/or a scanned file.
    department_minutes: Mapped[str | None] = mapped_column(sa.Text)
    department_minutes_attachment_id: Mapped[int | None] = mapped_column()

    # --- board (consiliul de administrație, R-EVS-07) ---
    #: The final score (after an admitted contestation: the commission's score).
    final_score: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2))
    #: Foarte bine / Bine / Satisfăcător / Nesatisfăcător (teaching) or the non-teaching rating.
    rating: Mapped[str | None] = mapped_column(sa.String(20))
    #: The director (or deputy) who entered the board's decision (members: EvaluationParticipant).
    board_scored_by_id: Mapped[int | None] = mapped_column()
    board_scored_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    board_meeting_on: Mapped[date | None]
    #: The employee attended the board meeting.
    present_at_board: Mapped[bool | None]
    #: The employee's argument for the self-evaluation score (susținerea, R-EVS-07).
    employee_argument: Mapped[str | None] = mapped_column(sa.Text)
    #: The board's observations.
    board_notes: Mapped[str | None] = mapped_column(sa.Text)

    # --- communication (R-EVS-09, 001 Art. 54(3)) ---
    #: Absent from the board meeting: the decision must be communicated by this day (3 days).
    communication_due_on: Mapped[date | None]
    communicated_on: Mapped[date | None]
    communicated_by_id: Mapped[int | None] = mapped_column()
    #: Communicated directly at the board meeting (True) or through the secretariat (False).
    communicated_in_person: Mapped[bool | None]

    # --- non-teaching (R-EVN-01, R-EVN-05..08) ---
    evaluator_id: Mapped[int | None] = mapped_column()
    #: The evaluator's superior; NULL when the evaluator is the head of the school.
    countersigner_id: Mapped[int | None] = mapped_column()
    #: The evaluator's final mark: the mean of the criterion marks, cut to 2 decimals.
    evaluator_mark: Mapped[Decimal | None] = mapped_column(sa.Numeric(4, 2))
    evaluated_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: Outstanding results, difficulties, other remarks of the evaluator (002 "evaluatorul...c").
    evaluator_notes: Mapped[str | None] = mapped_column(sa.Text)
    interview_on: Mapped[date | None]
    evaluator_signed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    employee_signed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: The employee's point of view when they disagree (R-EVN-07).
    employee_point_of_view: Mapped[str | None] = mapped_column(sa.Text)
    countersigned_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    countersigner_note: Mapped[str | None] = mapped_column(sa.Text)
    #: The countersigner changed marks (the modified sheet is communicated, R-EVN-08).
    countersigner_modified: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    #: The day the employee learned the rating (non-teaching contestation counts from it).
    informed_on: Mapped[date | None]
    #: Final mark of a non-teaching sheet (1-5, 2 decimals).
    final_mark: Mapped[Decimal | None] = mapped_column(sa.Numeric(4, 2))

    campaign = relationship("EvaluationCampaign", foreign_keys=[campaign_id])
    staff_member = relationship("StaffMember", foreign_keys=[staff_member_id])
    employee = relationship("User", foreign_keys=[employee_id])
    department = relationship("Department", foreign_keys=[department_id])
    opened_by = relationship("User", foreign_keys=[opened_by_id])
    self_report = relationship("Attachment", foreign_keys=[self_report_attachment_id])
    department_scored_by = relationship("User", foreign_keys=[department_scored_by_id])
    department_minutes_file = relationship("Attachment", foreign_keys=[department_minutes_attachment_id])
    board_scored_by = relationship("User", foreign_keys=[board_scored_by_id])
    communicated_by = relationship("User", foreign_keys=[communicated_by_id])
    evaluator = relationship("User", foreign_keys=[evaluator_id])
    countersigner = relationship("User", foreign_keys=[countersigner_id])

    def __str__(self) -> str:
        return f"Fișa de evaluare: {self.employee}" if self.employee else f"Fișa de evaluare {self.id}"


class EvaluationScore(TenantMixin, db.Model):
    """The score (teaching: 0..max points; non-teaching: mark 1-5) one stage gave one criterion."""

    __tablename__ = "evaluation_scores"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        tenant_fk("sheet_id", "evaluation_sheets"),
        tenant_fk("criterion_id", "evaluation_criteria"),
        tenant_fk("entered_by_id", "users"),
        sa.UniqueConstraint("sheet_id", "criterion_id", "stage"),
        sa.CheckConstraint(_in("stage", SCORE_STAGES), name="stage_known"),
        sa.CheckConstraint("score >= 0 AND score <= 100", name="score_range"),
        sa.CheckConstraint(
            "stage NOT IN ('evaluator', 'countersigner') OR (score >= 1 AND score <= 5)", name="mark_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(index=True)
    criterion_id: Mapped[int] = mapped_column()
    #: self, department, board, evaluator or countersigner.
    stage: Mapped[str] = mapped_column(sa.String(20))
    score: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2))
    entered_by_id: Mapped[int] = mapped_column()
    entered_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utc_now)

    sheet = relationship("EvaluationSheet", foreign_keys=[sheet_id])
    criterion = relationship("EvaluationCriterion", foreign_keys=[criterion_id])
    entered_by = relationship("User", foreign_keys=[entered_by_id])

    def __str__(self) -> str:
        return f"{self.stage}: {self.score}"


class EvaluationParticipant(TenantMixin, db.Model):
    """A member of the department meeting or of the board who scored a sheet (R-EVS-02 b, R-EVS-07);
    such a person may not sit in the contestation commission for it (R-EVS-11)."""

    __tablename__ = "evaluation_participants"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        tenant_fk("sheet_id", "evaluation_sheets"),
        tenant_fk("user_id", "users"),
        sa.UniqueConstraint("sheet_id", "user_id", "role"),
        sa.CheckConstraint(_in("role", PARTICIPANT_ROLES), name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(index=True)
    user_id: Mapped[int] = mapped_column(index=True)
    #: department_member or board_member.
    role: Mapped[str] = mapped_column(sa.String(20))

    sheet = relationship("EvaluationSheet", foreign_keys=[sheet_id])
    user = relationship("User", foreign_keys=[user_id])


class EvaluationCommissionMember(TenantMixin, db.Model):
    """A member of a campaign's contestation commission (director's decision; R-EVS-11, R-EVN-09)."""

    __tablename__ = "evaluation_commission_members"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        tenant_fk("campaign_id", "evaluation_campaigns"),
        tenant_fk("user_id", "users"),
        tenant_fk("appointed_by_id", "users"),
        sa.UniqueConstraint("campaign_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(index=True)
    user_id: Mapped[int] = mapped_column()
    #: The director's decision (number/date) appointing the commission.
    decision_reference: Mapped[str] = mapped_column(sa.String(100))
    appointed_by_id: Mapped[int] = mapped_column()
    appointed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utc_now)
    #: Soft delete: replaced by a later decision.
    is_active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())

    campaign = relationship("EvaluationCampaign", foreign_keys=[campaign_id])
    user = relationship("User", foreign_keys=[user_id])
    appointed_by = relationship("User", foreign_keys=[appointed_by_id])


class EvaluationContestation(TenantMixin, db.Model):
    """An employee's contestation of the score/rating (R-EVS-10..12, R-EVN-09); one per sheet."""

    __tablename__ = "evaluation_contestations"
    __versioned__: dict = {}
    __table_args__ = (
        tenant_key(),
        tenant_fk("sheet_id", "evaluation_sheets"),
        tenant_fk("filed_by_id", "users"),
        tenant_fk("decided_by_id", "users"),
        sa.UniqueConstraint("sheet_id"),
        sa.CheckConstraint(_in("state", CONTESTATION_STATES), name="state_known"),
        sa.CheckConstraint("(state = 'filed') = (decided_on IS NULL)", name="decision_complete"),
        sa.CheckConstraint("(state = 'admitted') = (new_score IS NOT NULL)", name="admitted_has_score"),
        sa.CheckConstraint("new_score IS NULL OR (new_score >= 0 AND new_score <= 100)", name="new_score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column()
    filed_by_id: Mapped[int] = mapped_column()
    #: Registered at the secretariat on this day.
    filed_on: Mapped[date]
    filed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utc_now)
    grounds: Mapped[str] = mapped_column(sa.Text)
    #: Computed at filing: the last day to file and the last day to solve.
    filing_deadline: Mapped[date]
    solving_deadline: Mapped[date]
    #: The employee asked for the union's representative as observer (R-EVS-12).
    union_observer_requested: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    union_observer_name: Mapped[str | None] = mapped_column(sa.String(150))
    #: The observer's remarks, minuted on request.
    union_observer_remarks: Mapped[str | None] = mapped_column(sa.Text)
    state: Mapped[str] = mapped_column(sa.String(10), default="filed")
    decided_on: Mapped[date | None]
    decided_by_id: Mapped[int | None] = mapped_column()
    decision_text: Mapped[str | None] = mapped_column(sa.Text)
    #: Admitted: the new final score (teaching, points) or final mark (non-teaching, 1-5).
    new_score: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2))
    new_rating: Mapped[str | None] = mapped_column(sa.String(20))
    previous_score: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2))
    previous_rating: Mapped[str | None] = mapped_column(sa.String(20))
    #: Non-teaching: the result must be communicated by this day (5 calendar days, R-EVN-09).
    result_due_on: Mapped[date | None]
    result_communicated_on: Mapped[date | None]

    sheet = relationship("EvaluationSheet", foreign_keys=[sheet_id])
    filed_by = relationship("User", foreign_keys=[filed_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])

    def __str__(self) -> str:
        return f"Contestație {self.filed_on:%d.%m.%Y} ({CONTESTATION_STATE_LABELS.get(self.state, self.state)})"


class EvaluationView(TenantMixin, db.Model):
    """Who opened which evaluation sheet, what they looked at, when and from where (evaluations
    are personal data; like PersonalDataAccess, which is keyed by student)."""

    __tablename__ = "evaluation_views"
    __versioned__: dict = {}
    __table_args__ = (tenant_fk("user_id", "users"), tenant_fk("sheet_id", "evaluation_sheets"))

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utc_now, index=True)
    user_id: Mapped[int] = mapped_column(index=True)
    sheet_id: Mapped[int] = mapped_column(index=True)
    #: What was opened: "fișa de evaluare", "fișa PDF", "lista hotărârilor"...
    what: Mapped[str] = mapped_column(sa.String(100))
    ip: Mapped[str | None] = mapped_column(sa.String(64))

    user = relationship("User", foreign_keys=[user_id])
    sheet = relationship("EvaluationSheet", foreign_keys=[sheet_id])
