"""Flask-Admin screens over the schema. Every view derives from `SecuredModelView`, which denies
by default: a view lists the roles that may read it and the roles that may write it.

- Rows, and the choices of every select in a form, are limited to the current user's school.
- Refusals (an operation's `CatalogError`, a flush-time invariant, a database constraint turned
  into an `InvariantViolation` by schema/constraint_messages.py) are shown as their Romanian
  message; the form keeps the user's input and nothing is half-saved.
- Past school years (closed, or ended before `security.access.today()`) keep their structure
  read-only: the year, its periods, classes, curriculum, theses and teaching assignments.
- Enrolments and transfers go through schema/operations/enrolment.py, never plain model writes.
- Catalog rows (marks, absences, averages, behaviour, year results) are read-only here for every
  role: they are written only through the operations (the teacher's and class master's pages).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
import itertools
from typing import Any

from flask import Flask, abort, flash, g, redirect, request, url_for
from flask_admin import Admin, AdminIndexView, expose
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.fields import QuerySelectField
from flask_admin.contrib.sqla.typefmt import DEFAULT_FORMATTERS, EXPORT_FORMATTERS
from flask_admin.contrib.sqla.validators import Unique
from flask_admin.form import SecureForm
from flask_admin.helpers import get_form_data, get_redirect_target
from flask_admin.model.template import DeleteRowAction, EditRowAction, EndpointLinkRowAction
from flask_admin.model.typefmt import DETAIL_FORMATTERS
from flask_admin.theme import Bootstrap4Theme
from flask_security import current_user
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import IntegrityError
from wtforms import DateField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.fields.core import UnboundField
from wtforms.validators import DataRequired, Email, InputRequired, Optional, Regexp, ValidationError

from schema import models as m
from schema.cnp import birth_date_from_cnp, cnp_problem, sex_from_cnp
from schema.constraint_messages import explain_integrity_error
from schema.errors import CatalogError, InvariantViolation
from schema.evaluation import CATEGORY_LABELS, DEPARTMENT_KIND_LABELS
from schema.people import GUARDIAN_KINDS
from security import access, policy

#: Roles that read the school's structure and records in the admin screens.
STRUCTURE_READERS = frozenset(
    {policy.ADMINISTRATOR, policy.DIRECTOR, policy.DEPUTY_DIRECTOR, policy.SECRETARY, policy.AUDITOR}
)
#: Roles that read catalog rows (marks, absences...) in the admin screens.
CATALOG_READERS = STRUCTURE_READERS
WRITE_VIEWS = {"create_view", "edit_view", "delete_view", "action_view", "ajax_update", "transfer_view"}
#: The capability each write view needs besides a write role (a view may switch one off).
VIEW_CAPABILITY = {"create_view": "can_create", "edit_view": "can_edit", "delete_view": "can_delete",
                   "ajax_update": "can_edit"}

REQUIRED_MESSAGE = "Câmpul este obligatoriu."
UNIQUE_MESSAGE = "Există deja o înregistrare cu această valoare."
EMAIL_MESSAGE = "Adresa de e-mail nu este validă."
DELETE_REFUSED_MESSAGE = (
    "Înregistrarea nu poate fi ștearsă: alte date ale catalogului (perioade, clase, înscrieri, note...) o folosesc."
)
#: Account columns never shown, exported or put in a form.
SECRET_COLUMNS = ("password", "tf_totp_secret", "tf_phone_number", "mf_recovery_codes", "fs_uniquifier",
                  "fs_webauthn_user_handle", "us_totp_secrets", "us_phone_number")

YES_NO = {True: "da", False: "nu"}
RULESET_LABELS = {"rofuip2016": "ROFUIP 2016", "rofuip2022": "ROFUIP 2022", "rofuip2024": "ROFUIP 2024 (provizoriu)"}
PERIOD_KIND_LABELS = {"semester": "semestre", "trimester": "trimestre", "module": "module de învățare"}
EVALUATION_SCALE_LABELS = {"descriptive": "aprecieri descriptive", "calificative": "calificative", "marks": "note 1–10"}
EDUCATION_LEVEL_LABELS = {"primar": "primar", "gimnazial": "gimnazial", "liceal": "liceal",
                          "profesional": "profesional", "postliceal": "postliceal"}
SEX_LABELS = {"F": "feminin", "M": "masculin"}
ENROLMENT_STATUS_LABELS = {"active": "activă", "transferred": "transferat", "withdrawn": "retras",
                           "graduated": "absolvent"}
MARK_KIND_LABELS = {"regular": "curentă", "thesis": "teză", "exam": "examen", "contestation": "contestație"}
ABSENCE_STATE_LABELS = {"unexcused": "nemotivată", "excused": "motivată", "late": "întârziere"}
MOTIVATION_KIND_LABELS = {"medical": "medicală", "parent_request": "cererea părintelui", "sports": "sportivă",
                          "olympiad": "olimpiadă", "representative": "reprezentarea școlii"}
CLOSING_STATE_LABELS = {"closed": "încheiată", "reopened": "redeschisă"}
AVERAGE_SOURCE_LABELS = {"computed": "calculată", "exam": "examen", "transfer": "transfer",
                         "difference_exam": "examen de diferență", "contestation": "contestație"}
YEAR_STATUS_LABELS = {"promovat": "promovat", "corigent": "corigent", "repetent": "repetent", "amanat": "amânat"}
EXAM_KIND_LABELS = {"corigenta": "corigență", "amanat": "amânare", "diferenta": "diferență",
                    "reexaminare": "reexaminare"}
REOPEN_TARGET_LABELS = {"period_average": "media pe perioadă", "annual_average": "media anuală",
                        "behaviour_mark": "nota la purtare", "year_result": "situația anuală"}


def _choices(labels: dict[Any, str]) -> list[tuple[Any, str]]:
    return list(labels.items())


def select_fields(labels_by_field: dict[str, dict[str, str]], *, blank: dict[str, str] | None = None) -> dict:
    """`form_overrides` and `form_args` for plain selects with Romanian option labels (WTForms'
    SelectChoice; Flask-Admin's `form_choices` still passes the tuples WTForms 3.3 deprecates).
    `blank` gives a nullable field its empty option's label (stored as NULL)."""
    overrides, args = {}, {}
    for name, labels in labels_by_field.items():
        choices = [SelectChoice(value, label) for value, label in labels.items()]
        if blank and name in blank:
            choices.insert(0, SelectChoice("", blank[name]))
            args[name] = {"choices": choices, "coerce": lambda value: value or None}
        else:
            args[name] = {"choices": choices}
        overrides[name] = SelectField
    return {"form_overrides": overrides, "form_args": args}


def _current_roles() -> set[str]:
    if not current_user.is_authenticated:
        return set()
    return {role.name for role in current_user.roles}


def _actor() -> m.User:
    return current_user._get_current_object()


def _ro_date(_view: Any, value: date, _name: str) -> str:
    return value.strftime("%d.%m.%Y")


def _ro_moment(_view: Any, value: datetime, _name: str) -> str:
    from views.account import local_time

    return local_time(value)


def _yes_no(_view: Any, value: bool, _name: str) -> str:
    return YES_NO[bool(value)]


# A datetime is also a date: it must come first (the first matching type wins).
LIST_FORMATTERS = {datetime: _ro_moment, date: _ro_date, **DEFAULT_FORMATTERS}
EXPORT_TYPE_FORMATTERS = {datetime: _ro_moment, date: _ro_date, bool: _yes_no, **EXPORT_FORMATTERS}
DETAIL_TYPE_FORMATTERS = {datetime: _ro_moment, date: _ro_date, bool: _yes_no, **DETAIL_FORMATTERS}


# --- validators (Romanian messages) ---------------------------------------------------------
def valid_cnp(required: bool) -> Any:
    """A WTForms validator: the CNP's structure and control digit (schema/cnp.py)."""

    def _validate(_form: Any, field: Any) -> None:
        value = (field.data or "").strip()
        field.data = value or None
        if not value:
            if required:
                raise ValidationError("CNP-ul este obligatoriu.")
            return
        problem = cnp_problem(value)
        if problem:
            raise ValidationError(problem)

    return _validate


def _matches_cnp(form: Any, field: Any) -> None:
    """The birth date (and sex) a student's CNP encodes must be the ones entered."""
    cnp = (form.cnp.data or "").strip()
    if not cnp or cnp_problem(cnp):
        return
    encoded = birth_date_from_cnp(cnp)
    if field.name == "birth_date" and encoded is not None and field.data is not None and field.data != encoded:
        raise ValidationError(f"Data nașterii nu corespunde CNP-ului (care indică {encoded:%d.%m.%Y}).")
    if field.name == "sex" and cnp[0] in "12345678" and field.data and field.data != sex_from_cnp(cnp):
        raise ValidationError("Sexul nu corespunde primei cifre a CNP-ului.")


def romanian_messages(form_class: type) -> type:
    """Give the validators Flask-Admin scaffolds (required, unique) our Romanian messages."""
    for name in dir(form_class):
        field = getattr(form_class, name, None)
        if not isinstance(field, UnboundField):
            continue
        for validator in field.kwargs.get("validators") or ():
            if isinstance(validator, (InputRequired, DataRequired)) and validator.message is None:
                validator.message = REQUIRED_MESSAGE
            elif isinstance(validator, Unique):
                validator.message = UNIQUE_MESSAGE
    return form_class


def year_lock_reason(year: m.SchoolYear | None) -> str | None:
    """Why a school year's structure is read-only (decisions.md "Periods"), or None."""
    if year is None:
        return None
    if year.is_closed:
        return f"Anul școlar {year.name} este închis: structura lui nu mai poate fi modificată."
    if year.ends_on < access.today():
        return f"Anul școlar {year.name} s-a încheiat: structura anilor trecuți nu mai poate fi modificată."
    return None


class SecuredModelView(ModelView):
    """Denies by default; rows and form choices are limited to the current user's school;
    refusals are shown in Romanian."""

    #: Roles that may open the list and details.
    allowed_roles: frozenset[str] = frozenset()
    #: Roles that may create, edit and delete.
    write_roles: frozenset[str] = frozenset()
    #: Per form field: a function (query) -> query narrowing that select's choices further.
    choice_filters: dict[str, Any] = {}
    #: Whether some rows are read-only (`lock_reason`); views without locks skip the check.
    has_locks = False

    form_base_class = SecureForm
    form_excluded_columns = ("versions", "school", "school_id")
    column_exclude_list = ("school",)
    column_details_exclude_list = ("school", *SECRET_COLUMNS)
    column_export_exclude_list = ("school", *SECRET_COLUMNS)
    column_type_formatters = LIST_FORMATTERS
    column_type_formatters_export = EXPORT_TYPE_FORMATTERS
    column_type_formatters_detail = DETAIL_TYPE_FORMATTERS
    can_view_details = True
    can_export = True
    export_types = ["csv", "xlsx"]
    page_size = 50
    list_template = "admin/catalog/list.html"
    details_template = "admin/catalog/details.html"

    @property
    def extra_css(self) -> list[str]:  # type: ignore[override]
        return [url_for("pages.static", filename="admin.css")]

    def render(self, template: str, **kwargs: Any) -> Any:
        """views/account.py makes Flask-WTF's `csrf_token()` a template global; Flask-Admin's form
        macro would then add its token as a second `csrf_token` input before SecureForm's own,
        and WTForms reads the first one, refusing every form. The admin forms carry their own."""
        kwargs.setdefault("csrf_token", None)
        return super().render(template, **kwargs)

    # --- access ---------------------------------------------------------------------------
    def is_accessible(self) -> bool:
        return bool(_current_roles() & self.allowed_roles)

    def _export_csv(self, return_url: Any) -> Any:
        """CSV as Flask-Admin writes it, preceded by a UTF-8 byte-order mark so that Excel, which
        opens CSV files in the local code page otherwise, shows ă â î ș ț correctly."""
        response = super()._export_csv(return_url)
        response.response = itertools.chain(["\ufeff"], response.response)
        response.mimetype = "text/csv"
        response.charset = "utf-8"
        return response

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
        if response is None and name in VIEW_CAPABILITY and not getattr(self, VIEW_CAPABILITY[name]):
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

    # --- tenancy: the three queries Flask-Admin uses must all be filtered (see ModelView.get_query)
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

    # --- forms ----------------------------------------------------------------------------
    def scaffold_form(self) -> type:
        return romanian_messages(super().scaffold_form())

    def _restrict_choices(self, form: Any) -> Any:
        """Every select of related rows offers only the current school's rows (the relationships
        join on the id alone, so Flask-Admin's own query would list every school's)."""
        for field in form:
            factory = getattr(field, "query_factory", None)
            if factory is None:
                continue
            query = factory()
            entity = query.column_descriptions[0]["entity"]
            if hasattr(entity, "school_id"):
                query = query.filter(entity.school_id == current_user.school_id)
            narrow = self.choice_filters.get(field.name)
            if narrow is not None:
                query = narrow(query)
            field.query = query
        return form

    def create_form(self, obj: Any = None) -> Any:
        return self._restrict_choices(super().create_form(obj))

    def edit_form(self, obj: Any = None) -> Any:
        return self._restrict_choices(super().edit_form(obj))

    def build_new_instance(self) -> Any:
        model = super().build_new_instance()
        if hasattr(model, "school_id"):
            model.school_id = current_user.school_id
        return model

    def on_model_change(self, form: Any, model: Any, is_created: bool) -> None:
        if is_created and hasattr(model, "school_id"):
            model.school_id = current_user.school_id

    # --- read-only rows (past school years) ----------------------------------------------
    def lock_reason(self, model: Any) -> str | None:
        """Why this row may not be edited or deleted here, or None."""
        return None

    def row_action_allowed(self, action: Any, row: Any) -> bool:
        """The list shows edit/delete only on rows that may change (template admin/catalog/list.html)."""
        if isinstance(action, (EditRowAction, DeleteRowAction)):
            return self.lock_reason(row) is None
        visible = getattr(action, "visible", None)
        return visible is None or visible(row)

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self) -> Any:
        """A locked row opens read-only, with the reason, instead of a form."""
        row_id = request.args.get("id")
        if self.has_locks and row_id is not None:
            reason = self.lock_reason(self.get_one(row_id))
            if reason:
                flash(reason, "error")
                return redirect(self.get_url(".details_view", id=row_id, url=get_redirect_target()))
        return super().edit_view()

    def update_model(self, form: Any, model: Any) -> bool:
        reason = self.lock_reason(model)
        if reason:
            flash(reason, "error")
            return False
        return super().update_model(form, model)

    def delete_model(self, model: Any) -> bool:
        reason = self.lock_reason(model)
        if reason:
            flash(reason, "error")
            return False
        g.catalog_admin_deleting = True
        try:
            return super().delete_model(model)
        finally:
            g.pop("catalog_admin_deleting", None)

    # --- errors in Romanian ---------------------------------------------------------------
    def handle_view_exception(self, exc: Exception) -> bool:
        """Refusals show their Romanian message, never Flask-Admin's "Failed to create record"."""
        if isinstance(exc, IntegrityError):
            if g.get("catalog_admin_deleting"):
                flash(DELETE_REFUSED_MESSAGE, "error")
                return True
            exc = explain_integrity_error(exc)
        if isinstance(exc, CatalogError):
            flash(exc.message_ro, "error")
            return True
        return super().handle_view_exception(exc)


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


