"""`flask --app wsgi notifications send [--digest]`: drain the notification queue (cron/crontab.example:
every 5 minutes without --digest, daily at 17:00 with it). Exits with status 1 when some e-mails
could not be sent; their notifications stay queued for the next run."""

from __future__ import annotations

import click
from flask.cli import AppGroup

notifications_cli = AppGroup("notifications", help="Notificările prin e-mail (coada de trimitere).")


@notifications_cli.command("send")
@click.option("--digest", is_flag=True, help="Trimite și rezumatul zilnic (o dată pe zi).")
def send_command(digest: bool) -> None:
    """Send the queued notifications: immediate users now, digest users with --digest."""
    from schema.operations.notification_delivery import deliver_notifications

    report = deliver_notifications(digest=digest)
    if report.failed:
        click.echo(report.summary(), err=True)
        raise SystemExit(1)
    click.echo(report.summary())
