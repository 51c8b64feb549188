"""The account pages: what the user sees after login (last successful and failed login, 004
pt.22), the parent's page for a minor child's password (000 ¶25), the administrator's locked
accounts and one-time passwords (004 pt.19, pt.26), and the authentication log the auditor reads.

Each page: `auth_required` → a `can_*` predicate or an `access_*` helper → operation → template.
Flask-Security's own pages (login, two-factor, change password) use the Romanian templates of
views/templates/account/ and the messages of `ROMANIAN_MESSAGES`.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_security import LoginForm, auth_required, current_user
from flask_security.forms import TwoFactorRescueForm, TwoFactorSetupForm
from flask_security.utils import get_message
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from wtforms import EmailField, PasswordField, RadioField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo

from schema.audit_log import AuthEvent, PersonalDataAccess
from schema.errors import CatalogError, NotFound
from schema.models import User, db
from security import auth, policy, twofactor

bp = Blueprint("account", __name__, url_prefix="/cont", template_folder="templates")

PAGE_SIZE = 100

#: Flask-Security's messages in Romanian (it ships no Romanian catalog, stack.md §4.14).
ROMANIAN_MESSAGES: dict[str, tuple[str, str]] = {
    "GENERIC_AUTHN_FAILED": ("E-mailul sau parola nu sunt corecte.", "error"),
    "USER_DOES_NOT_EXIST": ("E-mailul sau parola nu sunt corecte.", "error"),
    "INVALID_PASSWORD": ("E-mailul sau parola nu sunt corecte.", "error"),
    "DISABLED_ACCOUNT": ("Contul este dezactivat.", "error"),
    "LOGIN": ("Autentificați-vă pentru a deschide această pagină.", "info"),
    "UNAUTHENTICATED": ("Autentificați-vă pentru a deschide această pagină.", "error"),
    "UNAUTHORIZED": ("Nu aveți dreptul să deschideți această pagină.", "error"),
    "REFRESH": ("Introduceți din nou parola pentru a continua.", "info"),
    "REAUTHENTICATION_REQUIRED": ("Introduceți din nou parola pentru a continua.", "error"),
    "REAUTHENTICATION_SUCCESSFUL": ("Autentificare confirmată.", "info"),
    "PASSWORD_NOT_PROVIDED": ("Introduceți parola.", "error"),
    "EMAIL_NOT_PROVIDED": ("Introduceți adresa de e-mail.", "error"),
    "INVALID_EMAIL_ADDRESS": ("Adresa de e-mail nu este validă.", "error"),
    "PASSWORD_MISMATCH": ("Parola actuală nu este corectă.", "error"),
    "RETYPE_PASSWORD_MISMATCH": ("Cele două parole nu coincid.", "error"),
    "PASSWORD_IS_THE_SAME": ("Parola nouă trebuie să fie diferită de cea actuală.", "error"),
    "PASSWORD_CHANGE": ("Parola a fost schimbată.", "success"),
    "PASSWORD_INVALID_LENGTH": ("Parola trebuie să aibă cel puțin %(length)s caractere.", "error"),
    "PASSWORD_TOO_SIMPLE": ("Parola nu este destul de complexă.", "error"),
    "INVALID_CODE": ("Cod greșit.", "error"),
    "TWO_FACTOR_INVALID_TOKEN": ("Cod greșit sau deja folosit.", "error"),
    "TWO_FACTOR_LOGIN_SUCCESSFUL": ("Codul a fost confirmat.", "success"),
    "TWO_FACTOR_CHANGE_METHOD_SUCCESSFUL": ("Autentificarea în doi pași a fost configurată.", "success"),
    "TWO_FACTOR_PERMISSION_DENIED": ("Autentificați-vă din nou, cu parola.", "error"),
    "TWO_FACTOR_METHOD_NOT_AVAILABLE": ("Alegeți una dintre metodele disponibile.", "error"),
    "TWO_FACTOR_DISABLED": ("Autentificarea în doi pași a fost dezactivată.", "success"),
    "TWO_FACTOR_SETUP_EXPIRED": ("Configurarea a expirat (după %(within)s). Reluați-o.", "error"),
    "FAILED_TO_SEND_CODE": ("Codul nu a putut fi trimis. Încercați din nou mai târziu.", "error"),
    "CODE_HAS_BEEN_SENT": ("Codul a fost trimis.", "info"),
    "INVALID_RECOVERY_CODE": ("Cod de recuperare greșit sau deja folosit.", "error"),
    "NO_RECOVERY_CODES_SETUP": ("Nu ați generat încă coduri de recuperare.", "info"),
    "PHONE_INVALID": ("Numărul de telefon nu este valid (cu prefixul țării, de exemplu +40...).", "error"),
    "ANONYMOUS_USER_REQUIRED": ("Sunteți deja autentificat.", "error"),
    "INVALID_REDIRECT": ("Redirecționările în afara portalului nu sunt permise.", "error"),
    "API_ERROR": ("Cerere nevalidă.", "error"),
}
#: E-mail subjects of Flask-Security's messages.
ROMANIAN_SUBJECTS: dict[str, str] = {
    "SECURITY_EMAIL_SUBJECT_TWO_FACTOR": "Codul de autentificare — Catalog școlar",
    "SECURITY_EMAIL_SUBJECT_TWO_FACTOR_RESCUE": "Cerere de ajutor la autentificare — Catalog școlar",
    "SECURITY_EMAIL_SUBJECT_PASSWORD_CHANGE_NOTICE": "Parola a fost schimbată — Catalog școlar",
}
#: Flask-Security templates replaced by Romanian ones.
TEMPLATES: dict[str, str] = {
    "SECURITY_LOGIN_USER_TEMPLATE": "account/login.html",
    "SECURITY_TWO_FACTOR_SETUP_TEMPLATE": "account/two_factor_setup.html",
    "SECURITY_TWO_FACTOR_VERIFY_CODE_TEMPLATE": "account/two_factor_verify_code.html",
    "SECURITY_CHANGE_PASSWORD_TEMPLATE": "account/change_password.html",
    "SECURITY_MULTI_FACTOR_RECOVERY_TEMPLATE": "account/mf_recovery.html",
    "SECURITY_MULTI_FACTOR_RECOVERY_CODES_TEMPLATE": "account/mf_recovery_codes.html",
    "SECURITY_VERIFY_TEMPLATE": "account/verify.html",
    "SECURITY_LOGOUT_USER_TEMPLATE": "account/logout.html",
    "SECURITY_TWO_FACTOR_EMAIL_TEMPLATE": "account/email/two_factor_code",
    "SECURITY_EMAIL_TEMPLATE_PASSWORD_CHANGE_NOTICE": "account/email/password_changed",
}
#: Method names shown on the two-factor pages.
METHOD_LABELS = {
    "authenticator": "Aplicație de autentificare (Google Authenticator, Microsoft Authenticator, Authy)",
    "email": "Cod primit prin e-mail",
    "sms": "Cod primit prin SMS",
    "disable": "Dezactivez autentificarea în doi pași",
}
EVENT_LABELS = {
    auth.LOGIN_SUCCEEDED: "Autentificare reușită",
    auth.LOGIN_FAILED: "Autentificare eșuată",
    auth.LOGIN_REFUSED_LOCKED: "Autentificare refuzată (cont blocat)",
    auth.ACCOUNT_LOCKED: "Cont blocat",
    auth.ACCOUNT_UNLOCKED: "Cont deblocat",
    auth.LOGOUT: "Deconectare",
    auth.IDLE_LOGOUT: "Deconectare după inactivitate",
    auth.TWO_FACTOR_SET_UP: "Autentificare în doi pași configurată",
    auth.TWO_FACTOR_DISABLED: "Autentificare în doi pași dezactivată",
    auth.TWO_FACTOR_CODE_SENT: "Cod trimis",
    auth.RECOVERY_CODE_USED: "Cod de recuperare folosit",
    auth.PASSWORD_CHANGED: "Parolă schimbată",
    auth.ONE_TIME_PASSWORD_ISSUED: "Parolă de unică folosință emisă",
    auth.DELEGATION_DECIDED: "Decizie privind o delegare de drepturi",
}


class CatalogLoginForm(LoginForm):
    """Flask-Security's login form without "remember me" (a remembered login would outlive the
    idle logout), which also records attempts on unknown accounts and explains a lockout."""

    remember = None

    def validate(self, **kwargs: Any) -> bool:
        valid = super().validate(**kwargs)
        if valid or request.method != "POST":
            return valid
        if self.user is None and get_message("USER_DOES_NOT_EXIST")[0] in (self.email.errors or []):
            auth.note_unknown_account(self.email.data)
        elif self.user is not None and self.user_authenticated and auth.is_locked_out(self.user):
            self.form_errors.append(auth.LOCKED_MESSAGE)
        return valid


class CatalogTwoFactorSetupForm(TwoFactorSetupForm):
    """Flask-Security's setup form with Romanian labels (and choices in WTForms 3.3's form)."""

    setup = RadioField(
        "Metoda", choices=[SelectChoice(value, label) for value, label in METHOD_LABELS.items()], validate_choice=False
    )


class CatalogTwoFactorRescueForm(TwoFactorRescueForm):
    """Flask-Security's "no access to the code" form; the view adds the other choices."""

    help_setup = RadioField("Nu aveți acces la cod?", choices=[SelectChoice("help", "Cer ajutorul administratorului")])