class YearStructureView(StructureView):
    """Structure that belongs to a school year: read-only once the year is past."""

    has_locks = True

    @staticmethod
    def year_of(model: Any) -> m.SchoolYear | None:
        """The school year the row belongs to; rows with a `year` relationship (periods, classes)
        need nothing more, the others override this."""
        return model.year

    def lock_reason(self, model: Any) -> str | None:
        return year_lock_reason(self.year_of(model))

    def on_model_change(self, form: Any, model: Any, is_created: bool) -> None:
        super().on_model_change(form, model, is_created)
        reason = year_lock_reason(self.year_of(model))  # the year chosen in the form
        if reason:
            raise InvariantViolation("year_read_only", reason, "Past school years are read-only.")


def _open_years(query: Any) -> Any:
    """Only years whose structure may still change."""
    return query.filter(m.SchoolYear.is_closed.is_(False), m.SchoolYear.ends_on >= access.today())


def _classes_of_open_years(query: Any) -> Any:
    return query.join(m.SchoolYear, m.SchoolYear.id == m.SchoolClass.year_id).filter(
        m.SchoolYear.is_closed.is_(False), m.SchoolYear.ends_on >= access.today()
    ).order_by(m.SchoolClass.name)


def _entries_of_open_years(query: Any) -> Any:
    return (query.join(m.SchoolClass, m.SchoolClass.id == m.CurriculumEntry.class_id)
            .join(m.SchoolYear, m.SchoolYear.id == m.SchoolClass.year_id)
            .filter(m.SchoolYear.is_closed.is_(False), m.SchoolYear.ends_on >= access.today()))


