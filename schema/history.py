"""Reading the version history (SQLAlchemy-Continuum) for the auditors' history browser.

Pure reads, no writes. Every versioned table has a `<table>_version` table holding one row per
change of a row: its values after the change, `transaction_id` and `operation_type` (0 insert,
1 update, 2 delete). The `transaction` table says who (user_id), when (issued_at, naive UTC), from
where (remote_addr) and why (reason).

The version tables are read with Core, not with the version classes, so association tables
(roles_users) read the same way as the others, and a page costs a fixed number of queries
whatever its content (docs/decisions.md §1):

1. one query lists the page's (table, row, transaction) triples, newest first;
2. one query per table on the page loads those versions *and* their previous versions
   (a self-join on the latest earlier transaction of the same row);
3. one query loads the transactions with their users' names;
4. one query per kind of referenced row (enrolments, curriculum entries, users...) turns ids into
   names for the descriptions and the changed values.

Tenancy: only rows of one school are read. Tenant tables carry `school_id` in their version table
too; `schools` is read by its id; tables keyed by a user (roles_users) are read for the school's
users; tables that belong to no school (roles) are not browsable.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from schema.models import (
    CurriculumEntry,
    Enrolment,
    GradeLevel,
    Guardian,
    LearningPeriod,
    Role,
    SchoolClass,
    SchoolYear,
    Student,
    Subject,
    TeachingAssignment,
    User,
    db,
)
from schema.evaluation import (
    CONTESTATION_STATE_LABELS,
    DEPARTMENT_KIND_LABELS,
    SCORE_STAGE_LABELS,
    STAGE_LABELS,
    EvaluationCampaign,
    EvaluationCriterion,
    EvaluationSheet,
)
from security.policy import STAFF_ROLES

INSERT, UPDATE, DELETE = 0, 1, 2
OPERATION_LABELS = {INSERT: "adăugare", UPDATE: "modificare", DELETE: "ștergere"}
#: URL values of the operation filter.
OPERATION_SLUGS = {"adaugare": INSERT, "modificare": UPDATE, "stergere": DELETE}

#: table → (plural label for the filter, singular label for a row). The main catalog tables first:
#: the filter lists them in this order.
TABLE_LABELS: dict[str, tuple[str, str]] = {
    "marks": ("Note", "Notă"),
    "absences": ("Absențe", "Absență"),
    "motivations": ("Motivări", "Motivare"),
    "motivation_requests": ("Cereri de motivare", "Cerere de motivare"),
    "period_averages": ("Medii semestriale", "Medie semestrială"),
    "annual_averages": ("Medii anuale", "Medie anuală"),
    "behaviour_marks": ("Purtare", "Purtare"),
    "year_results": ("Situații anuale", "Situație anuală"),
    "students": ("Elevi", "Elev"),
    "enrolments": ("Înscrieri", "Înscriere"),
    "classes": ("Clase", "Clasă"),
    "delegations": ("Delegări", "Delegare"),
    "delegation_decisions": ("Decizii de delegare", "Decizie de delegare"),
    "reopen_requests": ("Cereri de redeschidere", "Cerere de redeschidere"),
    "exemptions": ("Scutiri", "Scutire"),
    "guardians": ("Părinți și tutori", "Părinte/tutore"),
    "student_guardians": ("Legături elev–părinte", "Legătură elev–părinte"),
    "rectification_requests": ("Cereri de rectificare (GDPR)", "Cerere de rectificare"),
    "exam_sessions": ("Sesiuni de examen", "Sesiune de examen"),
    "exam_subjects": ("Discipline de examen", "Disciplină de examen"),
    "exam_candidates": ("Candidați la examen", "Candidat la examen"),
    "contestations": ("Contestații", "Contestație"),
    "message_threads": ("Conversații (mesaje)", "Conversație"),
    "thread_participants": ("Participanți la conversații", "Participant la conversație"),
    "messages": ("Mesaje", "Mesaj"),
    "message_recipients": ("Destinatari și confirmări de citire", "Destinatar al mesajului"),
    "subjects": ("Discipline", "Disciplină"),
    "curriculum_entries": ("Plan-cadru (discipline la clase)", "Disciplină la clasă"),
    "curriculum_theses": ("Teze în plan", "Teză în plan"),
    "teaching_assignments": ("Încadrări", "Încadrare"),
    "school_years": ("Ani școlari", "An școlar"),
    "learning_periods": ("Semestre / module", "Perioadă"),
    "grade_levels": ("Niveluri de studiu", "Nivel de studiu"),
    "users": ("Conturi", "Cont"),
    "roles_users": ("Roluri ale conturilor", "Rol al contului"),
    "schools": ("Școala", "Școală"),
    "auth_events": ("Evenimente de autentificare", "Eveniment de autentificare"),
    "personal_data_accesses": ("Accesări ale datelor personale", "Accesare a datelor personale"),
    # Staff annual evaluation (issue 9).
    "evaluation_sheets": ("Fișe de evaluare a personalului", "Fișă de evaluare"),
    "evaluation_scores": ("Punctaje pe criterii (evaluare)", "Punctaj pe criteriu"),
    "evaluation_contestations": ("Contestații la evaluarea personalului", "Contestație la evaluare"),
    "evaluation_commission_members": ("Comisii de contestații (evaluare)", "Membru al comisiei de contestații"),
    "evaluation_participants": ("Participanți la evaluare (catedră, consiliu)", "Participant la evaluare"),
    "evaluation_campaigns": ("Campanii de evaluare", "Campanie de evaluare"),
    "evaluation_criteria": ("Criterii de evaluare", "Criteriu de evaluare"),
    "staff_members": ("Personal (date pentru evaluare)", "Salariat"),
    "departments": ("Catedre și compartimente", "Catedră/compartiment"),
    "public_holidays": ("Zile de sărbătoare legală", "Zi de sărbătoare legală"),
    "evaluation_views": ("Accesări ale fișelor de evaluare", "Accesare a fișei de evaluare"),
}

#: Logs that grow at every login or page view: browsable when chosen, left out of "all tables".
LOG_TABLES = frozenset({"auth_events", "personal_data_accesses", "evaluation_views"})
#: Versioned, but not part of any school's history (global roles) or security material.
HIDDEN_TABLES = frozenset({"roles", "webauthn", "used_totp_codes"})

#: Continuum's own columns, never shown as changed fields.
_BOOKKEEPING = frozenset({"transaction_id", "end_transaction_id", "operation_type"})
#: Never shown as a changed field: the tenant never changes, and the row's id is its identity.
_NOT_SHOWN = frozenset({"school_id"})

FIELD_LABELS = {
    "value": "Valoare",
    "calificativ": "Calificativ",
    "given_on": "Data",
    "kind": "Tip",
    "instrument": "Instrument de evaluare",
    "is_fraud": "Fraudă",
    "teacher_id": "Profesor",
    "entered_late": "Introdus ulterior",
    "created_at": "Creat la",
    "period_id": "Perioada",
    "enrolment_id": "Elev (înscriere)",
    "curriculum_entry_id": "Disciplina",
    "class_id": "Clasa",
    "occurred_on": "Data",
    "lesson_hour": "Ora",
    "state": "Stare",
    "motivation_id": "Motivare",
    "reason": "Motivul",
    "proposal": "Propunere",
    "closed_by_id": "Închisă de",
    "closed_at": "Închisă la",
    "ruleset": "Regulament",
    "ruleset_version": "Versiunea regulamentului",
    "inputs": "Date de calcul",
    "source": "Sursa",
    "status": "Situația",
    "general_average": "Media generală",
    "behaviour_average": "Media la purtare",
    "behaviour_calificativ": "Calificativ la purtare",
    "details": "Detalii",
    "set_by_id": "Stabilită de",
    "set_at": "Stabilită la",
    "needs_council_validation": "Necesită validarea consiliului",
    "document_number": "Nr. document",
    "document_date": "Data documentului",
    "covers_from": "De la",
    "covers_to": "Până la",
    "returned_on": "Data revenirii",
    "presented_on": "Data prezentării",
    "hours": "Ore",
    "approved_by_id": "Aprobată de",
    "approved_at": "Aprobată la",
    "recorded_by_id": "Înregistrată de",
    "first_name": "Prenume",
    "last_name": "Nume",
    "father_initial": "Inițiala tatălui",
    "name": "Denumire",
    "short_name": "Abreviere",
    "student_id": "Elev",
    "user_id": "Cont",
    "role_id": "Rol",
    "starts_on": "Începe la",
    "ends_on": "Se încheie la",
    "email": "E-mail",
    "active": "Activ",
    "cnp": "CNP",
    "birth_date": "Data nașterii",
    "birth_place": "Locul nașterii",
    "sex": "Sex",
    "address": "Adresa",
    "citizenship": "Cetățenia",
    "year_id": "Anul școlar",
    "grade_level_id": "Nivel",
    "subject_id": "Disciplina",
    "class_master_id": "Diriginte",
    "weekly_hours": "Ore pe săptămână",
    "from_teacher_id": "De la profesorul",
    "to_teacher_id": "Către profesorul",
    "assignment_id": "Încadrarea",
    "requested_at": "Cerută la",
    "delegation_id": "Delegarea",
    "approved": "Aprobată",
    "decided_by_id": "Decisă de",
    "decided_at": "Decisă la",
    "note": "Observație",
    "guardian_id": "Părinte/tutore",
    "phone": "Telefon",
    # Staff annual evaluation (issue 9).
    "campaign_id": "Campania",
    "sheet_id": "Fișa de evaluare",
    "employee_id": "Salariat",
    "staff_member_id": "Salariat (date de personal)",
    "department_id": "Catedra/compartimentul",
    "criterion_id": "Criteriul",
    "stage": "Etapa",
    "score": "Punctaj/notă",
    "entered_by_id": "Introdus de",
    "entered_at": "Introdus la",
    "self_total": "Total autoevaluare",
    "department_total": "Total catedră/compartiment",
    "final_score": "Punctaj final",
    "rating": "Calificativ",
    "evaluator_mark": "Nota evaluatorului",
    "final_mark": "Nota finală",
    "filed_on": "Depusă la",
    "filed_by_id": "Depusă de",
    "grounds": "Motivele",
    "decided_on": "Data hotărârii",
    "decision_text": "Hotărârea",
    "new_score": "Punctaj/notă nouă",
    "new_rating": "Calificativ nou",
    "category": "Categoria de personal",
    "job_title": "Funcția",
    "head_id": "Responsabil/șef",
    "superior_id": "Șef direct",
    "is_active": "Activ",
    "day": "Ziua",
    "employment_started_on": "Angajat de la",
    "employment_ended_on": "Angajat până la",
    "is_debutant": "Debutant",
    "probation_ends_on": "Perioada de probă până la",
    "contract_suspended": "Contract suspendat",
    "suspension_resumed_on": "Reluarea activității după suspendare",
    "long_absence_resumed_on": "Reluarea activității după absență îndelungată",
    "evaluated_from": "Perioada evaluată, de la",
    "evaluated_to": "Perioada evaluată, până la",
    "department_meeting_on": "Ședința catedrei/compartimentului",
    "board_meeting_on": "Ședința consiliului de administrație",
    "communication_deadline": "Termenul de comunicare",
    "created_by_id": "Creat de",
    "is_closed": "Încheiată",
    "position": "Poziția",
    "domain_code": "Domeniul (cod)",
    "domain_title": "Domeniul",
    "code": "Cod",
    "text": "Textul",
    "max_score": "Punctaj maxim",
    "opened_by_id": "Deschisă de",
    "opened_at": "Deschisă la",
    "self_report_attachment_id": "Raportul de autoevaluare",
    "self_evaluated_at": "Autoevaluare depusă la",
    "department_scored_by_id": "Punctaj de catedră trecut de",
    "department_scored_at": "Punctaj de catedră trecut la",
    "department_minutes": "Procesul-verbal al catedrei",
    "department_minutes_attachment_id": "Procesul-verbal scanat",
    "board_scored_by_id": "Punctaj final trecut de",
    "board_scored_at": "Punctaj final trecut la",
    "present_at_board": "Prezent la consiliu",
    "employee_argument": "Susținerea salariatului",
    "board_notes": "Observațiile consiliului",
    "communication_due_on": "De comunicat până la",
    "communicated_on": "Comunicat la",
    "communicated_by_id": "Comunicare consemnată de",
    "communicated_in_person": "Comunicat direct",
    "evaluator_id": "Evaluator",
    "countersigner_id": "Contrasemnatar",
    "evaluated_at": "Notată la",
    "evaluator_notes": "Consemnările evaluatorului",
    "interview_on": "Data interviului",
    "evaluator_signed_at": "Semnată de evaluator la",
    "employee_signed_at": "Semnată de salariat la",
    "employee_point_of_view": "Punctul de vedere al salariatului",
    "countersigned_at": "Contrasemnată la",
    "countersigner_note": "Motivarea contrasemnatarului",
    "countersigner_modified": "Modificată de contrasemnatar",
    "informed_on": "Adusă la cunoștință la",
    "role": "Rolul",
    "decision_reference": "Decizia de numire",
    "appointed_by_id": "Numit de",
    "appointed_at": "Numit la",
    "filed_at": "Înregistrată la",
    "filing_deadline": "Termen de depunere",
    "solving_deadline": "Termen de soluționare",
    "union_observer_requested": "Observator sindical solicitat",
    "union_observer_name": "Observatorul sindical",
    "union_observer_remarks": "Observațiile observatorului sindical",
    "previous_score": "Punctaj/notă anterioară",
    "previous_rating": "Calificativ anterior",
    "result_due_on": "Rezultat de comunicat până la",
    "result_communicated_on": "Rezultat comunicat la",
    "occurred_at": "Momentul",
    "what": "Ce s-a deschis",
    "ip": "IP",
}

VALUE_LABELS = {
    "state": {"unexcused": "nemotivată", "excused": "motivată", "late": "întârziere", "closed": "închisă",
              "reopened": "redeschisă"},
    "kind": {"regular": "curentă", "thesis": "teză", "exam": "examen", "contestation": "contestație",
             "medical": "medical", "parent_request": "cererea părintelui", "sports": "competiție sportivă",
             "olympiad": "olimpiadă", "representative": "reprezentarea școlii"},
    "instrument": {"oral": "oral", "written": "scris", "test": "test", "practical": "probă practică",
                   "project": "proiect", "portfolio": "portofoliu", "report": "referat", "other": "altul"},
    "status": {"promovat": "promovat", "corigent": "corigent", "repetent": "repetent", "amanat": "amânat"},
    "stage": {**STAGE_LABELS, **SCORE_STAGE_LABELS},
    "role": {"department_member": "membru al catedrei/compartimentului", "board_member": "membru al consiliului"},
}
VALUE_LABELS["state"].update({key: label.lower() for key, label in CONTESTATION_STATE_LABELS.items()})
VALUE_LABELS["kind"].update(DEPARTMENT_KIND_LABELS)

#: Columns whose ids name a row of another table, where the foreign keys do not say so.
_REFERENCE_BY_NAME = {"class_id": "classes", "student_id": "students", "user_id": "users", "role_id": "roles"}

EMPTY = "—"


@dataclass(frozen=True)
class HistoryFilter:
    """What the auditor asked for; None means "any"."""

    tables: tuple[str, ...] | None = None
    user_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    student: str | None = None
    operation: int | None = None


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    """One version of one row: what changed, who, when, from where and why."""

    table: str
    table_label: str
    key: str
    description: str
    operation: int
    transaction_id: int
    issued_at: datetime | None = None
    user_id: int | None = None
    user_name: str | None = None
    remote_addr: str | None = None
    reason: str | None = None
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def operation_label(self) -> str:
        return OPERATION_LABELS.get(self.operation, str(self.operation))


@dataclass(frozen=True)
class _Key:
    """A page's (transaction, table, row) triple."""

    transaction_id: int
    table: str
    key: tuple[int, ...]


