"""Marshmallow schemas of the API: query arguments, request bodies, responses and the error
shape. They are the OpenAPI document too (Flask-Smorest builds it from them)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from schema.catalog import CALIFICATIVE, MOTIVATION_KINDS

#: Largest id a path, a filter or a body may name: id columns are 32-bit INTEGER (PostgreSQL
#: refuses to compare one with a larger bound parameter).
MAX_ID = 2**31 - 1
MAX_PER_PAGE = 200
DEFAULT_PER_PAGE = 50
#: Pages beyond this would only ever be empty (and keep OFFSET within 64 bits).
MAX_PAGE = 1_000_000


#: No NUL characters (PostgreSQL refuses them in text); also in the document, as a pattern.
NO_NUL = r"^[^\x00]*$"


def _text(max_length: int, **kwargs: Any) -> fields.String:
    """A required, non-empty string without NUL characters."""
    return fields.String(required=True, validate=[
        validate.Length(min=1, max=max_length),
        validate.Regexp(NO_NUL, error="Textul conține caractere nepermise (NUL)."),
    ], **kwargs)


def _id(*, strict: bool = False, **kwargs: Any) -> fields.Integer:
    """An id: a query argument (a string of digits), or strictly a JSON integer in a body."""
    return fields.Integer(strict=strict, validate=validate.Range(min=1, max=MAX_ID), **kwargs)


class ErrorSchema(ma.Schema):
    """Every refusal: a stable code, the message in Romanian and in English."""

    code = fields.String(required=True, metadata={"description": "Stable error code, e.g. `average_closed`."})
    message = fields.String(required=True, metadata={"description": "Mesajul, în limba română."})
    message_en = fields.String(required=True, metadata={"description": "The message, in English."})
    errors = fields.Dict(metadata={"description": "Field errors of an invalid request (422)."})


# --- query arguments ---------------------------------------------------------------------------
class PageArgs(ma.Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(load_default=DEFAULT_PER_PAGE, validate=validate.Range(min=1, max=MAX_PER_PAGE))


class PeriodArgs(PageArgs):
    year_id = _id()


class ClassArgs(PageArgs):
    year_id = _id()


class ClassSubjectArgs(PageArgs):
    class_id = _id()
    subject_id = _id()


class StudentArgs(PageArgs):
    class_id = _id()


class CatalogArgs(ClassSubjectArgs):
    period_id = _id()
    student_id = _id()


class AnnualArgs(ClassSubjectArgs):
    student_id = _id()


class YearResultArgs(PageArgs):
    class_id = _id()
    year_id = _id()
    student_id = _id()


# --- request bodies ----------------------------------------------------------------------------
class MarkCreate(ma.Schema):
    enrolment_id = _id(strict=True, required=True, metadata={"description": "The student's enrolment (see /students)."})
    curriculum_entry_id = _id(strict=True, required=True, metadata={"description": "The subject of the class (see /curriculum)."})
    given_on = fields.Date(metadata={"description": "The mark's date; today when omitted."})
    value = fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=1, max=10),
                           metadata={"description": "1-10, for classes marked with numbers."})
    calificativ = fields.String(allow_none=True, validate=validate.OneOf(CALIFICATIVE),
                                metadata={"description": "FB, B, S or I, for grades I-IV."})
    kind = fields.String(load_default="regular", validate=validate.OneOf(("regular", "thesis")))


class MarkChange(ma.Schema):
    value = fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=1, max=10))
    calificativ = fields.String(allow_none=True, validate=validate.OneOf(CALIFICATIVE))
    reason = _text(500)


class Reason(ma.Schema):
    reason = _text(500)


class AbsenceCreate(ma.Schema):
    enrolment_id = _id(strict=True, required=True)
    curriculum_entry_id = _id(strict=True, required=True)
    occurred_on = fields.Date(metadata={"description": "The lesson's date; today when omitted."})
    lesson_hour = fields.Integer(strict=True, required=True, validate=validate.Range(min=0, max=14))


class ExcuseCreate(ma.Schema):
    enrolment_id = _id(strict=True, required=True)
    kind = fields.String(required=True, validate=validate.OneOf(MOTIVATION_KINDS))
    document_number = _text(50)
    document_date = fields.Date(required=True)
    covers_from = fields.Date(required=True)
    covers_to = fields.Date(required=True)
    returned_on = fields.Date(required=True)
    presented_on = fields.Date(required=True)
    approval_id = _id(strict=True, allow_none=True, metadata={"description": "The director's approval, where the kind needs one."})


# --- responses ---------------------------------------------------------------------------------
def _page_of(item: type[ma.Schema], name: str) -> type[ma.Schema]:
    return type(name, (ma.Schema,), {
        "items": fields.List(fields.Nested(item), required=True),
        "page": fields.Integer(required=True),
        "per_page": fields.Integer(required=True),
        "total": fields.Integer(required=True),
    })


class Year(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    period_kind = fields.String(required=True)
    ruleset = fields.String(required=True)
    is_closed = fields.Boolean(required=True)


class Period(ma.Schema):
    id = fields.Integer(required=True)
    year_id = fields.Integer(required=True)
    ordinal = fields.Integer(required=True)
    name = fields.String(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)


class SchoolClass(ma.Schema):
    id = fields.Integer(required=True)
    year_id = fields.Integer(required=True)
    name = fields.String(required=True)
    grade_code = fields.Integer(required=True)
    evaluation_scale = fields.String(required=True)
    class_master_id = fields.Integer(allow_none=True)


class Subject(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    short_name = fields.String(required=True)


class CurriculumEntry(ma.Schema):
    id = fields.Integer(required=True)
    class_id = fields.Integer(required=True)
    subject_id = fields.Integer(required=True)
    weekly_hours = fields.Integer(allow_none=True)
    module_hours = fields.Integer(allow_none=True)
    thesis_period_ids = fields.List(fields.Integer(), required=True)


class Assignment(ma.Schema):
    id = fields.Integer(required=True)
    curriculum_entry_id = fields.Integer(required=True)
    class_id = fields.Integer(required=True)
    subject_id = fields.Integer(required=True)
    teacher_id = fields.Integer(required=True)
    teacher_name = fields.String(required=True)


class Enrolment(ma.Schema):
    id = fields.Integer(required=True)
    class_id = fields.Integer(required=True)
    year_id = fields.Integer(required=True)
    status = fields.String(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(allow_none=True)


class Student(ma.Schema):
    id = fields.Integer(required=True)
    last_name = fields.String(required=True)
    first_name = fields.String(required=True)
    father_initial = fields.String(allow_none=True)
    enrolments = fields.List(fields.Nested(Enrolment), required=True)


class GuardianLink(ma.Schema):
    student_id = fields.Integer(required=True)
    kind = fields.String(required=True)
    is_primary_contact = fields.Boolean(required=True)


class Guardian(ma.Schema):
    id = fields.Integer(required=True)
    last_name = fields.String(required=True)
    first_name = fields.String(required=True)
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    students = fields.List(fields.Nested(GuardianLink), required=True)


class _ClassRow(ma.Schema):
    id = fields.Integer(required=True)
    enrolment_id = fields.Integer(required=True)
    student_id = fields.Integer(required=True)
    class_id = fields.Integer(required=True)
    curriculum_entry_id = fields.Integer(required=True)
    subject_id = fields.Integer(required=True)


class Mark(_ClassRow):
    period_id = fields.Integer(required=True)
    value = fields.Integer(allow_none=True)
    calificativ = fields.String(allow_none=True)
    given_on = fields.Date(required=True)
    kind = fields.String(required=True)
    instrument = fields.String(required=True)
    is_fraud = fields.Boolean(required=True)
    teacher_id = fields.Integer(required=True)


class Absence(_ClassRow):
    period_id = fields.Integer(required=True)
    occurred_on = fields.Date(required=True)
    lesson_hour = fields.Integer(required=True)
    state = fields.String(required=True, metadata={"description": "unexcused, excused or late"})
    motivation_id = fields.Integer(allow_none=True)


class Motivation(ma.Schema):
    id = fields.Integer(required=True)
    enrolment_id = fields.Integer(required=True)
    kind = fields.String(required=True)
    covers_from = fields.Date(required=True)
    covers_to = fields.Date(required=True)
    hours = fields.Integer(required=True)


class PeriodAverage(_ClassRow):
    period_id = fields.Integer(required=True)
    value = fields.Integer(allow_none=True)
    calificativ = fields.String(allow_none=True)
    closed_at = fields.DateTime(required=True)


class AnnualAverage(_ClassRow):
    value = fields.String(allow_none=True, metadata={"description": "Exact, two decimals: \"8.50\"."})
    calificativ = fields.String(allow_none=True)
    source = fields.String(required=True)
    closed_at = fields.DateTime(required=True)


class YearResult(ma.Schema):
    id = fields.Integer(required=True)
    enrolment_id = fields.Integer(required=True)
    student_id = fields.Integer(required=True)
    class_id = fields.Integer(required=True)
    year_id = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"description": "promovat, corigent, repetent, amanat"})
    general_average = fields.String(allow_none=True)
    behaviour_average = fields.String(allow_none=True)
    behaviour_calificativ = fields.String(allow_none=True)
    closed_at = fields.DateTime(required=True)


YearPage = _page_of(Year, "YearPage")
PeriodPage = _page_of(Period, "PeriodPage")
ClassPage = _page_of(SchoolClass, "ClassPage")
SubjectPage = _page_of(Subject, "SubjectPage")
CurriculumPage = _page_of(CurriculumEntry, "CurriculumPage")
AssignmentPage = _page_of(Assignment, "AssignmentPage")
StudentPage = _page_of(Student, "StudentPage")
GuardianPage = _page_of(Guardian, "GuardianPage")
MarkPage = _page_of(Mark, "MarkPage")
AbsencePage = _page_of(Absence, "AbsencePage")
PeriodAveragePage = _page_of(PeriodAverage, "PeriodAveragePage")
AnnualAveragePage = _page_of(AnnualAverage, "AnnualAveragePage")
YearResultPage = _page_of(YearResult, "YearResultPage")
