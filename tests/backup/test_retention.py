"""Retention on a synthetic calendar (rules.md R-BAK-03/04): monthly fulls until 24 months after
the contract end, dailies CATALOG_DAILY_RETENTION_DAYS days, chains kept whole."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from cron.backup import BackupInfo, add_months, backups_to_keep, list_backups, prune


def _calendar() -> list[BackupInfo]:
    """Fulls at 02:00 on the 1st and 15th of every month, Jan 2024 – Mar 2026; incrementals at 03:00
    every day of March 2026, each on the newest full before it."""
    backups = []
    day = date(2024, 1, 1)
    while day <= date(2026, 3, 15):
        for d in (1, 15):
            at = datetime(day.year, day.month, d, 2, tzinfo=UTC)
            backups.append(BackupInfo(f"full-{at:%Y%m%d}", "full", at))
        day = add_months(day, 1)
    for d in range(1, 21):
        at = datetime(2026, 3, d, 3, tzinfo=UTC)
        base = "full-20260315" if d >= 15 else "full-20260301"
        backups.append(BackupInfo(f"incremental-{at:%Y%m%d}", "incremental", at, manifest={"base": base}))
    return backups


def _firsts_of_month() -> set[str]:
    names, day = set(), date(2024, 1, 1)
    while day <= date(2026, 3, 1):
        names.add(f"full-{day:%Y%m%d}")
        day = add_months(day, 1)
    return names


def test_within_the_contract_window_monthly_fulls_dailies_and_chains_are_kept():
    keep = backups_to_keep(_calendar(), date(2026, 3, 20), contract_end=date(2024, 6, 30), daily_days=10)
    incrementals = {f"incremental-202603{d:02d}" for d in range(1, 21)}
    # 27 monthly fulls; the 15 March full (10 days); every March incremental: 11–20 are young, and
    # 1–10 are the chain the young 11–14 build on.
    assert keep == _firsts_of_month() | {"full-20260315"} | incrementals
    assert len(_firsts_of_month()) == 27


def test_short_daily_window_drops_old_incrementals_not_needed_by_a_chain():
    keep = backups_to_keep(_calendar(), date(2026, 3, 20), contract_end=date(2024, 6, 30), daily_days=3)
    # young: 18–20 (days 0–2) on the newest full (15 March), so 15–17 are kept as their chain;
    # 1–14 build on 1 March and nothing young needs them.
    assert keep == _firsts_of_month() | {"full-20260315"} | {f"incremental-202603{d:02d}" for d in range(15, 21)}


def test_after_24_months_past_the_contract_only_the_newest_chain_is_left():
    keep = backups_to_keep(_calendar(), date(2026, 7, 1), contract_end=date(2024, 6, 30), daily_days=10)
    assert keep == {"full-20260315"} | {f"incremental-202603{d:02d}" for d in range(15, 21)}
    # the last day of the 24 months still keeps them
    keep = backups_to_keep(_calendar(), date(2026, 6, 30), contract_end=date(2024, 6, 30), daily_days=10)
    assert _firsts_of_month() <= keep and "full-20260115" not in keep


def test_without_a_contract_end_monthly_fulls_are_kept_for_ever():
    keep = backups_to_keep(_calendar(), date(2040, 1, 1), contract_end=None, daily_days=35)
    assert keep == _firsts_of_month() | {"full-20260315"} | {f"incremental-202603{d:02d}" for d in range(15, 21)}


def test_prune_deletes_exactly_the_others_on_disk(tmp_path):
    for backup in _calendar():
        folder = tmp_path / backup.name
        folder.mkdir()
        manifest = {"kind": backup.kind, "created_at": backup.created_at.isoformat(), **backup.manifest}
        (folder / "manifest.json").write_text(json.dumps(manifest))
    (tmp_path / ".tmp-full-unfinished").mkdir()  # a half-written backup is not a backup
    kept, removed = prune(tmp_path, date(2026, 3, 20), contract_end=date(2024, 6, 30), daily_days=3)
    remaining = {b.name for b in list_backups(tmp_path)}
    assert remaining == _firsts_of_month() | {"full-20260315"} | {f"incremental-202603{d:02d}" for d in range(15, 21)}
    assert len(removed) == len(_calendar()) - len(remaining) == 26 + 14
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-delete")]


def test_add_months_clamps_to_the_month_end():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 6, 30), 24) == date(2026, 6, 30)
    assert add_months(date(2025, 12, 31) - timedelta(days=0), 2) == date(2026, 2, 28)