def _teachers(query: Any) -> Any:
    return query.filter(m.User.roles.any(m.Role.name == policy.TEACHER), m.User.active.is_(True)).order_by(
        m.User.last_name, m.User.first_name
    )


# --- school years and periods ---------------------------------------------------------------
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
    column_filters = ("name", "is_closed", "ruleset")
    column_default_sort = ("starts_on", True)
    column_choices = {"period_kind": _choices(PERIOD_KIND_LABELS), "ruleset": _choices(RULESET_LABELS)}
    form_columns = ("name", "starts_on", "ends_on", "period_kind", "ruleset", "is_closed")
    has_locks = True
    _selects = select_fields({"period_kind": PERIOD_KIND_LABELS, "ruleset": RULESET_LABELS})
    form_overrides = _selects["form_overrides"]
    form_args = {
        **_selects["form_args"],
        "name": {"validators": [InputRequired(REQUIRED_MESSAGE),
                                Regexp(r"^\d{4}-\d{4}$",
                                       message="Anul școlar se scrie „AAAA-AAAA”, de exemplu 2025-2026.")]},
        "is_closed": {"description": "Un an închis nu mai poate fi modificat sau șters, nici perioadele lui."},
    }

    def lock_reason(self, model: Any) -> str | None:
        return year_lock_reason(model)

    def on_model_change(self, form: Any, model: Any, is_created: bool) -> None:
        super().on_model_change(form, model, is_created)
        if model.name and len(model.name) == 9 and model.starts_on and model.starts_on.year != int(model.name[:4]):
            raise InvariantViolation(
                "year_name_dates", f"Anul școlar {model.name} începe în {model.name[:4]}.", "Name and dates differ."
            )


class LearningPeriodAdmin(YearStructureView):
    column_list = ("year", "ordinal", "name", "starts_on", "ends_on", "teaching_weeks")
    column_labels = {
        "year": "An școlar",
        "year.name": "An școlar",
        "ordinal": "Nr.",
        "name": "Denumire",
        "starts_on": "Început",
        "ends_on": "Sfârșit",
        "teaching_weeks": "Săptămâni de curs",
    }
    column_default_sort = [("year_id", True), ("ordinal", False)]
    column_searchable_list = ("name",)
    column_filters = ("year.name", "name")
    form_columns = ("year", "ordinal", "name", "starts_on", "ends_on", "teaching_weeks")
    choice_filters = {"year": _open_years}


class GradeLevelAdmin(StructureView):
    """Settings: the grade levels with their evaluation scale and rule-set."""

    column_list = ("code", "name", "education_level", "evaluation_scale", "ruleset", "is_compulsory")
    column_labels = {
        "code": "Cod",
        "name": "Clasa",
        "education_level": "Nivel",
        "evaluation_scale": "Evaluare",
        "ruleset": "Set de reguli",
        "is_compulsory": "Obligatoriu",
    }
    column_default_sort = "code"
    column_searchable_list = ("name",)
    column_filters = ("education_level", "evaluation_scale")
    column_choices = {
        "education_level": _choices(EDUCATION_LEVEL_LABELS),
        "evaluation_scale": _choices(EVALUATION_SCALE_LABELS),
        "ruleset": _choices(RULESET_LABELS),
    }
    form_columns = ("code", "name", "education_level", "evaluation_scale", "ruleset", "is_compulsory")
    _selects = select_fields(
        {"education_level": EDUCATION_LEVEL_LABELS, "evaluation_scale": EVALUATION_SCALE_LABELS,
         "ruleset": RULESET_LABELS},
        blank={"ruleset": "— setul de reguli al anului școlar —"},
    )
    form_overrides = _selects["form_overrides"]
    form_args = {
        **_selects["form_args"],
        "code": {"description": "0 = clasa pregătitoare, 1 = clasa I, ..., 12 = clasa a XII-a."},
    }
    form_args["ruleset"] = {**form_args["ruleset"], "description": "Gol: se aplică setul de reguli al anului școlar."}


