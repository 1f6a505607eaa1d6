"""Turning one CSV row into typed values for a kind, or a RowProblem naming the column,
the value and the reason. Pure functions: no database."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from csm_tui.dates import FIRST_DATE, LAST_DATE, first_date_of, in_range
from csm_tui.money import MAX_AMOUNT
from csm_tui.tabular.mapping import IGNORE, Mapping
from db.vocab import CHANNELS, CONTACT_LEVELS, CONTACT_ROLES, OUTCOMES, STAGES, TIERS


class RowProblem(ValueError):
    def __init__(self, column: str, value: str, reason: str) -> None:
        super().__init__(f"{column}: {reason}")
        self.column = column
        self.value = value
        self.reason = reason


ROLE_ALIASES = {"decision maker": "decision_maker", "decision_maker": "decision_maker",
                "dm": "decision_maker", "决策者": "decision_maker", "决策人": "decision_maker",
                "user": "user", "用户": "user", "使用者": "user", "influencer": "influencer",
                "影响者": "influencer", "champion": "champion", "拥护者": "champion",
                "倡导者": "champion"}
LEVEL_ALIASES = {"executive": "executive", "exec": "executive", "高管": "executive",
                 "manager": "manager", "经理": "manager", "staff": "staff", "员工": "staff"}
CHANNEL_ALIASES = {"phone": "call", "phone call": "call", "电话": "call", "wechat": "chat",
                   "微信": "chat", "im": "chat", "邮件": "email", "e-mail": "email",
                   "拜访": "visit", "onsite": "visit", "会议": "meeting", "培训": "training",
                   "business review": "qbr"}
OUTCOME_ALIASES = {"good": "positive", "bad": "negative", "at risk": "risk"}
WON = {"won", "closed won", "closed-won", "成交", "赢单"}
LOST = {"lost", "closed lost", "closed-lost", "输单", "丢单"}
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S",
                 "%Y/%m/%d %H:%M", "%Y年%m月%d日")


# Longest text each stored field holds (the columns' lengths in db/models.py).
MAX_LENGTH = {"name": 200, "external_id": 100, "industry": 100, "region": 100, "owner": 100,
              "product": 200, "title": 200, "email": 200, "phone": 50}


def fit(field: str, column: str, text: str) -> str:
    """`text` if it fits its field; a value too long is an error, never cut."""
    limit = MAX_LENGTH.get(field)
    if limit is not None and len(text) > limit:
        raise RowProblem(column, text, f"too long: {len(text)} characters, at most {limit}")
    return text


def norm_name(name: str) -> str:
    """The key an account name is matched by: NFKC, casefolded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def parse_date(column: str, text: str, *, first: date = FIRST_DATE) -> date:
    day = _parse_date(column, text)
    if not in_range(day, first=first):
        raise RowProblem(column, text, f"outside {first.year}–{LAST_DATE.year}")
    return day


def _parse_date(column: str, text: str) -> date:
    value = text.strip()
    if len(value) == 10 and value[4] == "-":
        try:
            return date.fromisoformat(value)  # the common case, fast
        except ValueError:
            raise RowProblem(column, text, "not a date (use YYYY-MM-DD)") from None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise RowProblem(column, text, "not a date (use YYYY-MM-DD)")


_AMOUNT_NOISE = re.compile(r"[,\s_¥$€£]")


def parse_amount(column: str, text: str) -> int:
    cleaned = _AMOUNT_NOISE.sub("", text.strip()).removeprefix("CNY").removeprefix("USD")
    try:
        value = Decimal(cleaned)
    except (InvalidOperation, ArithmeticError):
        raise RowProblem(column, text, "not an amount") from None
    if not value.is_finite():
        raise RowProblem(column, text, "not an amount")
    if value < 0:
        raise RowProblem(column, text, "negative amount")
    if value > MAX_AMOUNT:
        raise RowProblem(column, text, "amount too large")
    return int((value * 100).to_integral_value())


def parse_int(column: str, text: str, low: int, high: int) -> int:
    try:
        number = int(text.strip())
    except ValueError:
        raise RowProblem(column, text, "not a whole number") from None
    if not low <= number <= high:
        raise RowProblem(column, text, f"outside {low}..{high}")
    return number


def parse_share(column: str, text: str) -> float:
    value = text.strip()
    try:
        share = float(value.rstrip("%")) / (100 if value.endswith("%") else 1)
    except ValueError:
        raise RowProblem(column, text, "not a share like 0.95 or 95%") from None
    if not 0 <= share <= 1:
        raise RowProblem(column, text, "must be between 0 and 1")
    return share


def _pick(alias: dict[str, str], allowed: tuple[str, ...], column: str, text: str,
          what: str) -> str:
    key = " ".join(text.strip().casefold().replace("_", " ").split())
    value = alias.get(key, key.replace(" ", "_") if key.replace(" ", "_") in allowed else None)
    if value is None or value not in allowed:
        raise RowProblem(column, text, f"unknown {what} (use {', '.join(allowed)})")
    return value


def cells(mapping: Mapping, row: dict[str, str]) -> dict[str, tuple[str, str]]:
    """field -> (column, raw text) for mapped, non-empty cells."""
    out = {}
    for column, field in mapping.columns.items():
        if field == IGNORE:
            continue
        text = (row.get(column) or "").strip()
        if text:
            out[field] = (column, text)
    return out


