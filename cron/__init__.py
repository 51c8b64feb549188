"""Scheduled jobs (backups, document exports) as plain functions behind `flask` commands.
Not built yet: see the documents and backups issue."""
