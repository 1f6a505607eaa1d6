"""Demo data: the hand-made portfolio behind `csm --demo` and the generator behind
`csm seed-demo` (deterministic for a seed, used by tests and benchmarks).

Dates are laid out relative to `today` so that the demo always looks alive:
something is overdue, renewals are coming, a few accounts show risk signals.
Rows are written with bulk inserts in one transaction, so 50,000 accounts take
seconds, not minutes.
"""

from __future__ import annotations

import csv
import random
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from csm_tui.dates import add_months
from csm_tui.i18n import current_language
from csm_tui.paths import fixtures_dir
from db.bulk import bulk_insert, next_id, sync_sequence
from db.models import Account, Contact, Event, Touchpoint
from db.queries.accounts import accounts_named_in, all_account_names
from db.queries.tasks import open_tasks_before

if TYPE_CHECKING:
    from sqlmodel import Session, SQLModel

    from db.store import Store

DEMO_USER = "alex.chen"  # owns most demo accounts: `csm --demo` opens on "mine", `m` for team
CADENCE_DAYS = {"S": 14, "A": 30, "B": 45, "C": 90}

CN_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
CN_GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛",
            "明", "超", "秀英", "华", "建国", "晓东", "海燕", "志强", "雪梅", "文博"]
EN_FIRST = ["Olivia", "Liam", "Emma", "Noah", "Ava", "Ethan", "Sophia", "Mason", "Mia",
            "Lucas", "Amelia", "James", "Harper", "Benjamin", "Ella", "Henry", "Grace", "Leo",
            "Chloe", "Daniel", "Priya", "Arjun", "Yuki", "Kenji", "Sofia", "Mateo"]
EN_LAST = ["Smith", "Johnson", "Brown", "Garcia", "Miller", "Davis", "Martinez", "Lopez",
           "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Martin", "Lee", "Walker",
           "Hall", "Young", "King", "Wright", "Patel", "Sato", "Kim", "Nguyen", "Rossi"]
TITLES = {
    "decision_maker": [("CIO", "executive"), ("VP Operations", "executive"),
                       ("Head of Procurement", "manager"), ("副校长", "executive"),
                       ("信息中心主任", "manager")],
    "champion": [("Program Manager", "manager"), ("Digital Lead", "manager"),
                 ("项目负责人", "manager")],
    "influencer": [("Enterprise Architect", "manager"), ("Dean of Research", "executive"),
                   ("IT Director", "manager"), ("学院院长", "executive")],
    "user": [("Analyst", "staff"), ("Coordinator", "staff"), ("Administrator", "staff"),
             ("教务员", "staff"), ("Team Lead", "manager")],
}
CHANNEL_WEIGHTS = {"email": 30, "call": 25, "meeting": 15, "chat": 12, "visit": 6,
                   "training": 7, "qbr": 5}
SUMMARIES_EN = ["Checked adoption of the reporting module", "Walked through the new release",
                "Reviewed open tickets with the admin", "Agreed the training plan",
                "Discussed expansion to a second department", "Quarterly business review",
                "Followed up on the invoice question", "Shared a best-practice case",
                "Renewal timeline and budget check", "Kick-off call with key users"]
SUMMARIES_ZH = ["回访使用情况，确认报表模块已上线", "介绍新版本功能", "与管理员过了一遍未结工单",
                "确认培训计划", "讨论扩展到第二个学院", "季度业务回顾（QBR）", "跟进发票问题",
                "分享最佳实践案例", "确认续约时间表和预算", "与关键用户启动会"]
OUTCOME_WEIGHTS = {"positive": 45, "neutral": 40, "negative": 10, "risk": 5}
INDUSTRIES = ["technology", "higher-education", "manufacturing", "healthcare", "finance",
              "retail", "logistics", "media", "government", "professional-services"]
REGIONS = ["Beijing", "Shanghai", "Shenzhen", "Hangzhou", "Singapore", "London", "Berlin",
           "New York", "Chicago", "Sydney", "Tokyo", "Toronto"]
NAME_HEADS = ["Acme", "Apex", "Blue", "Bright", "Cedar", "Delta", "Echo", "Falcon", "Granite",
              "Harbor", "Iron", "Jade", "Kite", "Lumen", "Maple", "Nova", "Orbit", "Pine",
              "Quartz", "River", "Summit", "Terra", "Union", "Vertex", "Willow", "Zenith"]