# --- tables ------------------------------------------------------------------------------------
def _version_table(table: str) -> sa.Table:
    return db.metadata.tables[f"{table}_version"]


@functools.cache
def _primary_key(table: str) -> tuple[str, ...]:
    return tuple(column.name for column in db.metadata.tables[table].primary_key.columns)


def _tenant_clause(table: str, version: sa.Table | sa.Alias, school_id: int) -> sa.ColumnElement[bool] | None:
    """The rows of one school in a version table, or None for tables no school owns.

    Written `school_id + 0` on purpose: one school holds nearly every row, yet SQLite (without
    ANALYZE statistics) prefers an equality index, and would read and sort a whole version table
    instead of walking the transaction_id or primary-key index (80 ms against 0.2 ms for a page
    on the demo school). Every query here has a better index: the key, the transaction or the
    enrolment.
    """
    if table in HIDDEN_TABLES:
        return None
    if "school_id" in version.c:
        return version.c.school_id + 0 == school_id
    if table == "schools":
        return version.c.id == school_id
    if "user_id" in version.c:
        users = db.metadata.tables["users"]
        return version.c.user_id.in_(sa.select(users.c.id).where(users.c.school_id == school_id))
    return None


def browsable_tables() -> dict[str, str]:
    """table → label of every versioned table a school's history shows, main catalog tables first."""
    names = [name[: -len("_version")] for name in db.metadata.tables if name.endswith("_version")]
    probe = [name for name in names if name in db.metadata.tables]
    allowed = [name for name in probe if _tenant_clause(name, _version_table(name), 0) is not None]
    order = {name: index for index, name in enumerate(TABLE_LABELS)}
    allowed.sort(key=lambda name: (order.get(name, len(order)), name))
    return {name: TABLE_LABELS.get(name, (name, name))[0] for name in allowed}


