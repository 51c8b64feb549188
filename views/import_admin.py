"""The admin screen "Import elevi": upload a SIIIR-style CSV/XLSX, read the dry run's report, then
commit. The work is schema/operations/importing.py; this view only moves the file between the two
steps and shows the results.

Access follows `SecuredModelView`: denied by default, open to the administrator and the
secretary; anonymous users are sent to the login page, everyone else gets 403. Flask-Admin views
are exempt from CSRFProtect (portal/__init__.py), so both forms are `SecureForm`s and check
their own token.

Between the dry run and the commit the uploaded file waits on the server (CATALOG_IMPORT_DIR,
default instance/imports/) under a random token that is also kept in the user's session; the
commit reads it back and checks everything again before writing. Files older than a day are
removed at the next upload.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, request, session, url_for
from flask_admin import BaseView, expose
from flask_admin.form import SecureForm
from flask_admin.helpers import get_form_data
from flask_security import current_user
from wtforms import FileField, HiddenField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from schema.errors import CatalogError
from schema.imports import MAX_FILE_BYTES
from schema.models import SchoolYear, db
from schema.operations.importing import ImportHasErrors, check_student_file, display_file_name, import_students
from security import access, policy

#: Session key of the file waiting for its commit.
SESSION_KEY = "student_import"
#: Uploaded files not committed within this many seconds are removed.
STASH_LIFETIME = 24 * 3600
_TOKEN = re.compile(r"[0-9a-f]{32}")


class UploadForm(SecureForm):
    """The file and the school year its students are enrolled in."""

    year = SelectField("Anul școlar", coerce=int, validators=[InputRequired("Alegeți anul școlar.")])
    file = FileField("Fișierul (CSV sau XLSX)")


class CommitForm(SecureForm):
    """The commit button of a clean dry run."""

    token = HiddenField()


def _stash_dir() -> Path:
    path = Path(current_app.config.get("CATALOG_IMPORT_DIR") or os.path.join(current_app.instance_path, "imports"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _remove_old_stashes(directory: Path) -> None:
    limit = time.time() - STASH_LIFETIME
    for stale in directory.glob("*.upload"):
        if stale.stat().st_mtime < limit:
            stale.unlink(missing_ok=True)


def _stash(data: bytes, file_name: str, year_id: int) -> str:
    """Keep the checked file for its commit; returns the token the commit form carries."""
    directory = _stash_dir()
    _remove_old_stashes(directory)
    token = secrets.token_hex(16)
    (directory / f"{token}.upload").write_bytes(data)
    session[SESSION_KEY] = json.dumps({"token": token, "file_name": file_name, "year_id": year_id,
                                       "user_id": current_user.id, "sha256": hashlib.sha256(data).hexdigest()})
    return token


def _unstash(token: str) -> tuple[bytes, str, int] | None:
    """The file waiting under `token` for this user, or None (expired, another upload since, tampered)."""
    try:
        stored = json.loads(session.get(SESSION_KEY) or "{}")
    except ValueError:
        return None
    if not _TOKEN.fullmatch(token or "") or stored.get("token") != token or stored.get("user_id") != current_user.id:
        return None
    path = _stash_dir() / f"{token}.upload"
    if not path.is_file():
        return None
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != stored.get("sha256"):
        return None
    return data, stored["file_name"], stored["year_id"]


def _forget(token: str) -> None:
    session.pop(SESSION_KEY, None)
    if _TOKEN.fullmatch(token or ""):
        (_stash_dir() / f"{token}.upload").unlink(missing_ok=True)


class StudentImportView(BaseView):
    """Import elevi: upload → dry-run report → commit."""

    #: Who may import (the same roles as the students' records: policy.MANAGE_STUDENTS).
    allowed_roles = frozenset({policy.ADMINISTRATOR, policy.SECRETARY})

    def __init__(self) -> None:
        super().__init__(name="Import elevi", category="Elevi și părinți", endpoint="student_import",
                         url="/admin/import-elevi")

    @property
    def extra_css(self) -> list[str]:  # type: ignore[override]
        return [url_for("pages.static", filename="admin.css")]

    def is_accessible(self) -> bool:
        if not current_user.is_authenticated:
            return False
        return bool({role.name for role in current_user.roles} & self.allowed_roles)

    def inaccessible_callback(self, name: str, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return redirect(url_for("security.login", next=request.url))
        abort(403)

    def render(self, template: str, **kwargs: Any) -> Any:
        """As SecuredModelView.render: the forms carry SecureForm's token, not Flask-WTF's global."""
        kwargs.setdefault("csrf_token", None)
        return super().render(template, **kwargs)

    def _open_years(self) -> list[SchoolYear]:
        """Years that still accept enrolments: not closed and not ended."""
        return list(db.session.scalars(
            sa.select(SchoolYear).where(SchoolYear.school_id == current_user.school_id,
                                        SchoolYear.is_closed.is_(False), SchoolYear.ends_on >= access.today())
            .order_by(SchoolYear.starts_on)
        ))

    @expose("/", methods=("GET", "POST"))
    def index(self) -> Any:
        """The upload form; a valid upload answers with the dry run's report."""
        years = self._open_years()
        form = UploadForm(get_form_data())
        form.year.choices = [SelectChoice(year.id, year.name) for year in years]
        if request.method == "GET" and years:
            today = access.today()
            form.year.data = next((y.id for y in years if y.starts_on <= today <= y.ends_on), years[0].id)
        if request.method == "POST" and form.validate():
            upload = request.files.get("file")
            if upload is None or not upload.filename:
                form.file.errors = ["Alegeți fișierul."]
            else:
                year = next(y for y in years if y.id == form.year.data)
                file_name = display_file_name(upload.filename)
                data = upload.stream.read(MAX_FILE_BYTES + 1)  # larger files are refused unread
                try:
                    report = check_student_file(current_user._get_current_object(), year, data, file_name)
                except CatalogError as error:
                    db.session.rollback()
                    flash(error.message_ro, "error")
                else:
                    commit_form = None
                    if report.ok:
                        commit_form = CommitForm()
                        commit_form.token.data = _stash(data, file_name, year.id)
                    return self.render("admin/import/report.html", report=report, commit_form=commit_form)
        return self.render("admin/import/upload.html", form=form, years=years)

    @expose("/commit/", methods=("POST",))
    def commit(self) -> Any:
        """Write the checked file in one transaction; with any error, nothing is written."""
        form = CommitForm(get_form_data())
        if not form.validate():
            flash("Formularul a expirat. Încărcați din nou fișierul.", "error")
            return redirect(url_for(".index"))
        stashed = _unstash(form.token.data)
        if stashed is None:
            flash("Fișierul verificat nu mai este disponibil (a expirat sau ați încărcat altul). "
                  "Încărcați-l din nou.", "error")
            return redirect(url_for(".index"))
        data, file_name, year_id = stashed
        year = next((y for y in self._open_years() if y.id == year_id), None)
        if year is None:
            flash("Anul școlar ales nu mai acceptă înscrieri.", "error")
            return redirect(url_for(".index"))
        try:
            summary = import_students(current_user._get_current_object(), year, data, file_name)
        except ImportHasErrors as refused:
            db.session.rollback()
            flash(refused.message_ro, "error")
            return self.render("admin/import/report.html", report=refused.report, commit_form=None)
        except CatalogError as error:
            db.session.rollback()
            flash(f"{error.message_ro} Nu s-a scris nimic.", "error")
            return redirect(url_for(".index"))
        _forget(form.token.data)
        flash(summary.report(), "success")
        return redirect(url_for(".index"))