class ChildPasswordForm(FlaskForm):
    password = PasswordField("Parola nouă", validators=[DataRequired()])
    password_confirm = PasswordField(
        "Parola nouă, încă o dată", validators=[DataRequired(), EqualTo("password", "Cele două parole nu coincid.")]
    )
    submit = SubmitField("Schimbă parola")


class ConfirmForm(FlaskForm):
    submit = SubmitField("Confirm")


class OneTimePasswordForm(FlaskForm):
    email = EmailField("E-mailul contului", validators=[DataRequired()])
    submit = SubmitField("Generează parola de unică folosință")


# --- predicates ----------------------------------------------------------------------------
def _roles(user: User) -> set[str]:
    return {role.name for role in user.roles}


def can_manage_accounts(user: User) -> bool:
    return policy.has_permission(_roles(user), policy.MANAGE_ACCOUNTS)


def can_read_auth_log(user: User) -> bool:
    """Auditors and the school's leadership read the log; the administrator, who unlocks
    accounts, reads it too (rules.md §1.5: audit log)."""
    roles = _roles(user)
    return policy.has_permission(roles, policy.READ_HISTORY) or policy.has_permission(roles, policy.MANAGE_ACCOUNTS)


def can_open_admin(user: User) -> bool:
    """The roles the admin home lets in (views/admin.py: CatalogIndexView)."""
    from views.admin import STRUCTURE_READERS

    return bool(_roles(user) & (STRUCTURE_READERS | {policy.ADMINISTRATOR}))