def table_label(table: str, *, singular: bool = False) -> str:
    labels = TABLE_LABELS.get(table, (table, table))
    return labels[1] if singular else labels[0]


def encode_key(key: tuple[int, ...]) -> str:
    return "-".join(str(part) for part in key)


def decode_key(table: str, text: str) -> tuple[int, ...] | None:
    """"12" (or "3-5" for a two-column key) → (12,); None when it does not fit the table's key."""
    parts = text.split("-")
    if len(parts) != len(_primary_key(table)) or not all(part.isascii() and part.isdigit() and len(part) <= 18 for part in parts):
        return None
    return tuple(int(part) for part in parts)


# --- filters -----------------------------------------------------------------------------------
def local_day_bounds(day_from: date | None, day_to: date | None, zone: ZoneInfo) -> tuple[datetime | None, datetime | None]:
    """Local calendar days → [start, end) in naive UTC, the way Continuum stores issued_at."""

    def to_utc(day: date) -> datetime:
        return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC).replace(tzinfo=None)

    return (to_utc(day_from) if day_from else None, to_utc(day_to + timedelta(days=1)) if day_to else None)


def _student_clause(table: str, version: sa.Table, school_id: int, text: str) -> sa.ColumnElement[bool] | None:
    """Rows about the students whose name contains `text` (read from the version tables, so deleted
    students and enrolments still count); None when the table holds nothing about a student."""
    students = _version_table("students")
    pattern = f"%{text.strip().lower()}%"
    student_ids = sa.select(students.c.id).where(
        students.c.school_id == school_id,
        sa.or_(
            sa.func.lower(students.c.last_name + " " + students.c.first_name).like(pattern),
            sa.func.lower(students.c.first_name + " " + students.c.last_name).like(pattern),
        ),
    )
    if table == "students":
        return version.c.id.in_(student_ids)
    if "student_id" in version.c:
        return version.c.student_id.in_(student_ids)
    if "enrolment_id" in version.c:
        enrolments = _version_table("enrolments")
        return version.c.enrolment_id.in_(
            sa.select(enrolments.c.id).where(enrolments.c.school_id + 0 == school_id, enrolments.c.student_id.in_(student_ids))
        )
    return None


