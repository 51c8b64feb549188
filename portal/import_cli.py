"""`flask --app wsgi import students FILE --year 2026-2027 [--as EMAIL] [--commit]`: the dry run by
default, the commit with --commit (schema/operations/importing.py does the work)."""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup

import_cli = AppGroup("import", help="Import de date din fișiere CSV sau XLSX.")


def _account(email: str):  # noqa: ANN202 (a User; models are imported lazily)
    from schema.models import User, db

    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email.strip().lower()))
    if user is None or not user.active:
        raise click.ClickException(f"Nu există un cont activ cu e-mailul {email}.")
    return user


def _only_school_id() -> int:
    from schema.models import School, db

    ids = db.session.scalars(sa.select(School.id).limit(2)).all()
    if len(ids) != 1:
        raise click.ClickException("Baza de date are mai multe școli (sau niciuna): indicați contul cu --as EMAIL.")
    return ids[0]


@import_cli.command("students")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--year", "year_name", required=True, help="Anul școlar al înscrierilor, de exemplu 2026-2027.")
@click.option("--as", "actor_email", help="Contul care importă (administrator sau secretar); obligatoriu la --commit.")
@click.option("--commit", is_flag=True, help="Scrie datele (fără această opțiune se face doar verificarea).")
def students_command(file: Path, year_name: str, actor_email: str | None, commit: bool) -> None:
    """Import students, guardians, classes and enrolments from a SIIIR-style CSV or XLSX file."""
    from schema.errors import CatalogError
    from schema.models import db
    from schema.operations.importing import ImportHasErrors, check_student_file, find_year, import_students

    if commit and not actor_email:
        raise click.ClickException("Pentru --commit indicați contul care importă: --as EMAIL.")
    actor = _account(actor_email) if actor_email else None
    data = file.read_bytes()
    try:
        year = find_year(actor.school_id if actor else _only_school_id(), year_name)
        if not commit:
            report = check_student_file(actor, year, data, file.name)
        else:
            summary = import_students(actor, year, data, file.name)
    except ImportHasErrors as refused:
        report = refused.report
    except CatalogError as error:
        db.session.rollback()
        raise click.ClickException(error.message_ro) from error
    else:
        if commit:
            click.echo(summary.report())
            click.echo(f"Istoricul modificărilor: „{summary.transaction_reason}”.")
            return
    for line in report.error_lines():
        click.echo(line)
    if report.errors:
        click.echo(f"{len(report.errors)} erori în {report.rows} rânduri. Nu s-a scris nimic.", err=True)
        raise SystemExit(1)
    if report.ignored_headers:
        click.echo("Coloane ignorate: " + ", ".join(f"„{header}”" for header in report.ignored_headers) + ".")
    new_classes = ", ".join(planned.name for planned in report.new_classes.values())
    click.echo(f"Fișierul nu are erori: {report.rows} elevi ({report.existing_students} deja în evidență), "
               f"{report.guardian_count} legături cu părinți" + (f", clase noi: {new_classes}" if new_classes else "")
               + f"; înscriere de la {report.starts_on:%d.%m.%Y}.")
    click.echo("Verificare fără scriere. Rulați din nou cu --commit (și --as EMAIL) pentru a importa.")