# --- classes, subjects, curriculum, assignments ---------------------------------------------
class SchoolClassAdmin(YearStructureView):
    column_list = ("name", "year", "grade_level", "class_master", "is_pedagogical", "is_sports")
    column_labels = {
        "name": "Clasa",
        "year": "An școlar",
        "year.name": "An școlar",
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
    form_columns = ("year", "grade_level", "name", "class_master", "is_pedagogical", "is_theological",
                    "is_military", "is_artistic", "is_sports")
    choice_filters = {"year": _open_years, "class_master": _teachers}


class SubjectAdmin(StructureView):
    column_list = ("name", "short_name", "is_religion", "is_physical_education", "is_practical")
    column_labels = {
        "name": "Disciplina",
        "short_name": "Abreviere",
        "is_religion": "Religie",
        "is_physical_education": "Educație fizică",
        "is_practical": "Practică",
    }
    column_searchable_list = ("name", "short_name")
    column_filters = ("is_religion", "is_physical_education", "is_practical")
    form_columns = ("name", "short_name", "is_religion", "is_physical_education", "is_practical")


def _theses(_view: Any, _context: Any, model: m.CurriculumEntry, _name: str) -> str:
    return ", ".join(str(thesis.period.name) for thesis in model.thesis_periods) or "—"


class CurriculumEntryAdmin(YearStructureView):
    column_list = ("school_class", "subject", "weekly_hours", "module_hours", "theses")
    column_labels = {
        "school_class": "Clasa",
        "school_class.name": "Clasa",
        "subject": "Disciplina",
        "subject.name": "Disciplina",
        "weekly_hours": "Ore pe săptămână",
        "module_hours": "Ore modul",
        "module_starts_on": "Început modul",
        "module_ends_on": "Sfârșit modul",
        "theses": "Teză în",
    }
    column_formatters = {"theses": _theses}
    column_searchable_list = ("school_class.name", "subject.name")
    column_filters = ("school_class.name", "subject.name")
    form_columns = ("school_class", "subject", "weekly_hours", "module_hours", "module_starts_on", "module_ends_on")
    choice_filters = {"school_class": _classes_of_open_years}

    @staticmethod
    def year_of(model: m.CurriculumEntry) -> m.SchoolYear | None:
        return model.school_class.year if model.school_class else None


def _thesis_entry(_view: Any, _context: Any, model: m.CurriculumThesis, _name: str) -> str:
    return str(m.db.session.get(m.CurriculumEntry, model.curriculum_entry_id))


class CurriculumThesisAdmin(YearStructureView):
    """The periods in which a subject of a class has a teză (set by ministerial order). A thesis
    row is added or removed, never edited."""

    column_list = ("curriculum_entry_id", "period")
    column_labels = {"curriculum_entry_id": "Disciplina și clasa", "curriculum_entry": "Disciplina și clasa",
                     "period": "Perioada", "period.name": "Perioada"}
    column_formatters = {"curriculum_entry_id": _thesis_entry}
    column_filters = ("period.name",)
    column_searchable_list = ("period.name",)
    column_sortable_list = ("period.name",)
    form_columns = ("curriculum_entry", "period")
    form_extra_fields = {
        "curriculum_entry": QuerySelectField(
            "Disciplina și clasa", query_factory=lambda: m.db.session.query(m.CurriculumEntry),
            validators=[InputRequired(REQUIRED_MESSAGE)],
        ),
    }
    form_args = {"period": {"validators": [InputRequired(REQUIRED_MESSAGE)]}}
    choice_filters = {
        "curriculum_entry": _entries_of_open_years,
        "period": lambda query: query.join(m.SchoolYear, m.SchoolYear.id == m.LearningPeriod.year_id).filter(
            m.SchoolYear.is_closed.is_(False), m.SchoolYear.ends_on >= access.today()),
    }

    @property
    def can_edit(self) -> bool:  # type: ignore[override]
        return False

    @staticmethod
    def year_of(model: m.CurriculumThesis) -> m.SchoolYear | None:
        entry = m.db.session.get(m.CurriculumEntry, model.curriculum_entry_id) if model.curriculum_entry_id else None
        return entry.school_class.year if entry is not None else None

    def on_model_change(self, form: Any, model: Any, is_created: bool) -> None:
        entry, period = form.curriculum_entry.data, form.period.data
        model.curriculum_entry_id = entry.id
        if "curriculum_entry" in vars(model):
            del model.curriculum_entry  # populate_obj set it as a plain attribute
        super().on_model_change(form, model, is_created)
        if period.year_id != entry.school_class.year_id:
            raise InvariantViolation(
                "thesis_period_year",
                f"Perioada „{period.name}” nu aparține anului școlar al clasei {entry.school_class.name}.",
                "The period is not in the class's year.",
            )


class TeachingAssignmentAdmin(YearStructureView):
    column_list = ("teacher", "curriculum_entry")
    column_labels = {"teacher": "Profesor", "teacher.last_name": "Numele profesorului",
                     "teacher.first_name": "Prenumele profesorului",
                     "curriculum_entry": "Disciplina și clasa"}
    column_searchable_list = ("teacher.last_name", "teacher.first_name")
    column_filters = ("teacher.last_name",)
    form_columns = ("teacher", "curriculum_entry")
    form_args = {"teacher": {"validators": [InputRequired(REQUIRED_MESSAGE)]},
                 "curriculum_entry": {"validators": [InputRequired(REQUIRED_MESSAGE)]}}
    choice_filters = {"teacher": _teachers, "curriculum_entry": _entries_of_open_years}

    @staticmethod
    def year_of(model: m.TeachingAssignment) -> m.SchoolYear | None:
        entry = model.curriculum_entry
        return entry.school_class.year if entry is not None and entry.school_class is not None else None


# --- students, guardians, enrolments --------------------------------------------------------
class StudentAdmin(RecordsView):
    column_list = ("last_name", "father_initial", "first_name", "cnp", "birth_date", "commuter_arrival_time", "is_restricted")
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
    column_filters = ("sex", "birth_date", "is_restricted")
    column_choices = {"sex": _choices(SEX_LABELS)}
    form_columns = ("cnp", "last_name", "father_initial", "first_name", "sex", "birth_date", "birth_place",
                    "citizenship", "address", "commuter_arrival_time", "is_restricted")
    form_overrides = {"sex": SelectField}
    form_args = {
        "cnp": {"validators": [InputRequired(REQUIRED_MESSAGE), valid_cnp(required=True)]},
        "birth_date": {"validators": [InputRequired(REQUIRED_MESSAGE), _matches_cnp]},
        "sex": {"validators": [InputRequired(REQUIRED_MESSAGE), _matches_cnp],
                "choices": [SelectChoice(value, label) for value, label in SEX_LABELS.items()]},
    }

    def get_one(self, id: Any) -> Any:  # noqa: A002 (Flask-Admin's name)
        """Opening one student's record (details or edit) is logged: who, which student, when."""
        student = super().get_one(id)
        from security.auth import log_personal_data_access

        log_personal_data_access(current_user, student, f"fișa elevului în administrare ({request.endpoint})")
        return student

    def _export_data(self) -> Any:
        """The list export is not required by law: students whose processing is restricted (GDPR
        Art. 18) are left out of it (docs/gdpr.md)."""
        count, data = super()._export_data()
        kept = [student for student in data if not student.is_restricted]
        return count - (len(data) - len(kept)), kept


class GuardianAdmin(RecordsView):
    column_list = ("last_name", "first_name", "phone", "email")
    column_labels = {"last_name": "Nume", "first_name": "Prenume", "cnp": "CNP", "phone": "Telefon", "email": "E-mail",
                     "address": "Adresa"}
    column_searchable_list = ("last_name", "first_name", "email", "phone")
    column_filters = ("last_name",)
    form_columns = ("last_name", "first_name", "cnp", "phone", "email", "address")
    form_args = {
        "cnp": {"validators": [valid_cnp(required=False)]},
        "email": {"validators": [Optional(), Email(message=EMAIL_MESSAGE)]},
    }


class StudentGuardianAdmin(RecordsView):
    column_list = ("student", "guardian", "kind", "is_primary_contact")
    column_labels = {"student": "Elev", "student.last_name": "Numele elevului", "guardian": "Părinte/tutore",
                     "guardian.last_name": "Numele părintelui", "kind": "Calitate",
                     "is_primary_contact": "Contact principal"}
    column_searchable_list = ("student.last_name", "guardian.last_name")
    column_filters = ("kind", "is_primary_contact")
    column_choices = {"kind": [(kind, kind) for kind in GUARDIAN_KINDS]}
    form_columns = ("student", "guardian", "kind", "is_primary_contact")
    form_overrides = {"kind": SelectField}
    form_args = {"kind": {"choices": [SelectChoice(kind, kind) for kind in GUARDIAN_KINDS]},
                 "student": {"validators": [InputRequired(REQUIRED_MESSAGE)]},
                 "guardian": {"validators": [InputRequired(REQUIRED_MESSAGE)]}}
    choice_filters = {"student": lambda query: query.order_by(m.Student.last_name, m.Student.first_name),
                      "guardian": lambda query: query.order_by(m.Guardian.last_name, m.Guardian.first_name)}


class TransferRowAction(EndpointLinkRowAction):
    """"Transferă" on an active enrolment."""

    def __init__(self) -> None:
        super().__init__("fa fa-exchange", ".transfer_view", title="Transferă în altă clasă")

    @staticmethod
    def visible(row: m.Enrolment) -> bool:
        return row.status == "active"


class TransferForm(SecureForm):
    new_class = SelectField("Clasa nouă", coerce=int, validators=[InputRequired(REQUIRED_MESSAGE)],
                            validate_choice=True)
    on = DateField("Data transferului (prima zi în clasa nouă)", validators=[InputRequired(REQUIRED_MESSAGE)])
    reason = TextAreaField("Motivul transferului (decizia, cererea)", validators=[DataRequired(REQUIRED_MESSAGE)])


class EnrolmentAdmin(RecordsView):
    """Enrolments are created by `enrol_student` and changed only by `transfer_student`: the old
    enrolment stays as history, so there is no edit or delete here."""

    column_list = ("student", "school_class", "year", "starts_on", "ends_on", "status")
    column_labels = {
        "student": "Elev",
        "student.last_name": "Numele elevului",
        "student.first_name": "Prenumele elevului",
        "school_class": "Clasa",
        "school_class.name": "Clasa",
        "year": "An școlar",
        "year.name": "An școlar",
        "starts_on": "De la",
        "ends_on": "Până la",
        "status": "Stare",
        "end_reason": "Motivul încheierii",
    }
    column_searchable_list = ("student.last_name", "student.first_name")
    column_filters = ("status", "school_class.name", "year.name")
    column_choices = {"status": _choices(ENROLMENT_STATUS_LABELS)}
    form_columns = ("student", "school_class", "starts_on")
    form_args = {"student": {"validators": [InputRequired(REQUIRED_MESSAGE)]},
                 "school_class": {"validators": [InputRequired(REQUIRED_MESSAGE)]},
                 "starts_on": {"validators": [InputRequired(REQUIRED_MESSAGE)]}}
    choice_filters = {"student": lambda query: query.order_by(m.Student.last_name, m.Student.first_name),
                      "school_class": _classes_of_open_years}
    column_extra_row_actions = [TransferRowAction()]

    @property
    def can_edit(self) -> bool:  # type: ignore[override]
        return False

    @property
    def can_delete(self) -> bool:  # type: ignore[override]
        return False

    def get_list_row_actions(self) -> list[Any]:
        actions = super().get_list_row_actions()
        return actions if self._may_write() else [a for a in actions if not isinstance(a, TransferRowAction)]

    def create_model(self, form: Any) -> Any:
        """Through the operation: one active enrolment per year, a date inside the year, audited."""
        from schema.operations.enrolment import enrol_student

        try:
            enrolment = enrol_student(_actor(), form.student.data, form.school_class.data,
                                      starts_on=form.starts_on.data, remote_addr=request.remote_addr)
        except CatalogError as error:
            m.db.session.rollback()
            flash(error.message_ro, "error")
            return False
        self.after_model_change(form, enrolment, True)
        return enrolment

    @expose("/transfer/", methods=("GET", "POST"))
    def transfer_view(self) -> Any:
        """Move the student to another class of the same year, with the reason (transfer_student)."""
        from schema.operations.enrolment import transfer_student

        return_url = get_redirect_target() or self.get_url(".index_view")
        enrolment = self.get_one(request.args.get("id", ""))
        if enrolment.status != "active":
            flash("Doar o înscriere activă se poate transfera.", "error")
            return redirect(return_url)
        form = TransferForm(get_form_data())
        classes = (
            m.db.session.query(m.SchoolClass)
            .filter(m.SchoolClass.school_id == current_user.school_id, m.SchoolClass.year_id == enrolment.year_id,
                    m.SchoolClass.id != enrolment.class_id)
            .order_by(m.SchoolClass.name).all()
        )
        form.new_class.choices = [SelectChoice(c.id, c.name) for c in classes]
        if request.method == "GET":
            form.on.data = access.today()
        if request.method == "POST" and form.validate():
            new_class = next(c for c in classes if c.id == form.new_class.data)
            try:
                transfer_student(_actor(), enrolment, new_class, on=form.on.data, reason=form.reason.data,
                                 remote_addr=request.remote_addr)
            except CatalogError as error:
                m.db.session.rollback()
                flash(error.message_ro, "error")
            else:
                flash(f"{enrolment.student.full_name} a fost transferat(ă) în clasa {new_class.name}.", "success")
                return redirect(return_url)
        return self.render("admin/catalog/transfer.html", form=form, enrolment=enrolment, return_url=return_url)


# --- catalog rows: read-only ----------------------------------------------------------------
#: Catalog rows are found by the student's name (through their enrolment).
STUDENT_SEARCH = ("enrolment.student.last_name", "enrolment.student.first_name")
STUDENT_SEARCH_LABELS = {"enrolment.student.last_name": "Numele elevului",
                         "enrolment.student.first_name": "Prenumele elevului"}


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
        "teacher.last_name": "Numele profesorului",
        **STUDENT_SEARCH_LABELS,
    }
    column_filters = ("given_on", "kind", "value")
    column_searchable_list = (*STUDENT_SEARCH, "teacher.last_name")
    column_choices = {"kind": _choices(MARK_KIND_LABELS)}
    column_default_sort = ("given_on", True)