def _selected_tables(filters: HistoryFilter) -> list[str]:
    tables = browsable_tables()
    if filters.tables:
        return [name for name in filters.tables if name in tables]
    return [name for name in tables if name not in LOG_TABLES]


def _branch(
    index: int, table: str, school_id: int, filters: HistoryFilter, zone: ZoneInfo, limit: int | None,
    before_transaction: int | None, only_transaction: int | None, transaction_range: tuple[int, int] | None,
) -> sa.Select | None:
    """(table index, transaction, key1, key2) of one table's matching versions, newest first."""
    version = _version_table(table)
    conditions = [_tenant_clause(table, version, school_id)]
    if filters.student:
        conditions.append(_student_clause(table, version, school_id, filters.student))
    if any(condition is None for condition in conditions):
        return None
    if filters.operation is not None:
        conditions.append(version.c.operation_type == filters.operation)
    if before_transaction is not None:
        conditions.append(version.c.transaction_id < before_transaction)
    if only_transaction is not None:
        conditions.append(version.c.transaction_id == only_transaction)
    source: sa.FromClause = version
    if filters.user_id is not None or transaction_range is not None:
        transactions = db.metadata.tables["transaction"]
        source = version.join(transactions, transactions.c.id == version.c.transaction_id)
        if filters.user_id is not None:
            conditions.append(transactions.c.user_id == filters.user_id)
        if transaction_range is not None:
            # The id range walks the index; the exact moments decide at the range's edges.
            conditions.append(version.c.transaction_id.between(*transaction_range))
            start, end = local_day_bounds(filters.date_from, filters.date_to, zone)
            if start is not None:
                conditions.append(transactions.c.issued_at >= start)
            if end is not None:
                conditions.append(transactions.c.issued_at < end)
    key = _primary_key(table)
    key1 = version.c[key[0]]
    key2 = version.c[key[1]] if len(key) > 1 else sa.cast(sa.null(), sa.Integer)
    query = (
        sa.select(
            sa.literal_column(str(index), sa.Integer).label("table_index"),
            version.c.transaction_id.label("transaction_id"),
            key1.label("key1"),
            key2.label("key2"),
        )
        .select_from(source)
        .where(*conditions)
        .order_by(version.c.transaction_id.desc(), key1.desc(), *([version.c[key[1]].desc()] if len(key) > 1 else []))
    )
    if limit is not None:
        query = query.limit(limit)
    # Wrapped, so that each branch keeps its ORDER BY ... LIMIT inside the UNION (SQLite).
    return sa.select(query.subquery())


