"""Flask CLI commands: thin click wrappers over plain functions."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

demo_cli = AppGroup("demo", help="The demo school.")
security_cli = AppGroup("security", help="Roles and permissions.")


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


def register_cli(app: Flask) -> None:
    app.cli.add_command(demo_cli)
    app.cli.add_command(security_cli)