class AbsenceAdmin(CatalogReadOnlyView):
    column_list = ("enrolment", "curriculum_entry", "occurred_on", "lesson_hour", "state")
    column_labels = {
        "enrolment": "Elev",
        "curriculum_entry": "Disciplina",
        "occurred_on": "Data",
        "lesson_hour": "Ora",
        "state": "Stare",
        **STUDENT_SEARCH_LABELS,
    }
    column_filters = ("occurred_on", "state")
    column_searchable_list = STUDENT_SEARCH
    column_choices = {"state": _choices(ABSENCE_STATE_LABELS)}
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
        **STUDENT_SEARCH_LABELS,
    }
    column_filters = ("kind", "covers_from")
    column_searchable_list = (*STUDENT_SEARCH, "document_number")
    column_choices = {"kind": _choices(MOTIVATION_KIND_LABELS)}


class PeriodAverageAdmin(CatalogReadOnlyView):
    column_list = ("enrolment", "curriculum_entry", "period", "value", "calificativ", "ruleset", "state")
    column_labels = {"enrolment": "Elev", "curriculum_entry": "Disciplina", "period": "Perioada",
                     "period.name": "Perioada", "value": "Media", "calificativ": "Calificativ",
                     "ruleset": "Set de reguli", "state": "Stare", **STUDENT_SEARCH_LABELS}
    column_filters = ("state", "value", "period.name")
    column_searchable_list = STUDENT_SEARCH
    column_choices = {"state": _choices(CLOSING_STATE_LABELS)}