def _transaction_range(filters: HistoryFilter, zone: ZoneInfo) -> tuple[int, int] | None:
    """The first and last transaction ids of the date range (one query), None when it has none.

    Transaction ids grow with time, so each table's versions are then read by an index range
    instead of joining every version to its transaction."""
    transactions = db.metadata.tables["transaction"]
    start, end = local_day_bounds(filters.date_from, filters.date_to, zone)
    conditions = []
    if start is not None:
        conditions.append(transactions.c.issued_at >= start)
    if end is not None:
        conditions.append(transactions.c.issued_at < end)
    low, high = db.session.execute(
        sa.select(sa.func.min(transactions.c.id), sa.func.max(transactions.c.id)).where(*conditions)
    ).one()
    return None if low is None else (low, high)


def _page_keys(
    school_id: int, filters: HistoryFilter, zone: ZoneInfo, *, offset: int, limit: int | None,
    before_transaction: int | None = None, only_transaction: int | None = None,
) -> list[_Key]:
    """The (transaction, table, row) triples of one page, newest first, in one query."""
    tables = _selected_tables(filters)
    transaction_range = None
    if filters.date_from or filters.date_to:
        transaction_range = _transaction_range(filters, zone)
        if transaction_range is None:
            return []
    branch_limit = None if limit is None else offset + limit
    branches = [
        branch
        for index, table in enumerate(tables)
        if (branch := _branch(index, table, school_id, filters, zone, branch_limit, before_transaction,
                              only_transaction, transaction_range)) is not None
    ]
    if not branches:
        return []
    union = (branches[0] if len(branches) == 1 else sa.union_all(*branches)).subquery()
    query = sa.select(union).order_by(
        union.c.transaction_id.desc(), union.c.table_index, union.c.key1.desc(), union.c.key2.desc()
    ).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return [
        _Key(row.transaction_id, tables[row.table_index], (row.key1,) if row.key2 is None else (row.key1, row.key2))
        for row in db.session.execute(query)
    ]


# --- loading versions --------------------------------------------------------------------------
@functools.cache
def _data_columns(table: str) -> tuple[str, ...]:
    return tuple(column.name for column in _version_table(table).c if column.name not in _BOOKKEEPING)


def _versions_with_previous(
    table: str, keys: list[tuple[int, ...]], transaction_ids: set[int], school_id: int
) -> dict[tuple[tuple[int, ...], int], tuple[dict[str, Any], dict[str, Any] | None]]:
    """(row key, transaction) → (values, previous version's values or None), in one query."""
    version = _version_table(table)
    current, previous, earlier = version.alias("cur"), version.alias("prev"), version.alias("earlier")
    key = _primary_key(table)
    columns = _data_columns(table)
    same_row = [earlier.c[name] == current.c[name] for name in key]
    previous_transaction = (
        sa.select(sa.func.max(earlier.c.transaction_id))
        .where(*same_row, earlier.c.transaction_id < current.c.transaction_id)
        .scalar_subquery()
    )
    join = current.outerjoin(
        previous,
        sa.and_(*[previous.c[name] == current.c[name] for name in key],
                previous.c.transaction_id == previous_transaction),
    )
    query = (
        sa.select(
            current.c.transaction_id.label("c__transaction_id"),
            current.c.operation_type.label("c__operation_type"),
            previous.c.transaction_id.label("p__transaction_id"),
            *[current.c[name].label(f"c_{name}") for name in columns],
            *[previous.c[name].label(f"p_{name}") for name in columns],
        )
        .select_from(join)
        .where(
            _tenant_clause(table, current, school_id),
            current.c.transaction_id.in_(sorted(transaction_ids)),
            current.c[key[0]].in_(sorted({k[0] for k in keys})),
        )
    )
    wanted = set(keys)
    found = {}
    for row in db.session.execute(query).mappings():
        values = {name: row[f"c_{name}"] for name in columns}
        row_key = tuple(values[name] for name in key)
        if row_key not in wanted:
            continue
        values["operation_type"] = row["c__operation_type"]
        before = None
        if row["p__transaction_id"] is not None:
            before = {name: row[f"p_{name}"] for name in columns}
        found[(row_key, row["c__transaction_id"])] = (values, before)
    return found