NAME_TAILS = ["Systems", "Labs", "Logistics", "Health", "Partners", "Foods", "Media",
              "Robotics", "Capital", "Energy", "Retail", "Software", "Works", "Group"]
CN_HEADS = ["华信", "中科", "东方", "长城", "天际", "金桥", "新禾", "瑞丰", "博远", "云帆",
            "星河", "鼎盛", "恒通", "海川", "智联", "青松"]
CN_TAILS = ["科技", "软件", "物流", "医疗", "教育集团", "大学", "制造", "传媒", "能源"]


@dataclass(frozen=True)
class SeedResult:
    accounts: int
    contacts: int
    touchpoints: int
    events: int


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _is_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _person(rng: random.Random, cjk: bool) -> str:
    if cjk:
        return rng.choice(CN_SURNAMES) + rng.choice(CN_GIVEN)
    return f"{rng.choice(EN_FIRST)} {rng.choice(EN_LAST)}"


def _contacts_for(rng: random.Random, account_id: int, account_name: str,
                  next_id: Callable[[], int]) -> list[dict]:
    """2-5 stakeholders; about one account in twelve hangs on a single contact."""
    cjk = _is_cjk(account_name)
    count = 1 if rng.random() < 0.08 else rng.randint(2, 5)
    roles = ["champion", "decision_maker", "user", "influencer", "user"][:count]
    domain = "".join(ch for ch in account_name.lower() if ch.isascii() and ch.isalnum())
    rows = []
    for role in roles:
        name = _person(rng, cjk)
        title, level = rng.choice(TITLES[role])
        cid = next_id()
        handle = f"c{cid}"
        rows.append({
            "id": cid, "account_id": account_id, "name": name, "title": title, "role": role,
            "level": level, "email": f"{handle}@{domain or 'example'}.example",
            "phone": f"+86 1{rng.randint(30, 89)} {rng.randint(1000, 9999)} "
                     f"{rng.randint(1000, 9999)}",
            "notes": "", "created_at": _utc(),
        })
    return rows


def _utc() -> datetime:
    return datetime.now(UTC)


