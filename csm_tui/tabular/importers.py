"""All-or-nothing imports with a row-by-row report.

Pass 1 streams the file and checks every row (values, and what it refers to: the
account of a deal, a duplicate of an earlier row). One bad row and nothing is
written, unless `skip_invalid`, which writes the rejected rows with a reason column
to a CSV. Pass 2 streams the file again and writes in one transaction, in batches.
Accounts are matched by external id, else by normalised name, so re-importing
updates rather than duplicates. Memory stays flat: rows are never all held.
"""

from __future__ import annotations

import csv
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from csm_tui.changelog import record
from csm_tui.dates import add_months
from csm_tui.i18n import label, t
from csm_tui.lifecycle import stage_for_dates
from csm_tui.metrics import Reading
from csm_tui.metrics import record as record_readings
from csm_tui.safe_files import atomic_write
from csm_tui.tabular.csvio import Dialect, TableSource, open_table
from csm_tui.tabular.locks import hold_import_lock
from csm_tui.tabular.mapping import Mapping, build_mapping
from csm_tui.tabular.parsers import PARSERS, RowProblem, norm_name
from db.bulk import bulk_insert, insert_columns, reserve_ids
from db.models import Account, Contact, Deal, StageChange, TierChange, Touchpoint, utcnow
from db.queries import accounts as qa
from db.queries import contacts as qc
from db.queries import deals as qd
from db.queries import touchpoints as qtp
from db.vocab import TIERS

if TYPE_CHECKING:
    from sqlmodel import Session

    from csm_tui.money import Total
    from db.store import Store

BATCH = 2000
Progress = Callable[[str, int, int], None]  # phase, done, total


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    column: str
    value: str
    reason: str


@dataclass
class ImportResult:
    kind: str
    path: Path
    dialect: Dialect
    mapping: Mapping
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    would_insert: int = 0  # the check (check_only): rows the import would insert...
    would_update: int = 0  # ... and rows it would update (matched to what is there)
    skipped: int = 0
    skip_reasons: dict[str, int] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    written: bool = False
    rejects_path: Path | None = None
    account_ids: array[int] = field(default_factory=lambda: array("q"))  # touched
    first_day: FirstDay | None = None  # accounts and deals: what the book looks like now

    def summary(self) -> str:
        skipped = ", ".join(f"{n} {why}" for why, n in self.skip_reasons.items())
        return (t("{rows} rows: {inserted} inserted, {updated} updated, {skipped} skipped",
                  rows=self.rows, inserted=self.inserted, updated=self.updated,
                  skipped=self.skipped) + (f" ({skipped})" if skipped else "")
                + t(", {n} rejected", n=len(self.errors)))


@dataclass
class FirstDay:
    """What an accounts or deals import leaves: tiers scored, stages from the contract
    dates, SOP steps planned (none overdue by more than the grace period), ARR in the
    base currency."""

    tiers: dict[str, int] = field(default_factory=dict)  # every account, per tier
    locked: int = 0
    scored: bool = True  # False: every score alike (no ARR yet), tiers left as they were
    stages: dict[str, int] = field(default_factory=dict)  # the imported accounts
    renewal_passed: int = 0
    steps_created: int = 0
    steps_skipped: int = 0
    steps_superseded: int = 0  # open steps of a stage the import moved accounts out of
    grace_days: int = 7
    total: Total | None = None

    def lines(self) -> list[str]:
        tiers = t(", ").join(f"{tier} {self.tiers.get(tier, 0)}" for tier in TIERS)
        out = [t("tiers scored: {tiers} ({locked} locked kept)", tiers=tiers,
                 locked=self.locked) if self.scored else
               t("tiers: {tiers}; not scored yet: every account scores alike (import their "
                 "deals, or give an ARR column)", tiers=tiers)]
        if self.stages:
            stages = t(", ").join(f"{label('stage', s)} {n}" for s, n in
                                  sorted(self.stages.items(), key=lambda p: -p[1]))
            out.append(t("stages from the contract dates: {stages}", stages=stages))
        if self.renewal_passed:
            out.append(t("renewal date passed: {n} accounts (flagged; renew or churn them)",
                         n=self.renewal_passed))
        out.append(t("SOP steps: {created} planned, {skipped} skipped (due more than "
                     "{days} days before today)", created=self.steps_created,
                     skipped=self.steps_skipped, days=self.grace_days))
        if self.steps_superseded:
            out.append(t("{n} open SOP steps of the stage the accounts left were closed "
                         "(superseded)", n=self.steps_superseded))
        if self.total is not None:
            out.append(t("ARR: {total} ({base})", total=self.total.text(compact=False),
                         base=self.total.base))
            if self.total.warning:
                out.append(self.total.warning)
        return out