def _transactions(transaction_ids: Iterable[int]) -> dict[int, Any]:
    """id → transaction row with its user's name, in one query."""
    ids = sorted(set(transaction_ids))
    if not ids:
        return {}
    transactions = db.metadata.tables["transaction"]
    query = (
        sa.select(transactions, User.first_name, User.last_name)
        .select_from(transactions.outerjoin(User, User.id == transactions.c.user_id))
        .where(transactions.c.id.in_(ids))
    )
    return {row.id: row for row in db.session.execute(query)}


# --- names for ids -----------------------------------------------------------------------------
@functools.cache
def _references(table: str) -> dict[str, str]:
    """column → referenced table, from the foreign keys (composite tenant keys included)."""
    live = db.metadata.tables[table]
    found: dict[str, str] = {}
    for constraint in live.foreign_key_constraints:
        for column, element in zip(constraint.columns, constraint.elements, strict=True):
            if element.column.name == "id" and column.name != "school_id":
                found[column.name] = element.column.table.name
    for column, target in _REFERENCE_BY_NAME.items():
        if column in live.c and column not in found:
            found[column] = target
    return found


def _person(last: str | None, first: str | None) -> str:
    return " ".join(part for part in (last, first) if part)


class _Names:
    """Names of referenced rows, loaded in one query per referenced table."""

    def __init__(self) -> None:
        self.wanted: dict[str, set[int]] = {}
        self.names: dict[str, dict[int, str]] = {}
        #: enrolment id → (student, class); curriculum entry id → (subject, class)
        self.enrolments: dict[int, tuple[str, str]] = {}
        self.entries: dict[int, tuple[str, str]] = {}

    def want(self, target: str, value: Any) -> None:
        if isinstance(value, int) and not isinstance(value, bool):
            self.wanted.setdefault(target, set()).add(value)

    def load(self) -> None:
        for target, ids in self.wanted.items():
            loader = _LOADERS.get(target)
            if loader is not None and ids:
                loader(self, sorted(ids))

    def name(self, target: str, value: int) -> str:
        return self.names.get(target, {}).get(value, f"#{value}")


def _load_simple(model: Any, label: Any) -> Any:
    def load(names: _Names, ids: list[int]) -> None:
        rows = db.session.execute(sa.select(model.id, *label).where(model.id.in_(ids)))
        names.names[model.__tablename__] = {row[0]: " ".join(str(part) for part in row[1:] if part) for row in rows}

    return load


def _load_enrolments(names: _Names, ids: list[int]) -> None:
    rows = db.session.execute(
        sa.select(Enrolment.id, Student.last_name, Student.first_name, SchoolClass.name)
        .join(Student, Student.id == Enrolment.student_id)
        .join(SchoolClass, SchoolClass.id == Enrolment.class_id)
        .where(Enrolment.id.in_(ids))
    )
    for enrolment_id, last, first, class_name in rows:
        names.enrolments[enrolment_id] = (_person(last, first), class_name)
    names.names["enrolments"] = {key: f"{student} ({klass})" for key, (student, klass) in names.enrolments.items()}


def _load_entries(names: _Names, ids: list[int]) -> None:
    rows = db.session.execute(
        sa.select(CurriculumEntry.id, Subject.name, SchoolClass.name)
        .join(Subject, Subject.id == CurriculumEntry.subject_id)
        .join(SchoolClass, SchoolClass.id == CurriculumEntry.class_id)
        .where(CurriculumEntry.id.in_(ids))
    )
    for entry_id, subject, class_name in rows:
        names.entries[entry_id] = (subject, class_name)
    names.names["curriculum_entries"] = {key: f"{subject} ({klass})" for key, (subject, klass) in names.entries.items()}


def _load_assignments(names: _Names, ids: list[int]) -> None:
    rows = db.session.execute(
        sa.select(TeachingAssignment.id, Subject.name, SchoolClass.name, User.last_name, User.first_name)
        .join(CurriculumEntry, CurriculumEntry.id == TeachingAssignment.curriculum_entry_id)
        .join(Subject, Subject.id == CurriculumEntry.subject_id)
        .join(SchoolClass, SchoolClass.id == CurriculumEntry.class_id)
        .join(User, User.id == TeachingAssignment.teacher_id)
        .where(TeachingAssignment.id.in_(ids))
    )
    names.names["teaching_assignments"] = {
        key: f"{subject}, {klass} ({_person(last, first)})" for key, subject, klass, last, first in rows
    }


def _load_evaluation_sheets(names: _Names, ids: list[int]) -> None:
    rows = db.session.execute(
        sa.select(EvaluationSheet.id, User.last_name, User.first_name, EvaluationCampaign.name)
        .join(User, User.id == EvaluationSheet.employee_id)
        .join(EvaluationCampaign, EvaluationCampaign.id == EvaluationSheet.campaign_id)
        .where(EvaluationSheet.id.in_(ids))
    )
    names.names["evaluation_sheets"] = {key: f"{_person(last, first)} ({campaign})" for key, last, first, campaign in rows}


def _load_evaluation_criteria(names: _Names, ids: list[int]) -> None:
    rows = db.session.execute(
        sa.select(EvaluationCriterion.id, EvaluationCriterion.domain_code, EvaluationCriterion.code)
        .where(EvaluationCriterion.id.in_(ids))
    )
    names.names["evaluation_criteria"] = {key: f"{domain}) {code}" for key, domain, code in rows}


