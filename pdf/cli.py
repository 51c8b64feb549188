"""`flask --app wsgi export year --year 2025-2026 --out DIR`: a thin wrapper over pdf.export."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

export_cli = AppGroup("export", help="Official documents for archiving.")


@export_cli.command("year")
@click.option("--year", "year_name", required=True, help="School year, e.g. 2025-2026.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Output directory.")
@click.option("--school", "school_code", default=None, help="SIIIR code (needed when the database holds several schools).")
@click.option("--workers", default=None, type=click.IntRange(1, 64), help="Rendering processes (default: CPU count).")
def year_command(year_name: str, out_dir: str, school_code: str | None, workers: int | None) -> None:
    """One catalog PDF per class of the year, and manifest.json with their SHA-256."""
    from pdf.export import ExportError, export_year

    started = time.perf_counter()
    try:
        manifest = export_year(year_name, out_dir, school_code=school_code, workers=workers)
    except ExportError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{len(manifest['files'])} cataloage ale anului {manifest['year']} scrise în {out_dir} "
               f"({time.perf_counter() - started:.1f} s); manifest.json cu SHA-256.")
