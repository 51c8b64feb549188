"""Flask CLI commands: thin click wrappers over plain functions."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

demo_cli = AppGroup("demo", help="The demo school.")
security_cli = AppGroup("security", help="Roles, permissions and accounts.")


@demo_cli.command("seed")
@click.option("--students", default=300, show_default=True, type=click.IntRange(20, 20000), help="About how many students.")
@click.option("--seed", "random_seed", default=2026, show_default=True, type=int, help="Random seed; same seed, same school.")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already holds a school.")
def seed_command(students: int, random_seed: int, if_empty: bool) -> None:
    """Build a realistic demo school (deterministic for a given seed)."""
    from portal.demo.seed import DemoSeedError, database_is_empty, seed_demo_school

    if if_empty and not database_is_empty():
        click.echo("Baza de date conține deja o școală; nu se generează date demonstrative.")
        return
    try:
        summary = seed_demo_school(students=students, seed=random_seed)
    except DemoSeedError as error:
        raise click.ClickException(str(error)) from error
    click.echo(summary.report())


@security_cli.command("sync-roles")
def sync_roles_command() -> None:
    """Write the roles and permissions of security/policy.py into the database (idempotent)."""
    from security.roles import sync_roles

    created, updated = sync_roles()
    click.echo(f"Roluri create: {created}, actualizate: {updated}.")


@security_cli.command("unlock")
@click.argument("email")
def unlock_command(email: str) -> None:
    """Unlock an account locked after too many failed logins (before the lock ends by itself)."""
    import sqlalchemy as sa

    from schema.models import User, db
    from security.auth import is_locked_out, unlock_account

    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"Nu există un cont cu e-mailul {email}.")
    was_locked = is_locked_out(user)
    unlock_account(user, via="cli")
    click.echo(f"Contul {user.email} a fost deblocat." if was_locked else f"Contul {user.email} nu era blocat; contorul de încercări a fost resetat.")


def register_cli(app: Flask) -> None:
    from cron.cli import backup_cli
    from pdf.cli import export_cli
    from portal.import_cli import import_cli
    from portal.notifications_cli import notifications_cli

    app.cli.add_command(demo_cli)
    app.cli.add_command(security_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(export_cli)
    app.cli.add_command(import_cli)
    app.cli.add_command(notifications_cli)
