"""Money in every currency (base currency, rates, warnings), working days for every
generated date, and files written safely (0600, beside the target, never through a
symlink or over a device, nothing left behind)."""

from __future__ import annotations

import os
import stat
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from csm_tui.cli import main
from csm_tui.event_ops import replan_working_days
from csm_tui.followup import log_followup, snooze
from csm_tui.money import Rates, choose_base, format_money, load_rates
from csm_tui.portfolio import load_portfolio, rows_total, tier_figures
from csm_tui.rates import RatesError, import_rates
from csm_tui.safe_files import UnsafeTarget, atomic_write, printable, write_text
from csm_tui.tabular.exporters import export_accounts_csv, export_json
from csm_tui.tiering import compute
from csm_tui.workdays import WorkCalendar, is_relative, resolve
from db.models import Account, Touchpoint
from db.store import Store

TODAY = date(2026, 12, 1)  # a Tuesday


def _accounts(store: Store, rows: list[tuple[str, int, str]]) -> None:
    with store.transaction() as s:
        for name, major, currency in rows:
            s.add(Account(name=name, arr_minor=major * 100, currency=currency))


def test_rates_convert_and_name_what_is_missing() -> None:
    rates = Rates("CNY", {"USD": 7.1})
    assert rates.to_base(100_00, "USD") == 710_00 and rates.to_base(5, "CNY") == 5
    assert rates.to_base(1, "EUR") is None
    total = rates.total([(100_00, "USD"), (50_00, "CNY"), (9_99, "EUR"), (1, "EUR")])
    assert total.minor == 760_00 and total.missing == (("EUR", 2),)
    assert "EUR (2 accounts)" in total.warning and "CNY" in total.warning
    assert choose_base("", [("USD", 500, 2), ("CNY", 900, 1)]) == "CNY"
    assert choose_base("EUR", [("USD", 500, 2)]) == "EUR"
    assert format_money(123_400, "SGD") == "SGD 1,234"


def test_portfolio_totals_shares_and_sort_in_base(store: Store, tmp_path: Path) -> None:
    _accounts(store, [("Yuan Co", 700_000, "CNY"), ("Dollar Inc", 341_000, "USD"),
                      ("Euro AG", 50_000, "EUR")])
    rates_file = tmp_path / "rates.csv"
    rates_file.write_text("currency,rate,as_of\nUSD,7.1,2026-11-30\n")
    report = import_rates(store, rates_file, today=TODAY)
    assert (report.base, report.inserted) == ("CNY", 1)
    with store.session() as s:
        rows = load_portfolio(s, TODAY, with_lenses=False)
    by_name = {r.name: r for r in rows}
    assert by_name["Dollar Inc"].base_minor == 341_000 * 710
    assert by_name["Euro AG"].base_minor is None
    total = rows_total(rows)
    assert total.minor == 700_000_00 + 341_000 * 710 and total.missing == (("EUR", 1),)
    assert [r.name for r in rows] == ["Dollar Inc", "Yuan Co", "Euro AG"]  # by base ARR
    with store.session() as s:
        groups, _matched = tier_figures(s, TODAY)
    assert sum(g.arr_minor for g in groups) == total.minor
    assert sum(g.missing for g in groups) == 1
    with store.session() as s:  # tier cut-offs compare base amounts: USD 341k > CNY 700k
        scores, _tiers, inputs = compute(s)
    ids = {name: f.account_id for f, name, _t, _l in inputs}
    assert scores[ids["Dollar Inc"]].total > scores[ids["Yuan Co"]].total


