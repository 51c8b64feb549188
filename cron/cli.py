"""`flask --app wsgi backup full|incremental|verify|restore|prune`: thin click wrappers over
cron/backup.py (docs/backups.md; cron/crontab.example schedules them)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

backup_cli = AppGroup("backup", help="Copii de siguranță / backups (docs/backups.md).")


def _settings() -> dict:
    config = current_app.config
    return {
        "database_url": config["SQLALCHEMY_DATABASE_URI"],
        "backup_dir": config["CATALOG_BACKUP_DIR"],
        "offsite": config.get("CATALOG_OFFSITE_TARGET"),
        "journal": config.get("CATALOG_JOURNAL_PATH"),
    }


def _run(job, *args, **kwargs):
    from cron.backup import BackupError

    try:
        return job(*args, **kwargs)
    except BackupError as error:
        raise click.ClickException(str(error)) from error


@backup_cli.command("full")
def full_command() -> None:
    """Full compressed backup with manifest, copied to the off-site target."""
    from cron.backup import full_backup

    settings = _settings()
    backup, offsite = _run(full_backup, settings["database_url"], settings["backup_dir"], offsite=settings["offsite"])
    click.echo(f"Copie completă: {backup.path} (revizia {backup.manifest.get('alembic_revision')}, "
               f"{len(backup.manifest['tables'])} tabele)")
    if offsite:
        click.echo(f"Copiată în afara școlii: {offsite}")
    else:
        click.echo("ATENȚIE: CATALOG_OFFSITE_TARGET nu este setat; copia a rămas doar local.", err=True)


@backup_cli.command("incremental")
def incremental_command() -> None:
    """The journal segment since the previous backup (SQLite)."""
    from cron.backup import incremental_backup

    settings = _settings()
    backup, offsite = _run(incremental_backup, settings["database_url"], settings["journal"], settings["backup_dir"],
                           offsite=settings["offsite"])
    manifest = backup.manifest
    click.echo(f"Copie incrementală: {backup.path} (tranzacțiile {manifest['from_seq']}–{manifest['to_seq']}, "
               f"{manifest['transactions']} confirmate)")
    if offsite:
        click.echo(f"Copiată în afara școlii: {offsite}")


@backup_cli.command("verify")
def verify_command() -> None:
    """Restore the newest backup chain into a scratch database and compare with the manifest."""
    from cron.backup import verify

    settings = _settings()
    report = _run(verify, settings["backup_dir"], database_url=settings["database_url"])
    if not report.ok:
        for table, (expected, actual) in report.mismatches.items():
            click.echo(f"DIFERENȚĂ {table}: așteptat {expected}, restaurat {actual}", err=True)
        raise click.ClickException(f"Verificarea a eșuat pentru {len(report.mismatches)} tabele.")
    click.echo(f"Verificare reușită: {' + '.join(report.chain)}; {report.tables} tabele, {report.rows} rânduri identice.")


@backup_cli.command("restore")
@click.option("--target", required=True, help="New SQLite file (path or sqlite:/// URL) or an empty PostgreSQL database URL.")
@click.option("--full", "full_name", default=None, help="A full backup by name (default: the newest).")
@click.option("--journal", "journal_path", default=None, type=click.Path(exists=True, dir_okay=False),
              help="SQLite: also replay this journal's transactions after the last incremental.")
def restore_command(target: str, full_name: str | None, journal_path: str | None) -> None:
    """Restore a full backup and its incrementals into a target."""
    from cron.backup import restore

    report = _run(restore, _settings()["backup_dir"], target, full_name=full_name, journal_path=journal_path)
    for line in report.lines():
        click.echo(line)


@backup_cli.command("prune")
def prune_command() -> None:
    """Apply retention: monthly fulls until 24 months after the contract end, dailies N days."""
    from cron.backup import prune, today_utc

    config = current_app.config
    settings = _settings()
    kept, removed = _run(prune, settings["backup_dir"], today_utc(), contract_end=config.get("CATALOG_CONTRACT_END"),
                         daily_days=config["CATALOG_DAILY_RETENTION_DAYS"], offsite=settings["offsite"],
                         journal_path=settings["journal"])
    for path in removed:
        click.echo(f"Șters: {path}")
    click.echo(f"Păstrate: {len(kept)}, șterse: {len(removed)}.")