class AnnualAverageAdmin(CatalogReadOnlyView):
    column_list = ("enrolment", "curriculum_entry", "value", "calificativ", "source", "ruleset", "state")
    column_labels = {"enrolment": "Elev", "curriculum_entry": "Disciplina", "value": "Media anuală",
                     "calificativ": "Calificativ", "source": "Sursa", "ruleset": "Set de reguli", "state": "Stare",
                     **STUDENT_SEARCH_LABELS}
    column_filters = ("source", "state", "value")
    column_searchable_list = STUDENT_SEARCH
    column_choices = {"state": _choices(CLOSING_STATE_LABELS), "source": _choices(AVERAGE_SOURCE_LABELS)}


class BehaviourMarkAdmin(CatalogReadOnlyView):
    column_list = ("enrolment", "period", "proposal", "value", "calificativ", "reason")
    column_labels = {"enrolment": "Elev", "period": "Perioada", "period.name": "Perioada", "proposal": "Propunere",
                     "value": "Nota la purtare", "calificativ": "Calificativ", "reason": "Motiv",
                     "needs_council_validation": "De validat în consiliul profesoral", **STUDENT_SEARCH_LABELS}
    column_filters = ("value", "needs_council_validation", "period.name")
    column_searchable_list = STUDENT_SEARCH


class YearResultAdmin(CatalogReadOnlyView):
    column_list = ("enrolment", "status", "general_average", "behaviour_average", "ruleset")
    column_labels = {"enrolment": "Elev", "status": "Situația", "general_average": "Media generală",
                     "behaviour_average": "Purtare", "ruleset": "Set de reguli", **STUDENT_SEARCH_LABELS}
    column_filters = ("status", "general_average")
    column_searchable_list = STUDENT_SEARCH
    column_choices = {"status": _choices(YEAR_STATUS_LABELS)}


class DelegationAdmin(CatalogReadOnlyView):
    allowed_roles = frozenset({policy.DIRECTOR, policy.DEPUTY_DIRECTOR, policy.AUDITOR, policy.ADMINISTRATOR})
    column_list = ("from_teacher", "to_teacher", "assignment", "starts_on", "ends_on", "decision")
    column_labels = {"from_teacher": "De la", "from_teacher.last_name": "De la (nume)", "to_teacher": "Către",
                     "to_teacher.last_name": "Către (nume)", "assignment": "Încadrarea", "starts_on": "Începe",
                     "ends_on": "Se încheie", "decision": "Decizia"}
    column_filters = ("starts_on", "ends_on")
    column_searchable_list = ("from_teacher.last_name",)


class ExamSessionAdmin(CatalogReadOnlyView):
    column_list = ("name", "kind", "year", "starts_on", "ends_on", "president", "results_posted_on")
    column_labels = {"name": "Sesiunea", "kind": "Tip", "year": "An școlar", "starts_on": "De la", "ends_on": "Până la",
                     "president": "Președinte", "results_posted_on": "Rezultate afișate"}
    column_filters = ("kind", "starts_on")
    column_searchable_list = ("name",)
    column_choices = {"kind": _choices(EXAM_KIND_LABELS)}


class ExamCandidateAdmin(CatalogReadOnlyView):
    column_list = ("exam_subject", "enrolment", "examiner_1_final", "examiner_2_final", "mediated", "average", "passed",
                   "entered_on")
    column_labels = {"exam_subject": "Disciplina", "enrolment": "Elev", "examiner_1_final": "Examinator 1",
                     "examiner_2_final": "Examinator 2", "mediated": "Mediere", "average": "Media",
                     "passed": "Promovat", "entered_on": "Trecut în catalog", **STUDENT_SEARCH_LABELS}
    column_filters = ("passed", "entered_on")
    column_searchable_list = STUDENT_SEARCH


class ContestationAdmin(CatalogReadOnlyView):
    column_list = ("reference", "filed_on", "filed_by", "initial_mark", "re_evaluation", "accepted", "new_mark")
    column_labels = {"reference": "Nr. înregistrare", "filed_on": "Depusă la", "filed_by": "Depusă de",
                     "initial_mark": "Nota inițială", "re_evaluation": "Nota la reevaluare", "accepted": "Admisă",
                     "new_mark": "Nota nouă"}
    column_filters = ("accepted", "filed_on")
    column_searchable_list = ("reference",)


class ReopenRequestAdmin(CatalogReadOnlyView):
    column_list = ("target_kind", "target_id", "reason", "requested_by", "requested_at", "approved", "decided_by")
    column_labels = {"target_kind": "Ce se redeschide", "target_id": "Nr.", "reason": "Motiv",
                     "requested_by": "Cerută de", "requested_at": "La", "approved": "Aprobată", "decided_by": "Decizie"}
    column_filters = ("target_kind", "approved")
    column_searchable_list = ("reason",)
    column_choices = {"target_kind": _choices(REOPEN_TARGET_LABELS)}