class Resolver:
    """Finds accounts (and contacts) the way the file names them."""

    def __init__(self, session: Session, kind: str = "") -> None:
        self.by_ext: dict[str, int] = {}
        self.by_name: dict[str, int] = {}
        if kind == "accounts":  # the accounts import matches in its key index instead
            return
        for aid, name, ext in qa.account_refs(session):
            self.by_name.setdefault(norm_name(name), aid)
            if ext:
                self.by_ext.setdefault(ext.strip(), aid)

    def account(self, ref: str) -> int | None:
        ref = ref.strip()
        return self.by_ext.get(ref) or self.by_name.get(norm_name(ref))


def _skip(result: ImportResult, why: str) -> None:
    result.skipped += 1
    result.skip_reasons[why] = result.skip_reasons.get(why, 0) + 1


class _Checker:
    """Pass 1 per kind: values and references; remembers keys to catch duplicates."""

    def __init__(self, kind: str, resolver: Resolver, mapping: Mapping) -> None:
        self.kind = kind
        self.resolver = resolver
        self.mapping = mapping
        self.seen: dict[str, int] = {}
        self.parse = PARSERS[kind]

    def check(self, number: int, row: dict[str, str]) -> tuple[dict[str, Any] | None, str]:
        """Parsed values (None when the row is skipped, with why) or RowProblem."""
        values = self.parse(self.mapping, row)
        if self.kind == "accounts":  # duplicates: per batch, in the key index (_AccountKeys)
            return values, ""
        if self.kind == "deals" and not values["account"]:
            return None, "no account"
        if self.kind == "deals" and values["stage"] != "won":
            return None, f"{values['stage']} deals"
        if self.resolver.account(values["account"]) is None:
            column = self.mapping.field_of("account") or "account"
            raise RowProblem(column, values["account"],
                             "no such account (import accounts first)")
        return values, ""


