"""Flask-Admin screens over the schema. Every view derives from `SecuredModelView`, which denies
by default: a view lists the roles that may read it and the roles that may write it.

Catalog rows (marks, absences, averages, behaviour, year results) are read-only here for every
role: they are written only through the operations (the teacher's and class master's pages).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, abort, redirect, request, url_for
from flask_admin import Admin, AdminIndexView, expose
from flask_admin.contrib.sqla import ModelView
from flask_admin.form import SecureForm
from flask_admin.theme import Bootstrap4Theme
from flask_security import current_user

from schema import models as m
from security import policy

#: Roles that read the school's structure and records in the admin screens.
STRUCTURE_READERS = frozenset(
    {policy.ADMINISTRATOR, policy.DIRECTOR, policy.DEPUTY_DIRECTOR, policy.SECRETARY, policy.AUDITOR}
)
#: Roles that read catalog rows (marks, absences...) in the admin screens.
CATALOG_READERS = STRUCTURE_READERS
WRITE_VIEWS = {"create_view", "edit_view", "delete_view", "action_view", "ajax_update"}


def _current_roles() -> set[str]:
    if not current_user.is_authenticated:
        return set()
    return {role.name for role in current_user.roles}


class SecuredModelView(ModelView):
    """Denies by default; rows are limited to the current user's school."""

    #: Roles that may open the list and details.
    allowed_roles: frozenset[str] = frozenset()
    #: Roles that may create, edit and delete.
    write_roles: frozenset[str] = frozenset()

    form_base_class = SecureForm
    form_excluded_columns = ("versions", "school", "school_id")
    column_exclude_list = ("school",)
    can_view_details = True
    can_export = True
    export_types = ["csv", "xlsx"]
    page_size = 50

    def is_accessible(self) -> bool:
        return bool(_current_roles() & self.allowed_roles)

    def inaccessible_callback(self, name: str, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return redirect(url_for("security.login", next=request.url))
        abort(403)

    def _may_write(self) -> bool:
        return bool(_current_roles() & self.write_roles)

    def _handle_view(self, name: str, **kwargs: Any) -> Any:
        response = super()._handle_view(name, **kwargs)
        if response is None and name in WRITE_VIEWS and not self._may_write():
            abort(403)
        return response

    @property
    def can_create(self) -> bool:  # type: ignore[override]
        return self._may_write()

    @property
    def can_edit(self) -> bool:  # type: ignore[override]
        return self._may_write()

    @property
    def can_delete(self) -> bool:  # type: ignore[override]
        return self._may_write()

    # Tenancy: the three queries Flask-Admin uses must all be filtered (see ModelView.get_query).
    def _school_filter(self, query: Any) -> Any:
        if hasattr(self.model, "school_id"):
            return query.filter(self.model.school_id == current_user.school_id)
        return query

    def get_query(self) -> Any:
        return self._school_filter(super().get_query())

    def get_count_query(self) -> Any:
        return self._school_filter(super().get_count_query())

    def get_one(self, id: Any) -> Any:  # noqa: A002 (Flask-Admin's name)
        obj = super().get_one(id)
        if obj is None or getattr(obj, "school_id", current_user.school_id) != current_user.school_id:
            abort(404)
        return obj

    def on_model_change(self, form: Any, model: Any, is_created: bool) -> None:
        if is_created and hasattr(model, "school_id"):
            model.school_id = current_user.school_id


class StructureView(SecuredModelView):
    allowed_roles = STRUCTURE_READERS
    write_roles = frozenset({policy.ADMINISTRATOR})


class RecordsView(SecuredModelView):
    """Personal records: the secretary keeps them with the administrator."""

    allowed_roles = STRUCTURE_READERS
    write_roles = frozenset({policy.ADMINISTRATOR, policy.SECRETARY})


class CatalogReadOnlyView(SecuredModelView):
    """Catalog rows: nobody writes here; writes go through the operations."""

    allowed_roles = CATALOG_READERS
    write_roles = frozenset()


class SchoolYearAdmin(StructureView):
    column_list = ("name", "starts_on", "ends_on", "period_kind", "ruleset", "is_closed")
    column_labels = {
        "name": "An școlar",
        "starts_on": "Început",
        "ends_on": "Sfârșit",
        "period_kind": "Tip perioade",
        "ruleset": "Set de reguli",
        "is_closed": "Închis",
    }
    column_searchable_list = ("name",)


class LearningPeriodAdmin(StructureView):
    column_list = ("year", "ordinal", "name", "starts_on", "ends_on", "teaching_weeks")
    column_labels = {
        "year": "An școlar",
        "ordinal": "Nr.",
        "name": "Denumire",
        "starts_on": "Început",
        "ends_on": "Sfârșit",
        "teaching_weeks": "Săptămâni de curs",
    }
    column_default_sort = [("year_id", True), ("ordinal", False)]


class GradeLevelAdmin(StructureView):
    column_list = ("code", "name", "education_level", "evaluation_scale", "is_compulsory")
    column_labels = {
        "code": "Cod",
        "name": "Clasa",
        "education_level": "Nivel",
        "evaluation_scale": "Evaluare",
        "is_compulsory": "Obligatoriu",
    }
    column_default_sort = "code"


class SchoolClassAdmin(StructureView):
    column_list = ("name", "year", "grade_level", "class_master", "is_pedagogical", "is_sports")
    column_labels = {
        "name": "Clasa",
        "year": "An școlar",
        "grade_level": "Nivel",
        "class_master": "Diriginte",
        "is_pedagogical": "Pedagogic",
        "is_theological": "Teologic",
        "is_military": "Militar",
        "is_artistic": "Artistic",
        "is_sports": "Sportiv",
    }
    column_searchable_list = ("name",)
    column_filters = ("year.name", "name")
    form_excluded_columns = (*SecuredModelView.form_excluded_columns, "curriculum")


class SubjectAdmin(StructureView):
    column_list = ("name", "short_name", "is_religion", "is_physical_education", "is_practical")
    column_labels = {
        "name": "Disciplina",
        "short_name": "Abreviere",
        "is_religion": "Religie",
        "is_physical_education": "Educație fizică",
        "is_practical": "Practică",
    }
    column_searchable_list = ("name",)


class CurriculumEntryAdmin(StructureView):
    column_list = ("school_class", "subject", "weekly_hours", "module_hours")
    column_labels = {
        "school_class": "Clasa",
        "subject": "Disciplina",
        "weekly_hours": "Ore pe săptămână",
        "module_hours": "Ore modul",
        "module_starts_on": "Început modul",
        "module_ends_on": "Sfârșit modul",
    }
    column_filters = ("school_class.name", "subject.name")
    form_excluded_columns = (*SecuredModelView.form_excluded_columns, "thesis_periods", "assignments")


class TeachingAssignmentAdmin(StructureView):
    column_list = ("teacher", "curriculum_entry")
    column_labels = {"teacher": "Profesor", "curriculum_entry": "Disciplina și clasa"}


class StudentAdmin(RecordsView):
    column_list = ("last_name", "father_initial", "first_name", "cnp", "birth_date", "commuter_arrival_time")
    column_labels = {
        "last_name": "Nume",
        "father_initial": "Inițiala tatălui",
        "first_name": "Prenume",
        "cnp": "CNP",
        "sex": "Sex",
        "birth_date": "Data nașterii",
        "birth_place": "Locul nașterii",
        "citizenship": "Cetățenie",
        "address": "Adresa",
        "commuter_arrival_time": "Ora sosirii (navetist)",
        "is_restricted": "Prelucrare restricționată",
    }
    column_searchable_list = ("last_name", "first_name", "cnp")
    form_excluded_columns = (*SecuredModelView.form_excluded_columns, "guardian_links", "enrolments", "user")

    def get_one(self, id: Any) -> Any:  # noqa: A002 (Flask-Admin's name)
        """Opening one student's record (details or edit) is logged: who, which student, when."""
        student = super().get_one(id)
        from security.auth import log_personal_data_access

        log_personal_data_access(current_user, student, f"fișa elevului în administrare ({request.endpoint})")
        return student


class GuardianAdmin(RecordsView):
    column_list = ("last_name", "first_name", "phone", "email")
    column_labels = {"last_name": "Nume", "first_name": "Prenume", "phone": "Telefon", "email": "E-mail", "address": "Adresa"}
    column_searchable_list = ("last_name", "first_name", "email")
    form_excluded_columns = (*SecuredModelView.form_excluded_columns, "student_links", "user")


class StudentGuardianAdmin(RecordsView):
    column_list = ("student", "guardian", "kind", "is_primary_contact")
    column_labels = {"student": "Elev", "guardian": "Părinte/tutore", "kind": "Calitate", "is_primary_contact": "Contact principal"}


class EnrolmentAdmin(RecordsView):
    column_list = ("student", "school_class", "year", "starts_on", "ends_on", "status")
    column_labels = {
        "student": "Elev",
        "school_class": "Clasa",
        "year": "An școlar",
        "starts_on": "De la",
        "ends_on": "Până la",
        "status": "Stare",
        "end_reason": "Motivul încheierii",
    }
    column_filters = ("status", "school_class.name")


class MarkAdmin(CatalogReadOnlyView):
    column_list = ("enrolment", "curriculum_entry", "period", "value", "calificativ", "given_on", "kind", "teacher")
    column_labels = {
        "enrolment": "Elev",
        "curriculum_entry": "Disciplina",
        "period": "Perioada",
        "value": "Nota",
        "calificativ": "Calificativ",
        "given_on": "Data",
        "kind": "Tip",
        "instrument": "Instrument",
        "teacher": "Profesor",
    }
    column_filters = ("given_on", "kind", "value")
    column_default_sort = ("given_on", True)


class AbsenceAdmin(CatalogReadOnlyView):
    column_list = ("enrolment", "curriculum_entry", "occurred_on", "lesson_hour", "state")
    column_labels = {
        "enrolment": "Elev",
        "curriculum_entry": "Disciplina",
        "occurred_on": "Data",
        "lesson_hour": "Ora",
        "state": "Stare",
    }
    column_filters = ("occurred_on", "state")
    column_default_sort = ("occurred_on", True)


class MotivationAdmin(CatalogReadOnlyView):
    column_list = ("enrolment", "kind", "document_number", "covers_from", "covers_to", "hours")
    column_labels = {
        "enrolment": "Elev",
        "kind": "Tip",
        "document_number": "Nr. document",
        "covers_from": "De la",
        "covers_to": "Până la",
        "hours": "Ore",
    }


class PeriodAverageAdmin(CatalogReadOnlyView):
    column_list = ("enrolment", "curriculum_entry", "period", "value", "calificativ", "ruleset", "state")
    column_labels = {"enrolment": "Elev", "curriculum_entry": "Disciplina", "period": "Perioada", "value": "Media"}


class AnnualAverageAdmin(CatalogReadOnlyView):
    column_list = ("enrolment", "curriculum_entry", "value", "calificativ", "source", "ruleset", "state")
    column_labels = {"enrolment": "Elev", "curriculum_entry": "Disciplina", "value": "Media anuală", "source": "Sursa"}


class BehaviourMarkAdmin(CatalogReadOnlyView):
    column_list = ("enrolment", "period", "proposal", "value", "calificativ", "reason")
    column_labels = {"enrolment": "Elev", "period": "Perioada", "proposal": "Propunere", "value": "Nota la purtare", "reason": "Motiv"}


class YearResultAdmin(CatalogReadOnlyView):
    column_list = ("enrolment", "status", "general_average", "behaviour_average", "ruleset")
    column_labels = {"enrolment": "Elev", "status": "Situația", "general_average": "Media generală", "behaviour_average": "Purtare"}


class DelegationAdmin(CatalogReadOnlyView):
    allowed_roles = frozenset({policy.DIRECTOR, policy.DEPUTY_DIRECTOR, policy.AUDITOR, policy.ADMINISTRATOR})
    column_list = ("from_teacher", "to_teacher", "assignment", "starts_on", "ends_on", "decision")
    column_labels = {"from_teacher": "De la", "to_teacher": "Către", "assignment": "Încadrarea", "starts_on": "De la", "ends_on": "Până la"}


class ExamSessionAdmin(CatalogReadOnlyView):
    column_list = ("name", "kind", "year", "starts_on", "ends_on", "president", "results_posted_on")
    column_labels = {"name": "Sesiunea", "kind": "Tip", "year": "An școlar", "starts_on": "De la", "ends_on": "Până la",
                     "president": "Președinte", "results_posted_on": "Rezultate afișate"}


class ExamCandidateAdmin(CatalogReadOnlyView):
    column_list = ("exam_subject", "enrolment", "examiner_1_final", "examiner_2_final", "mediated", "average", "passed",
                   "entered_on")
    column_labels = {"exam_subject": "Disciplina", "enrolment": "Elev", "examiner_1_final": "Examinator 1",
                     "examiner_2_final": "Examinator 2", "mediated": "Mediere", "average": "Media", "passed": "Promovat",
                     "entered_on": "Trecut în catalog"}


class ContestationAdmin(CatalogReadOnlyView):
    column_list = ("reference", "filed_on", "filed_by", "initial_mark", "re_evaluation", "accepted", "new_mark")
    column_labels = {"reference": "Nr. înregistrare", "filed_on": "Depusă la", "filed_by": "Depusă de",
                     "initial_mark": "Nota inițială", "re_evaluation": "Nota la reevaluare", "accepted": "Admisă",
                     "new_mark": "Nota nouă"}


class ReopenRequestAdmin(CatalogReadOnlyView):
    column_list = ("target_kind", "target_id", "reason", "requested_by", "requested_at", "approved", "decided_by")
    column_labels = {"target_kind": "Ce se redeschide", "target_id": "Nr.", "reason": "Motiv", "requested_by": "Cerută de",
                     "requested_at": "La", "approved": "Aprobată", "decided_by": "Decizie"}


class UserAdmin(SecuredModelView):
    allowed_roles = frozenset({policy.ADMINISTRATOR})
    write_roles = frozenset({policy.ADMINISTRATOR})
    column_list = ("last_name", "first_name", "email", "roles", "active", "last_login_at")
    column_labels = {
        "last_name": "Nume",
        "first_name": "Prenume",
        "email": "E-mail",
        "roles": "Roluri",
        "active": "Activ",
        "last_login_at": "Ultima autentificare",
    }
    column_searchable_list = ("last_name", "first_name", "email")
    form_columns = ("last_name", "first_name", "email", "roles", "active")


class CatalogIndexView(AdminIndexView):
    """The admin home; requires an authenticated staff user."""

    def is_accessible(self) -> bool:
        return bool(_current_roles() & (STRUCTURE_READERS | {policy.ADMINISTRATOR}))

    def inaccessible_callback(self, name: str, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return redirect(url_for("security.login", next=request.url))
        abort(403)

    @expose("/")
    def index(self) -> Any:
        return self.render("admin/index.html")


#: (view class, model, Romanian name, menu category)
ADMIN_VIEWS: list[tuple[type[SecuredModelView], type, str, str]] = [
    (SchoolYearAdmin, m.SchoolYear, "Ani școlari", "Structura școlii"),
    (LearningPeriodAdmin, m.LearningPeriod, "Perioade de învățare", "Structura școlii"),
    (GradeLevelAdmin, m.GradeLevel, "Niveluri", "Structura școlii"),
    (SchoolClassAdmin, m.SchoolClass, "Clase", "Structura școlii"),
    (SubjectAdmin, m.Subject, "Discipline", "Structura școlii"),
    (CurriculumEntryAdmin, m.CurriculumEntry, "Plan de învățământ", "Structura școlii"),
    (TeachingAssignmentAdmin, m.TeachingAssignment, "Încadrări", "Structura școlii"),
    (StudentAdmin, m.Student, "Elevi", "Elevi și părinți"),
    (GuardianAdmin, m.Guardian, "Părinți și tutori", "Elevi și părinți"),
    (StudentGuardianAdmin, m.StudentGuardian, "Legături elev–părinte", "Elevi și părinți"),
    (EnrolmentAdmin, m.Enrolment, "Înscrieri", "Elevi și părinți"),
    (MarkAdmin, m.Mark, "Note", "Catalog"),
    (AbsenceAdmin, m.Absence, "Absențe", "Catalog"),
    (MotivationAdmin, m.Motivation, "Motivări", "Catalog"),
    (PeriodAverageAdmin, m.PeriodAverage, "Medii pe perioade", "Catalog"),
    (AnnualAverageAdmin, m.AnnualAverage, "Medii anuale", "Catalog"),
    (BehaviourMarkAdmin, m.BehaviourMark, "Purtare", "Catalog"),
    (YearResultAdmin, m.YearResult, "Situații anuale", "Catalog"),
    (DelegationAdmin, m.Delegation, "Delegări de drepturi", "Catalog"),
    (ExamSessionAdmin, m.ExamSession, "Sesiuni de examene", "Examene"),
    (ExamCandidateAdmin, m.ExamCandidate, "Rezultate la examene", "Examene"),
    (ContestationAdmin, m.Contestation, "Contestații", "Examene"),
    (ReopenRequestAdmin, m.ReopenRequest, "Cereri de redeschidere", "Catalog"),
    (UserAdmin, m.User, "Conturi", "Conturi"),
]


def init_admin(app: Flask) -> Admin:
    admin = Admin(
        app,
        name="Catalog școlar",
        theme=Bootstrap4Theme(swatch="default"),
        index_view=CatalogIndexView(name="Acasă", url="/admin"),
    )
    for view_class, model, name, category in ADMIN_VIEWS:
        admin.add_view(view_class(model, m.db, name=name, category=category, endpoint=model.__tablename__))
    return admin
