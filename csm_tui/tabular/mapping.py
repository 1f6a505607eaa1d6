"""Which column is which: the headers of Salesforce and HubSpot exports, the Maven CRM
data set and plain spreadsheets, recognised per kind; `--map COLUMN=FIELD` overrides."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

IGNORE = "-"  # a recognised column that csm-tui does not store

ALIASES: dict[str, dict[str, str]] = {
    "accounts": {
        "name": "name", "account": "name", "account name": "name", "company": "name",
        "company name": "name", "customer": "name", "客户": "name", "客户名称": "name",
        "公司名称": "name",
        "external id": "external_id", "account id": "external_id", "record id": "external_id",
        "id": "external_id", "customer id": "external_id", "客户编号": "external_id",
        "industry": "industry", "sector": "industry", "行业": "industry",
        "region": "region", "billing country": "region", "country": "region",
        "country/region": "region", "office location": "region", "billing city": "region",
        "city": "region", "地区": "region", "城市": "region",
        "owner": "owner", "account owner": "owner", "company owner": "owner",
        "csm": "owner", "负责人": "owner",
        "arr": "arr", "annual recurring revenue": "arr", "contract value": "arr",
        "年费": "arr",
        "currency": "currency", "币种": "currency",
        "tier": "tier", "等级": "tier", "分级": "tier",
        "stage": "stage", "lifecycle stage": "stage",
        "contract start": "contract_start", "start date": "contract_start",
        "contract end": "contract_end", "end date": "contract_end",
        "renewal date": "contract_end", "合同开始": "contract_start", "合同到期": "contract_end",
        "founded": "founded_on", "founded on": "founded_on",
        "nps": "nps", "last login": "last_login", "open tickets": "open_tickets",
        "on time payment": "on_time_payment",
        "growth potential": "growth_potential", "influence": "influence",
        "referrals": "referrals", "engagement": "engagement",
        # recognised, not stored: company size facts, not what the customer pays us
        "revenue": IGNORE, "annual revenue": IGNORE, "employees": IGNORE,
        "number of employees": IGNORE, "year established": IGNORE,
        "subsidiary of": IGNORE, "parent account": IGNORE, "website": IGNORE,
        "company domain name": IGNORE, "phone": IGNORE, "phone number": IGNORE,
        "billing state/province": IGNORE, "type": IGNORE, "create date": IGNORE,
    },
    "deals": {
        "opportunity id": "external_id", "deal id": "external_id", "record id": "external_id",
        "id": "external_id",
        "account": "account", "account name": "account", "company": "account",
        "associated company": "account", "customer": "account",
        "sales agent": "owner", "opportunity owner": "owner", "deal owner": "owner",
        "owner": "owner",
        "product": "product", "deal name": "product", "opportunity name": "product",
        "deal stage": "stage", "stage": "stage", "status": "stage",
        "engage date": "engage_date", "created date": "engage_date",
        "create date": "engage_date",
        "close date": "close_date", "closed date": "close_date",
        "close value": "value", "amount": "value", "deal amount": "value", "value": "value",
    },
    "contacts": {
        "account": "account", "account name": "account", "company": "account",
        "associated company": "account", "客户": "account",
        "name": "name", "full name": "name", "contact name": "name", "contact": "name",
        "姓名": "name", "联系人": "name",
        "first name": "first_name", "last name": "last_name",
        "title": "title", "job title": "title", "职位": "title",
        "role": "role", "角色": "role", "level": "level", "级别": "level",
        "email": "email", "email address": "email", "邮箱": "email",
        "phone": "phone", "phone number": "phone", "mobile": "phone", "电话": "phone",
        "notes": "notes", "备注": "notes",
    },
    "touchpoints": {
        "account": "account", "account name": "account", "company": "account",
        "客户": "account",
        "date": "date", "activity date": "date", "日期": "date",
        "channel": "channel", "type": "channel", "activity type": "channel",
        "方式": "channel",
        "summary": "summary", "subject": "summary", "notes": "summary", "内容": "summary",
        "outcome": "outcome", "result": "outcome", "结果": "outcome",
        "contact": "contact", "contact name": "contact", "联系人": "contact",
        "next step": "next_step", "下一步": "next_step",
    },
}

FIELDS: dict[str, tuple[str, ...]] = {
    "accounts": ("name", "external_id", "industry", "region", "owner", "arr", "currency",
                 "tier", "stage", "contract_start", "contract_end", "founded_on", "nps",
                 "last_login", "open_tickets", "on_time_payment", "growth_potential",
                 "influence", "referrals", "engagement"),
    "deals": ("external_id", "account", "owner", "product", "stage", "engage_date",
              "close_date", "value"),
    "contacts": ("account", "name", "first_name", "last_name", "title", "role", "level",
                 "email", "phone", "notes"),
    "touchpoints": ("account", "date", "channel", "summary", "outcome", "contact",
                    "next_step"),
}
REQUIRED = {"accounts": ("name",), "deals": ("account", "stage"),
            "contacts": ("account",), "touchpoints": ("account", "date", "summary")}


def normalise_header(header: str) -> str:
    text = unicodedata.normalize("NFKC", header).casefold().strip()
    text = re.sub(r"[_\-.]+", " ", text)
    return " ".join(text.split())


@dataclass
class Mapping:
    kind: str
    columns: dict[str, str]  # header -> field (or IGNORE)
    unknown: list[str]

    def field_of(self, field: str) -> str | None:
        for header, target in self.columns.items():
            if target == field:
                return header
        return None

    def describe(self) -> list[tuple[str, str]]:
        out = [(h, "(not stored)" if f == IGNORE else f) for h, f in self.columns.items()]
        return out + [(h, "(unknown: ignored)") for h in self.unknown]


def build_mapping(kind: str, headers: list[str], overrides: list[str] | None = None
                  ) -> Mapping:
    """Recognise every header; `overrides` like "Kunde=name" win; raises ValueError for
    an override naming an unknown column or field, or a required field left unmapped."""
    aliases = ALIASES[kind]
    columns: dict[str, str] = {}
    unknown: list[str] = []
    used: set[str] = set()
    forced: dict[str, str] = {}
    for item in overrides or []:
        if "=" not in item:
            raise ValueError(f"--map {item!r}: use COLUMN=FIELD")
        column, field = (part.strip() for part in item.split("=", 1))
        if column not in headers:
            raise ValueError(f"--map {item!r}: no column {column!r} in the file "
                             f"(columns: {', '.join(headers)})")
        if field not in FIELDS[kind] and field != IGNORE:
            raise ValueError(f"--map {item!r}: {field!r} is not a {kind} field "
                             f"({', '.join(FIELDS[kind])}, or - to ignore)")
        forced[column] = field
    for header in headers:
        if header in forced:
            columns[header] = forced[header]
            used.add(forced[header])
            continue
        target = aliases.get(normalise_header(header))
        if target is None and normalise_header(header) in FIELDS[kind]:
            target = normalise_header(header)
        if target is None:
            unknown.append(header)
        elif target != IGNORE and target in used:
            unknown.append(header)  # a second column for the same field: the first wins
        else:
            columns[header] = target
            used.add(target)
    mapping = Mapping(kind, columns, unknown)
    for field in REQUIRED[kind]:
        if mapping.field_of(field) is None and not (field == "name" and kind == "contacts"):
            raise ValueError(f"no column for {field!r} (columns: {', '.join(headers)}); "
                             f"add --map COLUMN={field}")
    return mapping