# --- accounts and roles ---------------------------------------------------------------------
def _roles_forbidden_with_administrator() -> list[str]:
    """Roles whose permissions an administrator account may never exercise (000 ¶26): an account
    holding both would silently lose them, so the combination is refused outright."""
    return sorted(
        name for name, permissions in policy.POLICY.items()
        if name != policy.ADMINISTRATOR and permissions & policy.FORBIDDEN_TO_ADMINISTRATORS
    )


class UserAdmin(SecuredModelView):
    """Accounts of the school. A new account gets a one-time password (security/auth.py), shown
    once; nobody changes their own roles or deactivates their own account; accounts are
    deactivated, never deleted (the catalog's history refers to them)."""

    allowed_roles = frozenset({policy.ADMINISTRATOR})
    write_roles = frozenset({policy.ADMINISTRATOR})
    column_list = ("last_name", "first_name", "email", "roles", "active", "last_login_at")
    column_details_list = ("last_name", "first_name", "email", "roles", "active", "must_change_password",
                           "password_changed_at", "tf_primary_method", "last_login_at", "locked_until")
    column_export_list = ("last_name", "first_name", "email", "roles", "active", "last_login_at")
    column_labels = {
        "last_name": "Nume",
        "first_name": "Prenume",
        "email": "E-mail",
        "roles": "Roluri",
        "roles.name": "Rol",
        "active": "Activ",
        "last_login_at": "Ultima autentificare",
        "must_change_password": "Parola trebuie schimbată",
        "password_changed_at": "Parola schimbată la",
        "tf_primary_method": "Autentificare în doi pași",
        "locked_until": "Blocat până la",
    }
    column_searchable_list = ("last_name", "first_name", "email")
    column_filters = ("active", "roles.name")
    column_choices = {"roles.name": _choices(policy.ROLE_DESCRIPTIONS)}
    form_columns = ("last_name", "first_name", "email", "roles", "active")
    form_args = {
        "email": {"validators": [DataRequired(REQUIRED_MESSAGE), Email(message=EMAIL_MESSAGE)]},
        "last_name": {"validators": [DataRequired(REQUIRED_MESSAGE)]},
        "first_name": {"validators": [DataRequired(REQUIRED_MESSAGE)]},
        "roles": {"description": "Un administrator nu poate avea și rol de profesor, secretar sau director "
                                 "(administratorii nu scriu în catalog)."},
        "active": {"default": True},
    }

    @property
    def can_delete(self) -> bool:  # type: ignore[override]
        return False

    def build_new_instance(self) -> Any:
        user = super().build_new_instance()
        user.fs_uniquifier = uuid.uuid4().hex
        user.active = True
        return user

    def on_model_change(self, form: Any, model: m.User, is_created: bool) -> None:
        super().on_model_change(form, model, is_created)
        model.email = (model.email or "").strip().lower()
        names = {role.name for role in model.roles}
        if not is_created and model.id == current_user.id:
            history = sa_inspect(model).attrs.roles.history
            if history.added or history.deleted:
                raise InvariantViolation("own_roles", "Nu vă puteți modifica propriile roluri; cereți acest lucru "
                                         "altui administrator al școlii.", "Nobody changes their own roles.")
            if not model.active:
                raise InvariantViolation("own_account_inactive", "Nu vă puteți dezactiva propriul cont.",
                                         "Nobody deactivates their own account.")
        if policy.ADMINISTRATOR in names:
            clash = [policy.ROLE_DESCRIPTIONS[name] for name in _roles_forbidden_with_administrator() if name in names]
            if clash:
                raise InvariantViolation(
                    "administrator_role_clash",
                    f"Un cont de administrator nu poate avea și rolul {', '.join(clash)}: administratorii nu adaugă, "
                    "nu modifică și nu șterg note, absențe, medii sau note la purtare (Ordinul 3.896/2023, ¶26). "
                    "Creați un cont separat pentru acest rol.",
                    "An administrator account cannot hold catalog-writing roles.",
                )

    def after_model_change(self, form: Any, model: m.User, is_created: bool) -> None:
        if is_created:
            from security.auth import issue_one_time_password

            g.catalog_issued_password = (model, issue_one_time_password(_actor(), model))

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self) -> Any:
        """After creating an account, show its one-time password once (never stored in clear)."""
        response = super().create_view()
        issued = g.pop("catalog_issued_password", None)
        if issued is None:
            return response
        account, password = issued
        return self.render("admin/catalog/account_created.html", account=account, password=password,
                           return_url=self.get_url(".index_view"))


# --- settings: the school itself ------------------------------------------------------------
class SchoolAdmin(SecuredModelView):
    """The school's own record: only the current user's school, edited by its administrator."""

    allowed_roles = STRUCTURE_READERS
    write_roles = frozenset({policy.ADMINISTRATOR})
    column_list = ("name", "siiir_code", "county", "locality", "address", "phone", "email")
    column_labels = {"name": "Denumirea unității", "siiir_code": "Cod SIIIR", "county": "Județ",
                     "locality": "Localitate", "address": "Adresa", "phone": "Telefon", "email": "E-mail",
                     "absence_notice_threshold": "Absențe nemotivate pentru înștiințarea părinților",
                     "max_tests_per_day": "Lucrări anunțate pe zi (cel mult)",
                     "max_tests_per_week": "Lucrări anunțate pe săptămână (cel mult)"}
    column_searchable_list = ("name",)
    column_filters = ("county", "locality")
    form_columns = ("name", "siiir_code", "county", "locality", "address", "phone", "email",
                    "absence_notice_threshold", "max_tests_per_day", "max_tests_per_week")
    form_args = {
        "siiir_code": {"validators": [Regexp(r"^\d{10}$", message="Codul SIIIR al unității are 10 cifre.")]},
        "email": {"validators": [Optional(), Email(message=EMAIL_MESSAGE)]},
    }

    @property
    def can_create(self) -> bool:  # type: ignore[override]
        return False

    @property
    def can_delete(self) -> bool:  # type: ignore[override]
        return False

    def _school_filter(self, query: Any) -> Any:
        return query.filter(m.School.id == current_user.school_id)

    def get_one(self, id: Any) -> Any:  # noqa: A002 (Flask-Admin's name)
        school = super().get_one(id)
        if school.id != current_user.school_id:
            abort(404)
        return school


# --- staff data for the annual evaluation (issue 9) -------------------------------------------
#: Who keeps the staff data: the administrator, the director and the deputy (the operations check again).
STAFF_DATA_WRITERS = frozenset({policy.ADMINISTRATOR, policy.DIRECTOR, policy.DEPUTY_DIRECTOR})


def _school_users(query: Any) -> Any:
    return query.filter(m.User.active.is_(True)).order_by(m.User.last_name, m.User.first_name)


def _related_id(field: Any) -> int | None:
    return field.data.id if field.data is not None else None