def can_read_personal_data_log(user: User) -> bool:
    return policy.has_permission(_roles(user), policy.READ_HISTORY)


def local_time(value: Any) -> str:
    """A UTC moment as Europe/Bucharest time, dd.mm.yyyy hh:mm."""
    moment = auth.as_utc(value)
    if moment is None:
        return "—"
    zone = ZoneInfo(current_app.config.get("CATALOG_SCHOOL_TIMEZONE", "Europe/Bucharest"))
    return moment.astimezone(zone).strftime("%d.%m.%Y %H:%M")


@bp.app_template_filter("local_time")
def _local_time_filter(value: Any) -> str:
    return local_time(value)


@bp.app_context_processor
def _account_context() -> dict[str, Any]:
    return {"method_labels": METHOD_LABELS, "event_labels": EVENT_LABELS, "csrf_token": generate_csrf}


# --- pages ---------------------------------------------------------------------------------
@bp.get("/")
@auth_required("session")
def welcome() -> Any:
    """After login: the last successful and failed login, and where to go next."""
    user = current_user._get_current_object()
    info = auth.login_info_of_session() or auth.login_info_at_login(user)
    return render_template(
        "account/welcome.html",
        info=info,
        two_factor_method=METHOD_LABELS.get(user.tf_primary_method or "", None) if twofactor.is_set_up(user) else None,
        has_children=bool(auth.minor_children_with_accounts(user)),
        can_manage_accounts=can_manage_accounts(user),
        can_read_auth_log=can_read_auth_log(user),
        can_read_personal_data_log=can_read_personal_data_log(user),
        sees_admin=can_open_admin(user),
        notification_choices=_notification_choices(),
    )


def _notification_choices() -> dict[str, str]:
    """How notifications may reach the user: SMS only where a provider is configured (CATALOG_SMS_SENDER)."""
    from schema.operations.notification_delivery import PREFERENCE_LABELS, configured_sms_sender

    return {key: label for key, label in PREFERENCE_LABELS.items() if key != "sms" or configured_sms_sender()}