_LOADERS = {
    "users": _load_simple(User, (User.last_name, User.first_name)),
    "students": _load_simple(Student, (Student.last_name, Student.first_name)),
    "guardians": _load_simple(Guardian, (Guardian.last_name, Guardian.first_name)),
    "classes": _load_simple(SchoolClass, (SchoolClass.name,)),
    "subjects": _load_simple(Subject, (Subject.name,)),
    "learning_periods": _load_simple(LearningPeriod, (LearningPeriod.name,)),
    "school_years": _load_simple(SchoolYear, (SchoolYear.name,)),
    "grade_levels": _load_simple(GradeLevel, (GradeLevel.name,)),
    "roles": _load_simple(Role, (Role.description,)),
    "enrolments": _load_enrolments,
    "curriculum_entries": _load_entries,
    "teaching_assignments": _load_assignments,
    "evaluation_sheets": _load_evaluation_sheets,
    "evaluation_criteria": _load_evaluation_criteria,
    "evaluation_campaigns": _load_simple(EvaluationCampaign, (EvaluationCampaign.name,)),
}


def _describe(table: str, key: tuple[int, ...], values: dict[str, Any], names: _Names) -> str:
    """"Notă — Popescu Ana, Matematică, a V-a A, 06.10.2025": the row in words."""
    parts: list[str] = []
    class_name = None
    if table in ("students", "users", "guardians"):
        parts.append(_person(values.get("last_name"), values.get("first_name")))
    elif values.get("name"):
        parts.append(str(values["name"]))
    if table == "roles_users":
        parts += [names.name("users", values["user_id"]), names.name("roles", values["role_id"])]
    elif values.get("user_id") is not None and table not in ("users", "students"):
        parts.append(names.name("users", values["user_id"]))
    if values.get("enrolment_id") is not None:
        student, class_name = names.enrolments.get(values["enrolment_id"], (f"înscrierea #{values['enrolment_id']}", None))
        parts.append(student)
    elif values.get("student_id") is not None:
        parts.append(names.name("students", values["student_id"]))
    if values.get("curriculum_entry_id") is not None:
        subject, entry_class = names.entries.get(values["curriculum_entry_id"], (None, None))
        if subject:
            parts.append(subject)
        class_name = class_name or entry_class
    if values.get("assignment_id") is not None:
        parts.append(names.name("teaching_assignments", values["assignment_id"]))
    if values.get("employee_id") is not None:  # an evaluation sheet: whose
        parts.append(names.name("users", values["employee_id"]))
    if values.get("sheet_id") is not None:  # a score, contestation... of an evaluation sheet
        parts.append(names.name("evaluation_sheets", values["sheet_id"]))
    if class_name is None and values.get("class_id") is not None and table != "classes":
        class_name = names.name("classes", values["class_id"])
    if class_name:
        parts.append(class_name)
    if table == "marks" and values.get("given_on"):
        parts.append(_format_plain(values["given_on"]))
    if table == "absences" and values.get("occurred_on"):
        parts.append(f"{_format_plain(values['occurred_on'])} ora {values.get('lesson_hour')}")
    parts = [part for part in parts if part]
    label = table_label(table, singular=True)
    return f"{label} — {', '.join(parts)}" if parts else f"{label} #{encode_key(key)}"


# --- values ------------------------------------------------------------------------------------
def _format_plain(value: Any, zone: ZoneInfo | None = None) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "da" if value else "nu"
    if isinstance(value, datetime):
        moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value
        return moment.astimezone(zone or ZoneInfo("Europe/Bucharest")).strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)


def _format(column: str, value: Any, references: dict[str, str], names: _Names, zone: ZoneInfo) -> str:
    if value is None:
        return EMPTY
    if column in references and isinstance(value, int):
        return names.name(references[column], value)
    labels = VALUE_LABELS.get(column)
    if labels and isinstance(value, str):
        return labels.get(value, value)
    return _format_plain(value, zone)


def _changes(
    table: str, values: dict[str, Any], before: dict[str, Any] | None, names: _Names, zone: ZoneInfo
) -> list[FieldChange]:
    """old → new of every changed column; an insert lists its values, a delete what was deleted."""
    references = _references(table)
    key = set(_primary_key(table))
    operation = values["operation_type"]
    found: list[FieldChange] = []
    for column in _data_columns(table):
        if column in key or column in _NOT_SHOWN:
            continue
        new = values.get(column)
        if operation == DELETE:
            old = before.get(column) if before is not None else new
            if old is None:
                continue
            found.append(FieldChange(column, FIELD_LABELS.get(column, column),
                                     _format(column, old, references, names, zone), EMPTY))
            continue
        if before is None:
            if new is None:
                continue
            old_text = EMPTY if operation == INSERT else "(necunoscut)"
        else:
            old = before.get(column)
            if old == new:
                continue
            old_text = _format(column, old, references, names, zone)
        found.append(FieldChange(column, FIELD_LABELS.get(column, column), old_text,
                                 _format(column, new, references, names, zone)))
    return found


#: The ids `_describe` turns into names, whatever the table's foreign keys say.
_DESCRIPTION_REFERENCES = {
    "enrolment_id": "enrolments",
    "curriculum_entry_id": "curriculum_entries",
    "class_id": "classes",
    "student_id": "students",
    "user_id": "users",
    "role_id": "roles",
    "assignment_id": "teaching_assignments",
    "employee_id": "users",
    "sheet_id": "evaluation_sheets",
}