class OperationBackedView(SecuredModelView):
    """Rows written only through an operation (`save`): the form's values go to it, never to the
    model directly; a refusal shows its Romanian message and keeps the form. Never deleted here
    (rows are deactivated). Subclasses define `save(form, model_or_None) -> model`."""

    allowed_roles = STRUCTURE_READERS
    write_roles = STAFF_DATA_WRITERS

    @property
    def can_delete(self) -> bool:  # type: ignore[override]
        return False

    def create_model(self, form: Any) -> Any:
        return self._saved(form, None, is_created=True)

    def update_model(self, form: Any, model: Any) -> bool:
        return bool(self._saved(form, model, is_created=False))

    def _saved(self, form: Any, model: Any | None, *, is_created: bool) -> Any:
        try:
            saved = self.save(form, model)  # type: ignore[attr-defined]
        except Exception as error:  # noqa: BLE001 - Flask-Admin's own pattern: show, roll back
            m.db.session.rollback()
            if not self.handle_view_exception(error):
                flash("Înregistrarea nu a putut fi salvată.", "error")
            return False
        self.after_model_change(form, saved, is_created)
        return saved


class DepartmentAdmin(OperationBackedView):
    """Catedre and functional compartments with their head (who enters the department's scores)."""

    column_list = ("name", "kind", "head", "is_active")
    column_labels = {"name": "Denumire", "kind": "Tip", "head": "Responsabil / șef", "is_active": "Activă"}
    column_choices = {"kind": _choices(DEPARTMENT_KIND_LABELS)}
    column_searchable_list = ("name",)
    column_filters = ("kind", "is_active")
    form_columns = ("name", "kind", "head", "is_active")
    choice_filters = {"head": _school_users}
    _selects = select_fields({"kind": DEPARTMENT_KIND_LABELS})
    form_overrides = _selects["form_overrides"]
    form_args = {**_selects["form_args"], "name": {"validators": [InputRequired(REQUIRED_MESSAGE)]}}

    def save(self, form: Any, model: Any | None) -> Any:
        from schema.operations.evaluation import save_department

        return save_department(_actor(), department=model, name=form.name.data or "", kind=form.kind.data,
                               head_id=_related_id(form.head), is_active=bool(form.is_active.data),
                               remote_addr=request.remote_addr)


class StaffMemberAdmin(OperationBackedView):
    """Staff: category, post, department, direct superior and the employment facts that decide
    whether a non-teaching employee may be evaluated (R-EVN-03)."""

    column_list = ("user", "category", "job_title", "department", "superior", "employment_started_on", "is_active")
    column_labels = {
        "user": "Angajat", "category": "Categoria", "job_title": "Funcția", "department": "Catedra / compartimentul",
        "superior": "Șeful direct (evaluator, personal nedidactic)", "employment_started_on": "Angajat din",
        "employment_ended_on": "Contract încetat la", "is_debutant": "Debutant",
        "probation_ends_on": "Sfârșitul stagiului de debutant", "contract_suspended": "Contract suspendat",
        "suspension_resumed_on": "Activitate reluată după suspendare la",
        "long_absence_resumed_on": "Activitate reluată după o absență de peste 12 luni la", "is_active": "Activ",
        "user.last_name": "Numele angajatului",
    }
    column_choices = {"category": _choices(CATEGORY_LABELS)}
    column_searchable_list = ("job_title", "user.last_name")
    column_filters = ("category", "is_active")
    form_columns = ("user", "category", "job_title", "department", "superior", "employment_started_on",
                    "employment_ended_on", "is_debutant", "probation_ends_on", "contract_suspended",
                    "suspension_resumed_on", "long_absence_resumed_on", "is_active")
    choice_filters = {"user": _school_users, "superior": _school_users}
    _selects = select_fields({"category": CATEGORY_LABELS})
    form_overrides = _selects["form_overrides"]
    form_args = {
        **_selects["form_args"],
        "user": {"validators": [InputRequired(REQUIRED_MESSAGE)]},
        "job_title": {"validators": [InputRequired(REQUIRED_MESSAGE)]},
        "employment_started_on": {"validators": [InputRequired(REQUIRED_MESSAGE)]},
    }

    def save(self, form: Any, model: Any | None) -> Any:
        from schema.operations.evaluation import save_staff_member

        return save_staff_member(
            _actor(), staff_member=model, user_id=_related_id(form.user), category=form.category.data,
            job_title=form.job_title.data or "", employment_started_on=form.employment_started_on.data,
            department_id=_related_id(form.department), superior_id=_related_id(form.superior),
            employment_ended_on=form.employment_ended_on.data, is_debutant=bool(form.is_debutant.data),
            probation_ends_on=form.probation_ends_on.data, contract_suspended=bool(form.contract_suspended.data),
            suspension_resumed_on=form.suspension_resumed_on.data,
            long_absence_resumed_on=form.long_absence_resumed_on.data, is_active=bool(form.is_active.data),
            remote_addr=request.remote_addr,
        )


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
        """The screens this user may open, by section (the same list as the menu, readable on a phone)."""
        sections: dict[str, list[tuple[str, str]]] = {}
        for view in self.admin._views:
            if isinstance(view, SecuredModelView) and view.is_accessible():
                sections.setdefault(view.category or "", []).append((view.name, url_for(f"{view.endpoint}.index_view")))
        return self.render("admin/catalog/index.html", sections=sections)


#: (view class, model, Romanian name, menu category)
ADMIN_VIEWS: list[tuple[type[SecuredModelView], type, str, str]] = [
    (SchoolYearAdmin, m.SchoolYear, "Ani școlari", "Structura școlii"),
    (LearningPeriodAdmin, m.LearningPeriod, "Perioade de învățare", "Structura școlii"),
    (SchoolClassAdmin, m.SchoolClass, "Clase", "Structura școlii"),
    (SubjectAdmin, m.Subject, "Discipline", "Structura școlii"),
    (CurriculumEntryAdmin, m.CurriculumEntry, "Plan de învățământ", "Structura școlii"),
    (CurriculumThesisAdmin, m.CurriculumThesis, "Teze", "Structura școlii"),
    (TeachingAssignmentAdmin, m.TeachingAssignment, "Încadrări", "Structura școlii"),
    (StudentAdmin, m.Student, "Elevi", "Elevi și părinți"),
    (GuardianAdmin, m.Guardian, "Părinți și tutori", "Elevi și părinți"),
    (StudentGuardianAdmin, m.StudentGuardian, "Legături elev–părinte", "Elevi și părinți"),
    (EnrolmentAdmin, m.Enrolment, "Înscrieri și transferuri", "Elevi și părinți"),
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
    (UserAdmin, m.User, "Conturi și roluri", "Conturi"),
    (SchoolAdmin, m.School, "Date despre școală", "Setări"),
    (GradeLevelAdmin, m.GradeLevel, "Niveluri și seturi de reguli", "Setări"),
    (DepartmentAdmin, m.Department, "Catedre și compartimente", "Personal"),
    (StaffMemberAdmin, m.StaffMember, "Personal (evaluare anuală)", "Personal"),
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
    from views.import_admin import StudentImportView
    admin.add_view(StudentImportView())
    return admin

