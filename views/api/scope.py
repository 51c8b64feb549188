"""What an API caller may read: the same as the pages (security/objects.py, capabilities.py).

- Roles that read the whole catalog (director, secretary, auditor, administrator): the school.
- Teachers: the subjects they teach (own assignments and approved delegations) and every subject
  of the class they lead as diriginte; guardians only of the class they lead.
- Parents and students: their own children, or themselves.
Never another school. Students under a GDPR restriction of processing are left out, except for
their own family (the right of access stays).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from schema.errors import PermissionDenied
from schema.models import CurriculumEntry, Enrolment, SchoolClass, Student, User, db
from security import policy
from security.access import role_names
from security.objects import family_students, teachable_entry_ids


@dataclass
class Scope:
    user: User
    school_id: int
    whole_school: bool = False
    #: Teacher: classes taught or led, and the curriculum entries whose catalog rows they read.
    class_ids: set[int] = field(default_factory=set)
    entry_ids: set[int] = field(default_factory=set)
    led_class_ids: set[int] = field(default_factory=set)
    #: Parent / student: the students of the family.
    family_student_ids: set[int] = field(default_factory=set)

    # --- conditions --------------------------------------------------------------------------
    def _unrestricted_enrolments(self) -> sa.Select:
        return (
            sa.select(Enrolment.id)
            .join(Student, Student.id == Enrolment.student_id)
            .where(Enrolment.school_id == self.school_id, Student.is_restricted.is_(False))
        )

    def _family_enrolments(self) -> sa.Select:
        return sa.select(Enrolment.id).where(
            Enrolment.school_id == self.school_id, Enrolment.student_id.in_(self.family_student_ids)
        )

    def class_rows(self, model: Any) -> sa.ColumnElement[bool]:
        """Marks, absences, closed averages: rows of one student at one subject of a class."""
        either: list[sa.ColumnElement[bool]] = []
        if self.whole_school:
            either.append(model.enrolment_id.in_(self._unrestricted_enrolments()))
        if self.entry_ids:
            either.append(sa.and_(model.curriculum_entry_id.in_(self.entry_ids),
                                  model.enrolment_id.in_(self._unrestricted_enrolments())))
        if self.family_student_ids:
            either.append(model.enrolment_id.in_(self._family_enrolments()))
        return sa.and_(model.school_id == self.school_id, sa.or_(sa.false(), *either))

    def enrolments(self, *, led_only: bool = False) -> sa.ColumnElement[bool]:
        """Enrolments whose student this user reads (`led_only`: teachers see only the class they
        lead, e.g. for guardians' contacts and year results)."""
        either: list[sa.ColumnElement[bool]] = []
        unrestricted = Enrolment.id.in_(self._unrestricted_enrolments())
        if self.whole_school:
            either.append(unrestricted)
        class_ids = self.led_class_ids if led_only else self.class_ids
        if class_ids:
            either.append(sa.and_(Enrolment.class_id.in_(class_ids), unrestricted))
        if self.family_student_ids:
            either.append(Enrolment.student_id.in_(self.family_student_ids))
        return sa.and_(Enrolment.school_id == self.school_id, sa.or_(sa.false(), *either))

    def students(self, *, led_only: bool = False) -> sa.ColumnElement[bool]:
        either: list[sa.ColumnElement[bool]] = []
        if self.whole_school:
            either.append(Student.is_restricted.is_(False))
        either.append(sa.and_(
            Student.id.in_(sa.select(Enrolment.student_id).where(self.enrolments(led_only=led_only))),
        ))
        return sa.and_(Student.school_id == self.school_id, sa.or_(*either))

    def classes(self) -> sa.ColumnElement[bool]:
        if self.whole_school:
            return SchoolClass.school_id == self.school_id
        family_classes = sa.select(Enrolment.class_id).where(
            Enrolment.school_id == self.school_id, Enrolment.student_id.in_(self.family_student_ids)
        )
        return sa.and_(
            SchoolClass.school_id == self.school_id,
            sa.or_(SchoolClass.id.in_(self.class_ids), SchoolClass.id.in_(family_classes)),
        )


def scope_of(user: User) -> Scope:
    """The reading scope of `user`; refused for roles that read no catalog (statistics only)."""
    roles = role_names(user)
    scope = Scope(user=user, school_id=user.school_id)
    readable = False
    if policy.has_permission(roles, policy.READ_ALL_CATALOG):
        scope.whole_school = readable = True
    if policy.has_permission(roles, policy.READ_OWN_CLASSES):
        readable = True
        taught = teachable_entry_ids(user)
        scope.led_class_ids = set(db.session.scalars(
            sa.select(SchoolClass.id).where(SchoolClass.school_id == user.school_id,
                                            SchoolClass.class_master_id == user.id)
        ))
        rows = db.session.execute(
            sa.select(CurriculumEntry.id, CurriculumEntry.class_id).where(
                CurriculumEntry.school_id == user.school_id,
                sa.or_(CurriculumEntry.id.in_(taught), CurriculumEntry.class_id.in_(scope.led_class_ids)),
            )
        ).all()
        scope.entry_ids = {entry_id for entry_id, _ in rows}
        scope.class_ids = {class_id for _, class_id in rows} | scope.led_class_ids
    if policy.has_permission(roles, policy.READ_OWN_CHILDREN) or policy.has_permission(roles, policy.READ_SELF):
        readable = True
        scope.family_student_ids = {student.id for student in family_students(user)}
    if not readable:
        raise PermissionDenied(
            "api_no_catalog_access",
            "Contul dumneavoastră nu are acces la datele din catalog prin API.",
            "This account reads no catalog data.",
        )
    return scope