ACCOUNT_RANGES = {"nps": (-100, 100), "open_tickets": (0, 100_000), "growth_potential": (0, 5),
                  "influence": (0, 5), "referrals": (0, 10_000), "engagement": (0, 5)}


def parse_account(mapping: Mapping, row: dict[str, str]) -> dict[str, Any]:
    c = cells(mapping, row)
    if "name" not in c:
        raise RowProblem(mapping.field_of("name") or "name", "", "name is empty")
    out: dict[str, Any] = {"name": fit("name", *c["name"])}
    for field in ("external_id", "industry", "region", "owner"):
        if field in c:
            out[field] = fit(field, *c[field])
    if "arr" in c:
        out["arr_minor"] = parse_amount(*c["arr"])
    if "currency" in c:
        col, text = c["currency"]
        if len(text) != 3 or not text.isalpha():
            raise RowProblem(col, text, "not a 3-letter currency code")
        out["currency"] = text.upper()
    if "tier" in c:
        col, text = c["tier"]
        if text.upper() not in TIERS:
            raise RowProblem(col, text, "unknown tier (use S, A, B, C)")
        out["tier"] = text.upper()
    if "stage" in c:
        out["stage"] = _pick({}, STAGES, *c["stage"], "stage")
    for field in ("contract_start", "contract_end", "founded_on", "last_login"):
        if field in c:
            out[field] = parse_date(*c[field], first=first_date_of(field))
    if out.get("contract_start") and out.get("contract_end") and \
            out["contract_end"] < out["contract_start"]:
        col, text = c["contract_end"]
        raise RowProblem(col, text, "contract end is before the contract start")
    for field, (low, high) in ACCOUNT_RANGES.items():
        if field in c:
            out[field] = parse_int(*c[field], low, high)
    if "on_time_payment" in c:
        out["on_time_payment"] = parse_share(*c["on_time_payment"])
    return out


def deal_stage(text: str) -> str:
    key = " ".join(text.strip().casefold().split())
    return "won" if key in WON else "lost" if key in LOST else "open"


def parse_deal(mapping: Mapping, row: dict[str, str]) -> dict[str, Any]:
    """A won deal's values; open and lost deals come back with only their stage."""
    c = cells(mapping, row)
    stage = deal_stage(c["stage"][1]) if "stage" in c else "open"
    out: dict[str, Any] = {"stage": stage, "account": c.get("account", ("", ""))[1]}
    if stage != "won" or not out["account"]:
        return out
    if "close_date" not in c:
        raise RowProblem(mapping.field_of("close_date") or "close_date", "",
                         "a won deal needs its close date")
    out["close_date"] = parse_date(*c["close_date"])
    if "engage_date" in c:
        out["engage_date"] = parse_date(*c["engage_date"])
    if "value" not in c:
        raise RowProblem(mapping.field_of("value") or "value", "", "a won deal needs its value")
    out["value_minor"] = parse_amount(*c["value"])
    for field in ("external_id", "owner", "product"):
        if field in c:
            out[field] = fit(field, *c[field])
    return out


def parse_contact(mapping: Mapping, row: dict[str, str]) -> dict[str, Any]:
    c = cells(mapping, row)
    name = c["name"][1] if "name" in c else " ".join(
        part for part in (c.get("first_name", ("", ""))[1], c.get("last_name", ("", ""))[1])
        if part)
    if not name:
        raise RowProblem(mapping.field_of("name") or "name", "", "contact name is empty")
    name_column = c["name"][0] if "name" in c else (mapping.field_of("first_name") or "name")
    out: dict[str, Any] = {"account": c.get("account", ("", ""))[1],
                           "name": fit("name", name_column, name)}
    if not out["account"]:
        raise RowProblem(mapping.field_of("account") or "account", "", "account is empty")
    out["role"] = _pick(ROLE_ALIASES, CONTACT_ROLES, *c["role"], "role") if "role" in c \
        else "user"
    out["level"] = _pick(LEVEL_ALIASES, CONTACT_LEVELS, *c["level"], "level") \
        if "level" in c else "staff"
    for field in ("title", "email", "phone", "notes"):
        if field in c:
            out[field] = fit(field, *c[field])
    if "email" in out and "@" not in out["email"]:
        raise RowProblem(c["email"][0], out["email"], "not an email address")
    return out


def parse_touchpoint(mapping: Mapping, row: dict[str, str]) -> dict[str, Any]:
    c = cells(mapping, row)
    out: dict[str, Any] = {"account": c.get("account", ("", ""))[1]}
    if not out["account"]:
        raise RowProblem(mapping.field_of("account") or "account", "", "account is empty")
    if "date" not in c:
        raise RowProblem(mapping.field_of("date") or "date", "", "date is empty")
    out["date"] = parse_date(*c["date"])
    if "summary" not in c:
        raise RowProblem(mapping.field_of("summary") or "summary", "", "summary is empty")
    out["summary"] = c["summary"][1]
    out["channel"] = _pick(CHANNEL_ALIASES, CHANNELS, *c["channel"], "channel") \
        if "channel" in c else "call"
    out["outcome"] = _pick(OUTCOME_ALIASES, OUTCOMES, *c["outcome"], "outcome") \
        if "outcome" in c else ""
    out["contact"] = c.get("contact", ("", ""))[1]
    out["contact_column"] = c.get("contact", ("contact", ""))[0]
    out["next_step"] = c.get("next_step", ("", ""))[1]
    return out


PARSERS = {"accounts": parse_account, "deals": parse_deal, "contacts": parse_contact,
           "touchpoints": parse_touchpoint}
