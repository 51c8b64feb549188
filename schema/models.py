"""Every model of the catalog, mapped and configured (import this, not the modules one by one).

`configure_mappers()` runs here, after the last model, so that Continuum builds the version
classes and the transaction table before anything creates tables (stack.md §4.2).
"""

import sqlalchemy as sa

from schema.absence_notices import AbsenceNotice
from schema.api_tokens import ApiToken
from schema.attachments import Attachment
from schema.audit_log import AuthEvent, PersonalDataAccess, UsedTotpCode
from schema.catalog import (
    Absence,
    AnnualAverage,
    BehaviourMark,
    Mark,
    Motivation,
    PeriodAverage,
    YearResult,
)
from schema.communication import AnnouncedTest, Announcement, Remark
from schema.db import db
from schema.delegations import Delegation, DelegationDecision
from schema.evaluation import (
    Department,
    EvaluationCampaign,
    EvaluationCommissionMember,
    EvaluationContestation,
    EvaluationCriterion,
    EvaluationParticipant,
    EvaluationScore,
    EvaluationSheet,
    EvaluationView,
    PublicHoliday,
    StaffMember,
)
from schema.exams import Contestation, ExamCandidate, ExamSession, ExamSubject, ReopenRequest
from schema.messages import Message, MessageRecipient, MessageThread, ThreadParticipant
from schema.motivation_requests import MotivationRequest
from schema.notifications import Notification
from schema.people import Enrolment, Exemption, Guardian, Student, StudentGuardian
from schema.rectification import RectificationRequest
from schema.school import (
    CurriculumEntry,
    CurriculumThesis,
    GradeLevel,
    LearningPeriod,
    School,
    SchoolClass,
    SchoolYear,
    Subject,
    TeachingAssignment,
)
from schema.users import Role, User, WebAuthn

sa.orm.configure_mappers()

import schema.invariants  # noqa: E402,F401  (registers the flush checks)

__all__ = [
    "Absence",
    "AbsenceNotice",
    "AnnouncedTest",
    "Announcement",
    "AnnualAverage",
    "ApiToken",
    "Attachment",
    "AuthEvent",
    "BehaviourMark",
    "Contestation",
    "CurriculumEntry",
    "CurriculumThesis",
    "Delegation",
    "DelegationDecision",
    "Department",
    "Enrolment",
    "EvaluationCampaign",
    "EvaluationCommissionMember",
    "EvaluationContestation",
    "EvaluationCriterion",
    "EvaluationParticipant",
    "EvaluationScore",
    "EvaluationSheet",
    "EvaluationView",
    "ExamCandidate",
    "ExamSession",
    "ExamSubject",
    "Exemption",
    "GradeLevel",
    "Guardian",
    "LearningPeriod",
    "Mark",
    "Message",
    "MessageRecipient",
    "MessageThread",
    "Motivation",
    "MotivationRequest",
    "Notification",
    "PeriodAverage",
    "PersonalDataAccess",
    "PublicHoliday",
    "RectificationRequest",
    "Remark",
    "ReopenRequest",
    "Role",
    "School",
    "SchoolClass",
    "SchoolYear",
    "StaffMember",
    "Student",
    "StudentGuardian",
    "Subject",
    "TeachingAssignment",
    "ThreadParticipant",
    "UsedTotpCode",
    "User",
    "WebAuthn",
    "YearResult",
    "db",
]