@bp.post("/notificari")
@auth_required("session")
def notification_preference() -> Any:
    """The user's choice: immediate e-mail, daily digest (default) or no e-mail (issue 8)."""
    from schema.operations.notifications import set_notification_preference

    try:
        set_notification_preference(current_user._get_current_object(), request.form.get("preference", ""),
                                    remote_addr=request.remote_addr)
    except CatalogError as error:
        db.session.rollback()
        flash(error.message_ro, "error")
    else:
        flash("Preferința pentru notificări a fost salvată.", "success")
    return redirect(url_for("account.welcome") + "#notificari")


@bp.get("/copii")
@auth_required("session")
def children() -> Any:
    """The parent's minor children whose password the parent may change."""
    return render_template("account/children.html", children=auth.minor_children_with_accounts(current_user))


@bp.route("/copii/<int:student_id>/parola", methods=["GET", "POST"])
@auth_required("session")
def child_password(student_id: int) -> Any:
    """Change a minor child's password."""
    try:
        student = auth.access_child_account(current_user, student_id)
    except NotFound:
        abort(404)
    form = ChildPasswordForm()
    if form.validate_on_submit():
        try:
            auth.change_child_password(current_user, student, form.password.data)
        except CatalogError as error:
            form.password.errors = [*form.password.errors, error.message_ro]
        else:
            flash(f"Parola contului lui {student.full_name} a fost schimbată.", "success")
            return redirect(url_for("account.children"))
    return render_template("account/child_password.html", form=form, student=student)


def _require(predicate: Any) -> User:
    user = current_user._get_current_object()
    if not predicate(user):
        abort(403)
    return user


@bp.get("/conturi-blocate")
@auth_required("session")
def locked() -> Any:
    """The administrator's list of locked accounts."""
    user = _require(can_manage_accounts)
    return render_template("account/locked.html", accounts=auth.locked_accounts(user.school_id), form=ConfirmForm())


@bp.post("/conturi-blocate/<int:user_id>/deblocare")
@auth_required("session")
def unlock(user_id: int) -> Any:
    """Unlock one account before its lock ends."""
    admin = _require(can_manage_accounts)
    form = ConfirmForm()
    account = db.session.get(User, user_id)
    if account is None or account.school_id != admin.school_id:
        abort(404)
    if form.validate_on_submit():
        auth.unlock_account(account, by=admin)
        flash(f"Contul {account.email} a fost deblocat.", "success")
    return redirect(url_for("account.locked"))


@bp.route("/parola-initiala", methods=["GET", "POST"])
@auth_required("session")
def one_time_password() -> Any:
    """Give an account a new one-time password, shown once (004 pt.19)."""
    admin = _require(can_manage_accounts)
    form = OneTimePasswordForm()
    issued = None
    if form.validate_on_submit():
        account = db.session.scalar(sa.select(User).where(User.email == form.email.data.strip().lower(),
                                                          User.school_id == admin.school_id))
        if account is None:
            form.email.errors = [*form.email.errors, "Nu există un cont cu acest e-mail în școala dumneavoastră."]
        else:
            issued = (account, auth.issue_one_time_password(admin, account))
    return render_template("account/one_time_password.html", form=form, issued=issued)


def _page() -> int:
    return max(1, request.args.get("pagina", 1, type=int))


@bp.get("/jurnal-autentificari")
@auth_required("session")
def auth_events() -> Any:
    """The school's authentication events, newest first."""
    user = _require(can_read_auth_log)
    page = _page()
    events = db.session.scalars(
        sa.select(AuthEvent).where(AuthEvent.school_id == user.school_id)
        .order_by(AuthEvent.occurred_at.desc(), AuthEvent.id.desc()).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    ).all()
    return render_template("account/auth_events.html", events=events, page=page, page_size=PAGE_SIZE)


@bp.get("/acces-date-personale")
@auth_required("session")
def personal_data_accesses() -> Any:
    """Who opened which student's record, newest first."""
    user = _require(can_read_personal_data_log)
    page = _page()
    rows = db.session.scalars(
        sa.select(PersonalDataAccess).where(PersonalDataAccess.school_id == user.school_id)
        .order_by(PersonalDataAccess.occurred_at.desc(), PersonalDataAccess.id.desc())
        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    ).all()
    return render_template("account/personal_data_accesses.html", rows=rows, page=page, page_size=PAGE_SIZE)