def _want_names(table: str, values: dict[str, Any] | None, names: _Names) -> None:
    if values is None:
        return
    for column, target in _references(table).items():
        names.want(target, values.get(column))
    for column, target in _DESCRIPTION_REFERENCES.items():
        names.want(target, values.get(column))


def _entries(
    rows: list[tuple[str, tuple[int, ...], int, dict[str, Any], dict[str, Any] | None]], zone: ZoneInfo
) -> list[HistoryEntry]:
    """(table, key, transaction, values, previous values) → entries with names and transactions."""
    names = _Names()
    for table, _key, _transaction, values, before in rows:
        _want_names(table, values, names)
        _want_names(table, before, names)
    transactions = _transactions(transaction for _table, _key, transaction, _values, _before in rows)
    names.load()
    entries = []
    for table, key, transaction_id, values, before in rows:
        transaction = transactions.get(transaction_id)
        entries.append(HistoryEntry(
            table=table,
            table_label=table_label(table, singular=True),
            key=encode_key(key),
            description=_describe(table, key, values, names),
            operation=values["operation_type"],
            transaction_id=transaction_id,
            issued_at=transaction.issued_at.replace(tzinfo=UTC) if transaction and transaction.issued_at else None,
            user_id=transaction.user_id if transaction else None,
            user_name=_person(transaction.last_name, transaction.first_name) or None if transaction else None,
            remote_addr=transaction.remote_addr if transaction else None,
            reason=transaction.reason if transaction else None,
            changes=_changes(table, values, before, names, zone),
        ))
    return entries


def _load(keys: list[_Key], school_id: int, zone: ZoneInfo) -> list[HistoryEntry]:
    by_table: dict[str, list[_Key]] = {}
    for key in keys:
        by_table.setdefault(key.table, []).append(key)
    loaded = {}
    for table, table_keys in by_table.items():
        versions = _versions_with_previous(
            table, [k.key for k in table_keys], {k.transaction_id for k in table_keys}, school_id
        )
        for (row_key, transaction_id), pair in versions.items():
            loaded[(table, row_key, transaction_id)] = pair
    rows = []
    for key in keys:
        pair = loaded.get((key.table, key.key, key.transaction_id))
        if pair is not None:
            rows.append((key.table, key.key, key.transaction_id, pair[0], pair[1]))
    return _entries(rows, zone)


# --- public reads ------------------------------------------------------------------------------
def history_page(
    school_id: int, filters: HistoryFilter, *, page: int = 1, per_page: int = 50, zone: ZoneInfo | None = None
) -> tuple[list[HistoryEntry], bool]:
    """One page of the school's history, newest first, and whether a next page exists."""
    zone = zone or ZoneInfo("Europe/Bucharest")
    keys = _page_keys(school_id, filters, zone, offset=(max(page, 1) - 1) * per_page, limit=per_page + 1)
    has_next = len(keys) > per_page
    return _load(keys[:per_page], school_id, zone), has_next


def iter_history(
    school_id: int, filters: HistoryFilter, *, chunk: int = 500, zone: ZoneInfo | None = None
) -> Iterator[HistoryEntry]:
    """Every matching version, newest first, read `chunk` at a time (for the CSV export).

    Chunks end at a transaction boundary (keyset on transaction_id), so concurrent writes never
    shift or repeat rows; a transaction larger than a chunk is read whole.
    """
    zone = zone or ZoneInfo("Europe/Bucharest")
    before: int | None = None
    while True:
        keys = _page_keys(school_id, filters, zone, offset=0, limit=chunk + 1, before_transaction=before)
        if not keys:
            return
        if len(keys) <= chunk:
            yield from _load(keys, school_id, zone)
            return
        boundary = keys[chunk].transaction_id
        head = [key for key in keys if key.transaction_id > boundary]
        if not head:
            head = _page_keys(school_id, filters, zone, offset=0, limit=None, only_transaction=boundary)
            before = boundary
        else:
            before = head[-1].transaction_id
        yield from _load(head, school_id, zone)


def row_history(school_id: int, table: str, key: tuple[int, ...], *, zone: ZoneInfo | None = None) -> list[HistoryEntry]:
    """Every version of one row, oldest first; empty when the row is not this school's."""
    zone = zone or ZoneInfo("Europe/Bucharest")
    if table not in browsable_tables():
        return []
    version = _version_table(table)
    columns = _data_columns(table)
    key_columns = _primary_key(table)
    query = (
        sa.select(version)
        .where(_tenant_clause(table, version, school_id),
               *[version.c[name] == part for name, part in zip(key_columns, key, strict=True)])
        .order_by(version.c.transaction_id)
    )
    rows = []
    before = None
    for row in db.session.execute(query).mappings():
        values = {name: row[name] for name in columns}
        values["operation_type"] = row["operation_type"]
        rows.append((table, key, row["transaction_id"], values, before))
        before = values
    return _entries(rows, zone)


def history_users(school_id: int) -> list[tuple[int, str]]:
    """(id, name) of the school's staff accounts, for the "who" filter, in one query."""
    roles_users = db.metadata.tables["roles_users"]
    rows = db.session.execute(
        sa.select(User.id, User.last_name, User.first_name)
        .join(roles_users, roles_users.c.user_id == User.id)
        .join(Role, Role.id == roles_users.c.role_id)
        .where(User.school_id == school_id, Role.name.in_(sorted(STAFF_ROLES)))
        .distinct()
        .order_by(User.last_name, User.first_name, User.id)
    )
    return [(user_id, _person(last, first)) for user_id, last, first in rows]