def test_rates_file_errors_name_row_column_value(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    for text, bits in (("currency,rate,as_of\nUSD,-1,2026-01-01\n", ["row 2", "'rate'"]),
                       ("currency,rate,as_of\nUSDX,7,2026-01-01\n", ["row 2", "currency"]),
                       ("currency,rate,as_of\nUSD,7,2026-13-01\n", ["row 2", "as_of"]),
                       ("currency,rate\nUSD,7\n", ["as_of"])):
        path.write_text(text)
        with pytest.raises(RatesError) as caught:
            import_rates(store, path, today=TODAY)
        assert all(b in str(caught.value) for b in bits), str(caught.value)
    with store.session() as s:
        assert load_rates(s, TODAY).rates == {}


def test_settings_rates_and_base(store: Store, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from csm_tui import settings as st

    cfg = tmp_path / "settings.toml"
    cfg.write_text('[money]\nbase_currency = "EUR"\n[money.rates]\nUSD = 0.9\n')
    monkeypatch.setattr(st, "current_settings", lambda: st.load_settings(cfg))
    _accounts(store, [("A", 100, "USD"), ("B", 100, "EUR")])
    with store.session() as s:
        rates = load_rates(s, TODAY)
    assert rates.base == "EUR" and rates.to_base(100_00, "USD") == 90_00
    cfg.write_text('[money]\nbase_currency = "eur"\n')
    with pytest.raises(st.SettingsError, match="base_currency"):
        st.load_settings(cfg)


# ---- working days ---------------------------------------------------------------------

def test_relative_dates_move_and_typed_ones_stay() -> None:
    cal = WorkCalendar(holidays={date(2026, 12, 7)}, names={date(2026, 12, 7): "Test Day"})
    sat = resolve("+4d", TODAY, cal)  # Saturday 5 Dec -> Tuesday 8 (Monday is off)
    assert sat.day == date(2026, 12, 8) and sat.moved_from == date(2026, 12, 5)
    assert "weekend" in sat.text() and "moved from" in sat.text()
    assert resolve("2026-12-05", TODAY, cal).day == date(2026, 12, 5)
    assert is_relative("2w") and not is_relative("2026-12-05")
    assert resolve("+1d", TODAY, cal).moved_from is None


def test_snooze_lands_on_a_working_day(store: Store) -> None:
    _accounts(store, [("A", 1, "CNY")])
    from datetime import UTC, datetime

    with store.session() as s:
        aid = s.exec(select(Account)).one().id or 0
    result = log_followup(store, aid, summary="call", next_date=TODAY + timedelta(days=1),
                          now=datetime(2026, 12, 1, 9, tzinfo=UTC), today=TODAY)
    assert result.next_id is not None
    assert snooze(store, result.next_id, 3, today=TODAY) == date(2026, 12, 7)  # not Sat


def test_holiday_import_replans_and_reports(store: Store, tmp_path: Path) -> None:
    _accounts(store, [("A", 1, "CNY")])
    with store.transaction() as s:
        aid = s.exec(select(Account)).one().id or 0
        s.add(Touchpoint(account_id=aid, due_date=date(2026, 12, 25), status="planned"))
    cal = tmp_path / "h.ics"
    cal.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nX-WR-CALNAME:Holidays\r\n"
                   "BEGIN:VEVENT\r\nUID:xmas\r\nDTSTART;VALUE=DATE:20261225\r\n"
                   "SUMMARY:Christmas holiday\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    from csm_tui.ical import import_ics

    import_ics(store, cal)
    moved = replan_working_days(store, TODAY)
    assert moved.touchpoints == 1 and "2026-12-25 → 2026-12-28" in moved.examples
    with store.session() as s:
        assert s.exec(select(Touchpoint)).one().due_date == date(2026, 12, 28)


# ---- safe files ------------------------------------------------------------------------

def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_exports_are_0600_and_leave_nothing_behind(demo_store: Store, tmp_path: Path) -> None:
    from csm_tui.ical import export_ics

    folder = tmp_path / "exports"
    folder.mkdir()
    old = os.umask(0o022)
    try:
        export_accounts_csv(demo_store, folder / "a.csv", TODAY)
        export_json(demo_store, folder / "a.json")
        export_ics(demo_store, folder / "a.ics", TODAY)
    finally:
        os.umask(old)
    assert sorted(p.name for p in folder.iterdir()) == ["a.csv", "a.ics", "a.json"]
    assert {_mode(p) for p in folder.iterdir()} == {0o600}


def test_failed_write_leaves_nothing_and_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_write(target, text=True) as fh:
        fh.write("half")
        raise RuntimeError("disk full")
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_symlinks_and_devices_are_never_written_through(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("keep")
    link = tmp_path / "out.csv"
    link.symlink_to(secret)
    with pytest.raises(UnsafeTarget, match="symbolic link"):
        write_text(link, "x")
    assert secret.read_text() == "keep" and link.is_symlink()
    if Path("/dev/null").exists():
        with pytest.raises(UnsafeTarget, match="not a regular file"):
            write_text(Path("/dev/null"), "x")
    planted = tmp_path / "b.csv.tmp"  # the old fixed temporary name
    planted.symlink_to(secret)
    write_text(tmp_path / "b.csv", "new")
    assert secret.read_text() == "keep" and (tmp_path / "b.csv").read_text() == "new"


@pytest.mark.sqlite_only
def test_cli_export_to_a_device_is_refused(demo_store: Store, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    assert main(["export", "csv", "/dev/full", "--db", str(demo_store.path)]) == 2
    assert "not a regular file" in capsys.readouterr().err
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_control_characters_are_shown_escaped() -> None:
    assert printable("Acme\x1b[2J\x1b]0;pwned\x07") == "Acme\\u001b[2J\\u001b]0;pwned\\u0007"
    assert printable("清华大学\tA\nB") == "清华大学\tA\nB"


@pytest.mark.sqlite_only
def test_cli_today_and_log_escape_names(store: Store,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    _accounts(store, [("Evil\x1b[2J\x1b]0;title\x07 Co", 100, "CNY")])
    db = str(store.path)
    assert main(["today", "--team", "--db", db, "--today", TODAY.isoformat()]) == 0
    assert main(["log", "1", "hi", "--db", db, "--today", TODAY.isoformat()]) == 0
    out = capsys.readouterr().out
    assert "\x1b[2J" not in out and "\x07" not in out and "\\u001b[2J" in out


@pytest.mark.sqlite_only
def test_rejects_brief_and_backup_are_0600(demo_store: Store, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    from csm_tui.briefs import write_brief
    from csm_tui.tabular.importers import import_file

    bad = tmp_path / "in.csv"
    bad.write_text("name,arr\nOk,1\nBad,x\n")
    result = import_file(demo_store, "accounts", bad, today=TODAY, skip_invalid=True)
    assert result.rejects_path is not None and _mode(result.rejects_path) == 0o600
    assert _mode(write_brief("Acme", "# brief\n", TODAY, tmp_path / "b.md")) == 0o600
    out = tmp_path / "backups" / "copy.db"
    assert main(["backup", str(out), "--db", str(demo_store.path)]) == 0
    assert _mode(out) == 0o600 and sorted(p.name for p in out.parent.iterdir()) == ["copy.db"]


def test_retier_names_the_currencies_it_scores_without_a_rate(store: Store) -> None:
    from csm_tui.tiering import retier

    _accounts(store, [("Yuan Co", 700_000, "CNY"), ("Euro AG", 50_000, "EUR"),
                      ("Euro SA", 60_000, "EUR")])
    report = retier(store, dry_run=True, today=TODAY)
    assert "EUR (2 accounts)" in report.no_rate and "counts as 0" in report.no_rate
    _accounts(store, [("Yuan Two", 10_000, "CNY")])
    with store.transaction() as s:  # every currency has a rate: nothing said
        for a in s.exec(select(Account).where(Account.currency == "EUR")):
            s.delete(a)
    assert retier(store, dry_run=True, today=TODAY).no_rate == ""


@pytest.mark.sqlite_only
def test_csm_retier_warns_on_stderr(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    from csm_tui.cli import main

    _accounts(store, [("Yuan Co", 700_000, "CNY"), ("Euro AG", 50_000, "EUR")])
    assert main(["retier", "--dry-run", "--db", str(store.path)]) == 0
    assert "EUR (1 account)" in capsys.readouterr().err