def _touchpoints_for(rng: random.Random, account: dict, contact_ids: list[int],
                     today: date, risky: bool, fewest: int = 5) -> list[dict]:
    """`fewest`-30 logged touchpoints ending at the last touch, plus the next planned
    one (a generated book: 10-30, about 20, as a real book has)."""
    cadence = CADENCE_DAYS.get(account["tier"], 45)
    cjk = _is_cjk(account["name"]) or current_language() == "zh_CN"  # the text shown
    count = rng.randint(fewest, 30)
    if risky:
        last_touch = today - timedelta(days=rng.randint(cadence + 15, cadence + 60))
    else:
        last_touch = today - timedelta(days=rng.randint(0, max(1, cadence + 5)))
    span = min(540, max(count * cadence // 2, 60))
    first = last_touch - timedelta(days=span)
    days = sorted(rng.randint(0, span) for _ in range(count - 1)) + [span]
    rows = []
    for offset in days:
        day = first + timedelta(days=offset)
        channel = _weighted(rng, CHANNEL_WEIGHTS)
        rows.append({
            "account_id": account["id"],
            "contact_id": rng.choice(contact_ids) if contact_ids else None,
            "channel": channel, "due_date": day,
            "done_at": datetime.combine(
                day, time(rng.randint(1, 10), rng.choice((0, 15, 30)), tzinfo=UTC)),
            "status": "done",
            "summary": rng.choice(SUMMARIES_ZH if cjk else SUMMARIES_EN),
            "outcome": "risk" if risky and offset == span else _weighted(rng, OUTCOME_WEIGHTS),
            "next_step": "", "origin": None, "created_at": _utc(),
        })
    rows.append({
        "account_id": account["id"],
        "contact_id": rng.choice(contact_ids) if contact_ids else None,
        "channel": _weighted(rng, CHANNEL_WEIGHTS),
        "due_date": last_touch + timedelta(days=cadence),
        "done_at": None, "status": "planned", "summary": "",
        "outcome": "", "next_step": "Regular check-in" if not cjk else "例行回访",
        "origin": None, "created_at": _utc(),
    })
    return rows


def _stage_for(rng: random.Random, start: date, end: date, today: date) -> str:
    if rng.random() < 0.03:
        return "churned"
    if (today - start).days < 14:
        return "handover"
    if (today - start).days < 61:
        return "onboarding"
    if (end - today).days <= 90:
        return "renewal"
    return "adoption"


def _stage_entered(stage: str, start: date, end: date, today: date) -> date:
    if stage in ("handover", "renewed"):
        return start
    if stage == "onboarding":
        return min(today, start + timedelta(days=14))
    if stage == "adoption":
        return min(today, start + timedelta(days=61))
    if stage == "renewal":
        return min(today, end - timedelta(days=90))
    return min(today, end)


def _tiers_by_rank(arrs: list[int]) -> list[str]:
    """Initial tiers by ARR rank: top 10 % S, next 20 % A, next 30 % B, rest C."""
    order = sorted(range(len(arrs)), key=lambda i: -arrs[i])
    tiers = ["C"] * len(arrs)
    n = len(arrs)
    for rank, idx in enumerate(order):
        share = rank / max(n, 1)
        tiers[idx] = "S" if share < 0.10 else "A" if share < 0.30 else "B" if share < 0.60 else "C"
    return tiers


def _next_id(session: Session, model: type[SQLModel]) -> Callable[[], int]:
    counter = iter(range(next_id(session, model), 10**12))
    return lambda: next(counter)


def _bulk(session: Session, model: type[SQLModel], rows: Iterable[dict[str, Any]]) -> int:
    count = bulk_insert(session, model, rows)
    sync_sequence(session, model)
    return count


def _history(session: Session, rng: random.Random, accounts: list[dict], today: date,
             risky_ids: set[int], fewest: int = 5) -> tuple[int, int]:
    next_contact = _next_id(session, Contact)
    contacts: list[dict] = []
    touchpoints: list[dict] = []
    for acc in accounts:
        rows = _contacts_for(rng, acc["id"], acc["name"], next_contact)
        contacts.extend(rows)
        touchpoints.extend(_touchpoints_for(rng, acc, [r["id"] for r in rows], today,
                                            acc["id"] in risky_ids, fewest))
    from csm_tui.search import remember_names

    remember_names(session, [a["name"] for a in accounts] + [c["name"] for c in contacts])
    return _bulk(session, Contact, contacts), _bulk(session, Touchpoint, touchpoints)


def _account_row(ident: int, **values: object) -> dict[str, Any]:
    now = _utc()
    base: dict[str, Any] = {
        "id": ident, "external_id": None, "industry": "", "region": "", "owner": "",
        "tier": "C", "tier_locked": False, "tier_reason": "", "score": 0.0, "arr_minor": 0,
        "currency": "CNY", "contract_start": None, "contract_end": None, "term": 1,
        "stage": "handover", "stage_entered": None, "founded_on": None, "nps": None,
        "nps_previous": None, "last_login": None, "open_tickets": 0, "open_tickets_previous": 0,
        "on_time_payment": 1.0, "profit_margin": 0.0, "growth_potential": 0, "influence": 0,
        "referrals": 0, "engagement": 0, "archived": False, "version": 1,
        "created_at": now, "updated_at": now,
    }
    base.update(values)
    return base


def _opt_int(text: str) -> int | None:
    return int(text) if text.strip() else None


def seed_demo_portfolio(store: Store, today: date) -> SeedResult:
    """Load the hand-made demo portfolio from fixtures/ in one transaction."""
    rng = random.Random(20261124)
    with (fixtures_dir() / "demo_accounts.csv").open(encoding="utf-8", newline="") as fh:
        source = list(csv.DictReader(fh))
    from csm_tui.stored import use_day

    with store.transaction() as session:
        use_day(session, today)
        next_account = _next_id(session, Account)
        accounts = []
        risky: set[int] = set()
        for row in source:
            start = today - timedelta(days=int(row["start_days_ago"]))
            end = add_months(start, int(row["term_months"]))
            stage = row["stage"]
            login = _opt_int(row["last_login_days_ago"])
            acc = _account_row(
                next_account(), name=row["name"], external_id=row["external_id"],
                industry=row["industry"], region=row["region"], owner=row["owner"],
                tier=row["tier"], arr_minor=int(row["arr"]) * 100, currency=row["currency"],
                contract_start=start, contract_end=end, stage=stage,
                stage_entered=_stage_entered(stage, start, end, today),
                founded_on=date.fromisoformat(row["founded"]), nps=_opt_int(row["nps"]),
                nps_previous=_opt_int(row["nps_previous"]),
                last_login=None if login is None else today - timedelta(days=login),
                open_tickets=int(row["open_tickets"]),
                open_tickets_previous=int(row["open_tickets_previous"]),
                on_time_payment=float(row["on_time_payment"]),
                profit_margin=float(row["profit_margin"]),
                growth_potential=int(row["growth_potential"]), influence=int(row["influence"]),
                referrals=int(row["referrals"]), engagement=int(row["engagement"]),
            )
            if login is not None and login >= 30:
                risky.add(acc["id"])
            accounts.append(acc)
        _bulk(session, Account, accounts)
        _terms_and_readings(session, accounts, today)
        n_contacts, n_touch = _history(session, rng, accounts, today, risky)
        _settle(session, accounts)
        n_events = _seed_events(session, today)
    return SeedResult(len(accounts), n_contacts, n_touch, n_events)


def _terms_and_readings(session: Session, accounts: list[dict[str, Any]], today: date) -> None:
    """Each seeded account's current contract term, and its metric history: the previous
    NPS and ticket count six weeks ago, the current ones this week, the last login (the
    churn signals compare these readings, as they would an import's)."""
    from csm_tui.lifecycle import ensure_terms
    from csm_tui.metrics import Reading, record

    session.flush()
    ensure_terms(session, [a["id"] for a in accounts])
    before, now = today - timedelta(days=42), today - timedelta(days=3)
    readings: list[Reading] = []
    for a in accounts:
        aid = a["id"]
        if a["nps_previous"] is not None:
            readings.append(Reading(aid, "nps", a["nps_previous"], None, before, "seed"))
        if a["nps"] is not None:
            readings.append(Reading(aid, "nps", a["nps"], None, now, "seed"))
        readings.append(Reading(aid, "open_tickets", a["open_tickets_previous"], None, before,
                                "seed"))
        readings.append(Reading(aid, "open_tickets", a["open_tickets"], None, now, "seed"))
        if a["last_login"] is not None:
            readings.append(Reading(aid, "last_login", None, a["last_login"], a["last_login"],
                                    "seed"))
    record(session, readings)


DEMO_LOCKS = {"清华大学": "strategic logo: the reference customer for higher education",
              "Lamna Healthcare": "executive sponsor left; kept at B until the new one is met"}


def prepare_demo(store: Store, today: date) -> SeedResult:
    """Everything `csm --demo` shows: the hand-made portfolio, two manual tier locks,
    then tiers and scores from the scoring model."""
    from csm_tui.tiering import retier

    result = seed_demo_portfolio(store, today)
    with store.transaction() as session:
        for account in accounts_named_in(session, DEMO_LOCKS):
            account.tier_locked, account.tier_reason = True, DEMO_LOCKS[account.name]
    retier(store, today=today)
    from csm_tui.tasks import generate_tasks

    generate_tasks(store, today)
    _tick_past_steps(store, today)
    from csm_tui.event_ops import plan_event_touchpoints

    plan_event_touchpoints(store, today)
    return result


def _tick_past_steps(store: Store, today: date) -> None:
    """A lived-in demo: most SOP steps due over a week ago were done on time; a few
    are left open so that Today and the board show something overdue."""
    rng = random.Random(7)
    cutoff = today - timedelta(days=7)
    with store.transaction() as session:
        for task in open_tasks_before(session, cutoff):
            if rng.random() < 0.85 and task.due_date is not None:
                task.done_at = datetime.combine(task.due_date, time(10, 0), tzinfo=UTC)
                task.closed_as = "done"


def _seed_events(session: Session, today: date) -> int:
    with (fixtures_dir() / "demo_events.toml").open("rb") as fh:
        data = tomllib.load(fh)
    rows: list[dict[str, Any]] = []
    lang = current_language().split("_")[0]  # a Chinese demo: title_zh, description_zh
    for item in data.get("event", []):
        text = item["date"]
        if item.get("yearly"):
            month, day = (int(part) for part in text.split("-"))
            on_date = date(today.year, month, day)
        else:
            on_date = date.fromisoformat(text)
        rows.append({
            "title": item.get(f"title_{lang}", item["title"]), "on_date": on_date,
            "end_date": None, "at_time": None,
            "yearly": bool(item.get("yearly", False)), "kind": item.get("kind", "event"),
            "scope": item.get("scope", "global"), "industry": item.get("industry"),
            "account_id": None, "target_tiers": ",".join(item.get("tiers", [])),
            "target_industries": item.get("industry", "") if item.get("scope") == "industry"
            else "",
            "lead_days": int(item.get("lead_days", 0)),
            "description": item.get(f"description_{lang}", item.get("description", "")),
            "source": "demo",
            "source_uid": f"demo-{len(rows) + 1}", "created_at": _utc(),
        })
    return _bulk(session, Event, rows)


def _generated_name(rng: random.Random, used: set[str]) -> str:
    while True:
        if rng.random() < 0.25:
            name = rng.choice(CN_HEADS) + rng.choice(CN_TAILS)
        else:
            name = f"{rng.choice(NAME_HEADS)} {rng.choice(NAME_TAILS)}"
        if name not in used:
            used.add(name)
            return name
        name = f"{name} {rng.randint(2, 9999)}"
        if name not in used:
            used.add(name)
            return name


def seed_generated(store: Store, accounts: int, seed: int, today: date) -> SeedResult:
    """Write `accounts` synthetic accounts with contacts and history; same seed, same data.

    ARR is log-normal with a wide spread, so about 20 % of accounts hold about
    80 % of ARR; contract ends fall over the next 12 months (a few just past).
    """
    from csm_tui.stored import use_day

    rng = random.Random(seed)
    with store.transaction() as session:
        use_day(session, today)
        next_account = _next_id(session, Account)
        used = all_account_names(session)
        arrs = [max(2_000, min(20_000_000, int(rng.lognormvariate(10.0, 1.7)))) for _ in
                range(accounts)]
        tiers = _tiers_by_rank(arrs)
        rows = []
        risky: set[int] = set()
        for i in range(accounts):
            end = today + timedelta(days=rng.randint(-20, 365))
            start = add_months(end, -12)
            stage = _stage_for(rng, start, end, today)
            ident = next_account()
            login_days = rng.choice([0, 1, 2, 3, 5, 8, 13, 21, 34, 45, 60])
            if login_days >= 30:
                risky.add(ident)
            tickets = rng.choice([0, 0, 1, 1, 2, 3, 5, 8])
            nps = rng.randint(-30, 80)
            rows.append(_account_row(
                ident, name=_generated_name(rng, used), external_id=f"GEN-{seed}-{i + 1:06d}",
                industry=rng.choice(INDUSTRIES), region=rng.choice(REGIONS),
                owner=rng.choice(["alex.chen"] * 4 + ["li.wei", "sam.taylor"]),
                tier=tiers[i], arr_minor=arrs[i] * 100, currency="CNY",
                contract_start=start, contract_end=end, stage=stage,
                stage_entered=_stage_entered(stage, start, end, today),
                founded_on=date(rng.randint(1950, 2020), rng.randint(1, 12), rng.randint(1, 28)),
                nps=nps, nps_previous=nps + rng.randint(-15, 15),
                last_login=today - timedelta(days=login_days),
                open_tickets=tickets, open_tickets_previous=max(0, tickets + rng.randint(-3, 2)),
                on_time_payment=round(rng.uniform(0.6, 1.0), 2),
                profit_margin=round(rng.uniform(0.1, 0.5), 2),
                growth_potential=rng.randint(0, 5), influence=rng.randint(0, 5),
                referrals=rng.choice([0, 0, 0, 0, 1, 1, 2, 3]), engagement=rng.randint(0, 5),
            ))
        _bulk(session, Account, rows)
        _terms_and_readings(session, rows, today)
        n_contacts, n_touch = _history(session, rng, rows, today, risky, fewest=10)
        n_events = _seed_events(session, today) if not _has_events(session) else 0
        _settle(session, rows)
        _sop_steps(session, [r["id"] for r in rows], today)
    with store.transaction() as session:
        from db.queries.state import refresh_planner_stats

        refresh_planner_stats(session)
    return SeedResult(accounts, n_contacts, n_touch, n_events)


def _has_events(session: Session) -> bool:
    from db.queries.seed import event_count

    return event_count(session) > 0


def _sop_steps(session: Session, account_ids: list[int], today: date) -> None:
    """A real book's SOP steps: every account's playbook steps for its stage and term,
    most of those due over a week ago done on time (every seventh left open, so Today
    and the board show something overdue)."""
    from csm_tui.tasks import sync_tasks
    from db.queries.seed import close_past_tasks

    sync_tasks(session, today, account_ids=account_ids, log=False)
    close_past_tasks(session, cutoff=today - timedelta(days=7), keep_open_every=7,
                     account_ids=account_ids)


def _settle(session: Session, accounts: list[dict[str, Any]]) -> None:
    """A churned account seeded with a planned touch has it closed: no cadence."""
    from csm_tui.lifecycle import settle_books

    settle_books(session, [a["id"] for a in accounts])