def _scan(source: TableSource, checker: _Checker, result: ImportResult,
          progress: Progress | None, phase: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield the good rows; count skips; record errors."""
    for number, row, problem in source.rows():
        result.rows += 1
        if progress and number % 500 == 0:
            progress(phase, source.position, source.size)
        try:
            if problem:
                raise RowProblem("(row)", "", problem)
            values, why = checker.check(number, row)
        except RowProblem as exc:
            result.errors.append(RowError(number, exc.column, exc.value[:80], exc.reason))
            continue
        if values is None:
            _skip(result, why)
            continue
        yield number, values


def _write_rejects(source: TableSource, result: ImportResult, out: Path) -> None:
    """The rejected rows with a reason column: a 0600 file moved into place."""
    bad = {e.row: e for e in result.errors}
    with atomic_write(out, text=True, encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["row", *source.headers, "reason"])
        for number, row, _problem in source.rows():
            if number in bad:
                e = bad[number]
                writer.writerow([number, *(row.get(h, "") for h in source.headers),
                                 f"{e.column}: {e.reason}"])


def import_file(store: Store, kind: str, path: Path, *, today: date,
                overrides: list[str] | None = None, skip_invalid: bool = False,
                rejects: Path | None = None, term_months: int = 12,
                progress: Progress | None = None, check_only: bool = False,
                encoding: str | None = None, wait: float | None = None) -> ImportResult:
    """Check then (if clean, or skip_invalid) write one file of `kind` (CSV, or an .xlsx
    workbook's first sheet); `check_only` stops after the check (the TUI's preview),
    which also matches every good row as the import would (the same writer, writing
    nothing) to count `would_insert` and `would_update`.
    One import at a time per database: another one running, this one waits up to
    `wait` seconds (csm_tui.tabular.locks), then says so."""
    if term_months < 1 or term_months > 120:
        raise ValueError(f"--term-months: {term_months} must be between 1 and 120")
    source = open_table(path, encoding=encoding)
    mapping = build_mapping(kind, source.headers, overrides)
    result = ImportResult(kind, path, source.dialect, mapping)
    writer = {"accounts": _write_accounts, "deals": _write_deals,
              "contacts": _write_contacts, "touchpoints": _write_touchpoints}[kind]
    if check_only:
        with store.session() as session:
            checker = _Checker(kind, Resolver(session, kind), mapping)
            good = _scan(source, checker, result, progress, "check")
            writer(session, good, result, checker.resolver, today=today,
                   term_months=term_months, dry=True)
        result.would_insert, result.would_update = result.inserted, result.updated
        result.inserted = result.updated = 0
        result.errors.sort(key=lambda e: e.row)
        return result
    # One pass: check and write each row in a single transaction; any error (without
    # --skip-invalid) rolls the whole file back, so the database is as before.
    try:
        with store.transaction() as session:
            hold_import_lock(session, wait=wait, progress=progress)
            checker = _Checker(kind, Resolver(session, kind), mapping)
            good = _scan(source, checker, result, progress, "write")
            writer(session, good, result, checker.resolver, today=today,
                   term_months=term_months)
            result.errors.sort(key=lambda e: e.row)
            if result.errors and not skip_invalid:
                raise _RollBack
            if len(result.account_ids) and kind in ("accounts", "deals"):
                result.first_day = first_day(session, result.account_ids, today=today,
                                             source=path.name)
            record(session, action=f"import.{kind}", entity=kind, entity_id=None,
                   summary=f"Imported {path.name}: {result.summary()}",
                   payload={"file": str(path.name), "inserted": result.inserted,
                            "updated": result.updated})
    except _RollBack:
        result.inserted = result.updated = 0
        result.account_ids = array("q")
        return result
    result.written = True
    if result.errors:
        result.rejects_path = rejects or path.with_name(path.name + ".rejects.csv")
        _write_rejects(source, result, result.rejects_path)
    if progress:
        progress("done", source.size, source.size)
    return result


class _AccountKeys:
    """The accounts import's matching and duplicate check, batch by batch, over the key
    index (a temporary table: db.queries.imports): existing accounts by external id
    ("E…") and normalised name ("N…"), and the file's rows so far ("R…", the key the
    duplicate check uses: the external id if given, else the name). A batch matches
    what was there before it, as the import always has."""

    def __init__(self, session: Session, mapping: Mapping, result: ImportResult) -> None:
        from db.queries import imports as qi

        self.session = session
        self.mapping = mapping
        self.result = result
        qi.open_key_index(session)
        for refs in qi.account_ref_batches(session):
            pairs = []
            for aid, name, ext in refs:
                pairs.append(("N" + norm_name(name), aid))
                if ext and ext.strip():
                    pairs.append(("E" + ext.strip(), aid))
            qi.add_keys(session, pairs)

    @staticmethod
    def _row_key(values: dict[str, Any]) -> str:
        ext = values.get("external_id")
        return f"Rext:{ext}" if ext else f"Rname:{norm_name(values['name'])}"

    def check(self, batch: list[tuple[int, dict[str, Any]]]
              ) -> list[tuple[int, dict[str, Any], int | None]]:
        """The batch's rows that are not a repeat of an earlier row (repeats become row
        errors), each with the id of the account it updates (None: a new one)."""
        from db.queries import imports as qi

        wanted = []
        for _number, values in batch:
            wanted.append(self._row_key(values))
            ext = values.get("external_id")
            if ext:
                wanted.append("E" + ext)
            wanted.append("N" + norm_name(values["name"]))
        found = qi.find_keys(self.session, wanted)
        out: list[tuple[int, dict[str, Any], int | None]] = []
        rows: dict[str, int] = {}
        for number, values in batch:
            key = self._row_key(values)
            earlier = rows.get(key) or found.get(key)
            if earlier is not None:
                field_name = "external_id" if key.startswith("Rext:") else "name"
                column = self.mapping.field_of(field_name) or "name"
                self.result.errors.append(RowError(
                    number, column, str(values.get(field_name) or "")[:80],
                    f"same account as row {earlier}"))
                continue
            rows[key] = number
            ext = values.get("external_id")
            aid = (found.get("E" + ext) if ext else None) or \
                found.get("N" + norm_name(values["name"]))
            out.append((number, values, aid))
        qi.add_keys(self.session, [(key, number) for key, number in rows.items()])
        return out

    def inserted(self, pairs: list[tuple[int, dict[str, Any]]]) -> None:
        """New accounts: later batches match them by name and external id."""
        from db.queries import imports as qi

        keys = []
        for aid, values in pairs:
            keys.append(("N" + norm_name(values["name"]), aid))
            if values.get("external_id"):
                keys.append(("E" + values["external_id"], aid))
        qi.add_keys(self.session, keys)

    def close(self) -> None:
        from db.queries import imports as qi

        qi.close_key_index(self.session)


# Every column an imported account is written with, and its default (the id and the
# timestamps are always given by the import).
ACCOUNT_COLUMNS: dict[str, Any] = {
    name: info.default for name, info in Account.model_fields.items() if name != "id"}


class _RollBack(Exception):
    """Raised inside the import transaction to undo it when the file has errors."""


def _batches(rows: Iterator[tuple[int, dict[str, Any]]]
             ) -> Iterator[list[tuple[int, dict[str, Any]]]]:
    batch: list[tuple[int, dict[str, Any]]] = []
    for item in rows:
        batch.append(item)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _write_accounts(session: Session, rows: Iterator[tuple[int, dict[str, Any]]],
                    result: ImportResult, resolver: Resolver, *, today: date,
                    term_months: int, dry: bool = False) -> None:
    """Match each batch in the key index, then insert the new accounts and update the
    known ones; `dry` (the check) only counts, and lets later batches match the rows
    it would insert (by a stand-in id: minus the row number), as the import does."""
    now = utcnow()
    keys = _AccountKeys(session, result.mapping, result)
    readings: list[list[Reading]] = []
    for batch in _batches(rows):
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        checked = keys.check(batch)
        if dry:
            new = [(-number, values) for number, values, aid in checked if aid is None]
            keys.inserted(new)
            result.inserted += len(new)
            result.updated += len(checked) - len(new)
            continue
        for _number, values, aid in checked:
            if "stage" not in values and (values.get("contract_start") or
                                          values.get("contract_end")):
                values["stage"] = stage_for_dates(values.get("contract_start"),
                                                  values.get("contract_end"), today)
            if "tier" in values:  # a tier the file gives is the user's: kept by scoring
                values.update(tier_locked=True, tier_reason=t("from {file}",
                                                              file=result.path.name))
            if aid is None:
                values.setdefault("stage_entered", today)
                values["created_at"] = values["updated_at"] = now
                inserts.append(values)
            else:
                values.update(id=aid, updated_at=now)
                updates.append(values)
                result.account_ids.append(aid)
        if inserts:
            # Core executemany with ids given here (from the id sequence on PostgreSQL),
            # built column by column: every row gets every column (the model's defaults
            # filled in), several times faster than an ORM insert returning ids.
            ids = reserve_ids(session, Account, len(inserts))
            columns = [ids] + [[values.get(k, default) for values in inserts]
                               for k, default in ACCOUNT_COLUMNS.items()]
            insert_columns(session, Account, ["id", *ACCOUNT_COLUMNS], columns)
            readings.extend(_readings(aid, values, today) for aid, values
                            in zip(ids, inserts, strict=True))
            keys.inserted(list(zip(ids, inserts, strict=True)))
            result.account_ids.extend(ids)
            result.inserted += len(inserts)
        for values in updates:  # one UPDATE per distinct column set keeps it correct
            aid = values.pop("id")
            readings.append(_readings(aid, values, today))
            qa.update_account(session, aid, values)
        result.updated += len(updates)
        record_readings(session, (r for rs in readings for r in rs))
        readings.clear()
    keys.close()


def _readings(account_id: int, values: dict[str, Any], today: date) -> list[Reading]:
    """The NPS, open tickets and last login a row gives, as dated readings (so the
    churn signals compare them with the next import's)."""
    out = []
    for metric in ("nps", "open_tickets"):
        if values.get(metric) is not None:
            out.append(Reading(account_id, metric, float(values[metric]), None, today,
                               "import"))
    if values.get("last_login") is not None:
        out.append(Reading(account_id, "last_login", None, values["last_login"], today,
                           "import"))
    return out


def _write_deals(session: Session, rows: Iterator[tuple[int, dict[str, Any]]],
                 result: ImportResult, resolver: Resolver, *, today: date,
                 term_months: int, dry: bool = False) -> None:
    """Won deals: a known external id updates its deal, any other row is a new one; then
    the accounts' ARR and contract dates. `dry` (the check) only counts."""
    known = qd.deal_ids_by_external_id(session)
    touched: set[int] = set()
    for batch in _batches(rows):
        inserts = []
        for _number, values in batch:
            aid = resolver.account(values.pop("account"))
            if aid is None:  # pass 1 checked every reference; this cannot happen
                raise LookupError(f"deal account {values.get('external_id')!r} vanished")
            values.update(account_id=aid, stage="won")
            touched.add(aid)
            did = known.get(values.get("external_id") or "")
            if did is not None:
                if not dry:
                    qd.update_deal(session, did, values)
                result.updated += 1
            else:
                inserts.append(values)
        if inserts:
            if not dry:
                bulk_insert(session, Deal, inserts)
            result.inserted += len(inserts)
    if dry:
        return
    result.account_ids.extend(sorted(touched))
    apply_won_deals(session, sorted(touched), today=today, term_months=term_months)


def apply_won_deals(session: Session, account_ids: list[int], *, today: date,
                    term_months: int = 12) -> None:
    """ARR = won deal values in the 12 months up to the latest won close date;
    contract start = that date, end = start + term; stage from the dates."""
    if not account_ids:
        return
    latest = qd.latest_won_close(session, account_ids)
    arr: dict[int, int] = {}
    for aid, close, value in qd.won_deal_values(session, account_ids):
        last = latest.get(aid)
        if last is not None and close is not None and close > add_months(last, -12):
            arr[aid] = arr.get(aid, 0) + value
    now = utcnow()
    for aid, last in latest.items():
        if last is None:
            continue
        end = add_months(last, term_months)
        account = session.get(Account, aid)
        if account is None:
            continue
        stage = stage_for_dates(last, end, today)
        if account.stage != stage and account.stage not in ("churned",):
            session.add(StageChange(account_id=aid, old_stage=account.stage, new_stage=stage,
                                    reason="from imported deal dates"))
            account.stage, account.stage_entered = stage, today
        account.arr_minor = arr.get(aid, 0)
        account.contract_start, account.contract_end = last, end
        account.updated_at = now


def _write_contacts(session: Session, rows: Iterator[tuple[int, dict[str, Any]]],
                    result: ImportResult, resolver: Resolver, *, today: date,
                    term_months: int, dry: bool = False) -> None:
    """A contact is known by its account and normalised name (a repeat in the file
    updates the one it added); `dry` (the check) only counts."""
    existing = {(aid, norm_name(name)): cid for cid, aid, name in qc.contact_keys(session)}
    for batch in _batches(rows):
        inserts = []
        for _number, values in batch:
            aid = resolver.account(values.pop("account"))
            values["account_id"] = aid
            key = (aid, norm_name(values["name"]))
            if key in existing:
                if not dry:
                    qc.update_contact(session, existing[key], values)
                result.updated += 1
            else:
                values["created_at"] = utcnow()
                inserts.append(values)
                existing[key] = -1
        if inserts:
            if not dry:
                bulk_insert(session, Contact, inserts)
            result.inserted += len(inserts)


def _write_touchpoints(session: Session, rows: Iterator[tuple[int, dict[str, Any]]],
                       result: ImportResult, resolver: Resolver, *, today: date,
                       term_months: int, dry: bool = False) -> None:
    """Done touches, never updated: one already there (same account, day and summary)
    is skipped; `dry` (the check) only counts."""
    contacts = {(aid, norm_name(name)): cid for cid, aid, name in qc.contact_keys(session)}
    seen: set[tuple[int | None, Any, str]] = set(qtp.done_touch_keys(session))
    for batch in _batches(rows):
        inserts = []
        for _number, values in batch:
            aid = resolver.account(values["account"])
            key = (aid, values["date"], values["summary"])
            if key in seen:
                _skip(result, "already imported")
                continue
            seen.add(key)
            contact_id = contacts.get((aid, norm_name(values["contact"]))) \
                if values["contact"] else None
            done_at = datetime.combine(values["date"], time(12, 0), tzinfo=UTC)
            inserts.append({"account_id": aid, "contact_id": contact_id,
                            "channel": values["channel"], "due_date": values["date"],
                            "done_at": done_at, "status": "done", "summary": values["summary"],
                            "outcome": values["outcome"], "next_step": values["next_step"],
                            "origin": None, "created_at": utcnow()})
        if inserts:
            if not dry:
                bulk_insert(session, Touchpoint, inserts)
            result.inserted += len(inserts)



def preview_rows(path: Path, kind: str, overrides: list[str] | None = None, *, limit: int = 5,
                 encoding: str | None = None
                 ) -> tuple[Dialect, Mapping, list[dict[str, str]]]:
    """What the import screen shows before anything is written (CSV or .xlsx)."""
    source = open_table(path, encoding=encoding)
    mapping = build_mapping(kind, source.headers, overrides)
    rows = []
    for _number, row, _problem in source.rows():
        rows.append(row)
        if len(rows) >= limit:
            break
    return source.dialect, mapping, rows


CHUNK = 5000  # accounts per call of the first-day rules on a big import


def first_day(session: Session, account_ids: Sequence[int], *, today: date, source: str
              ) -> FirstDay:
    """After an accounts or deals import, in its transaction: score every tier (locks
    kept), plan the SOP steps of the imported accounts without any due more than the
    grace period before today, and sum the book's ARR in the base currency. A big import
    is settled chunk by chunk (memory stays flat); one that touched every account asks
    about the whole book at once."""
    from csm_tui.lifecycle import settle_books
    from csm_tui.money import load_rates
    from csm_tui.settings import current_settings, import_grace_days
    from csm_tui.tasks import sync_tasks
    from db.queries import imports as qi
    from db.queries.rates import arr_by_currency

    session.flush()
    ids = sorted(set(account_ids))
    whole = len(ids) == qi.account_count(session)  # every account: no id lists needed
    grace = import_grace_days(current_settings())
    day = FirstDay(grace_days=grace)
    day.scored = _score_book(session, source)
    session.flush()
    for tier, locked, n in qi.tier_counts(session):
        day.tiers[tier] = day.tiers.get(tier, 0) + int(n)
        day.locked += int(n) if locked else 0
    chunks: list[list[int] | None] = [None] if whole else \
        [ids[i:i + CHUNK] for i in range(0, len(ids), CHUNK)]
    for chunk in chunks:
        for stage, n in qi.stage_counts(session, chunk):
            day.stages[stage] = day.stages.get(stage, 0) + int(n)
        day.renewal_passed += qi.renewals_passed(session, chunk, today=today)
    # the rules for accounts written in bulk: steps of a stage they left superseded, a
    # churned account's planned touches closed, each account's current term recorded
    for start in range(0, len(ids), CHUNK):
        chunk_ids = ids[start:start + CHUNK]
        day.steps_superseded += settle_books(session, chunk_ids)
        report = sync_tasks(session, today, account_ids=chunk_ids,
                            not_before=today - timedelta(days=grace))
        day.steps_created += report.created_count or len(report.created)
        day.steps_skipped += report.skipped
    rates = load_rates(session, today)
    day.total = rates.total_by_currency(arr_by_currency(session))
    return day


def _score_book(session: Session, source: str) -> bool:
    """Score every account by the tier rule (csm_tui.scoring) in compact arrays, store
    the scores, move the unlocked tiers with their history, chunk by chunk; False (and
    nothing changed) when every score is alike (no ARR yet: ranking would be arbitrary)."""
    from csm_tui.money import load_rates
    from csm_tui.scoring import FactorInput, load_scoring, score_totals, tier_ranks
    from db.queries import imports as qi

    config = load_scoring()
    rates = load_rates(session, None)
    old = bytearray()  # each account's tier letter, and its lock
    locked = bytearray()

    def inputs() -> Iterator[FactorInput]:
        for batch in qi.scoring_row_batches(session):
            for r in batch:
                old.append(ord(r.tier or "C"))
                locked.append(1 if r.tier_locked else 0)
                yield FactorInput(r.id, rates.to_base(r.arr_minor, r.currency) or 0,
                                  r.on_time_payment, r.profit_margin, r.growth_potential,
                                  r.influence, r.referrals, r.engagement)

    ids, totals = score_totals(inputs(), config)
    if not totals or min(totals) == max(totals):
        return False
    for start in range(0, len(ids), CHUNK):
        qa.update_accounts(session, [{"id": ids[i], "score": totals[i]}
                                     for i in range(start, min(start + CHUNK, len(ids)))])
    now = utcnow()
    reason = f"scored on import of {source}"[:500]
    moves: list[tuple[int, str, str, float]] = []

    def flush() -> None:
        qa.update_accounts(session, [{"id": aid, "tier": new, "updated_at": now}
                                     for aid, _old, new, _score in moves])
        bulk_insert(session, TierChange, [
            {"account_id": aid, "old_tier": was, "new_tier": new, "score": score,
             "manual": False, "reason": reason, "at": now} for aid, was, new, score in moves])
        moves.clear()

    for i, tier in tier_ranks(ids, totals, config):
        if not locked[i] and ord(tier) != old[i]:
            moves.append((ids[i], chr(old[i]), tier, totals[i]))
            if len(moves) >= CHUNK:
                flush()
    if moves:
        flush()
    return True
