"""The first run: who the user is (the owner of the accounts they add), the base
currency, and a first account, written to the user's settings.toml and the database.

Plain domain code (no Textual): the welcome screen calls it through the services.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from csm_tui.dates import add_months
from csm_tui.i18n import t

if TYPE_CHECKING:
    from db.store import Store

_CURRENCY = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True, slots=True)
class FirstAccount:
    name: str
    arr: str = ""  # as typed: "120000", "1,250,000.50"
    contract_end: date | None = None
    tier: str = "C"


def check_currency(text: str) -> str:
    code = text.strip().upper()
    if not _CURRENCY.match(code):
        raise ValueError(t("currency: {text!r} is not a 3-letter ISO code such as CNY or USD",
                           text=text))
    return code


def set_toml_value(text: str, section: str, key: str, value: str) -> str:
    """`text` (a TOML file) with `[section] key = "value"` set, everything else kept."""
    line = f"{key} = {json.dumps(value, ensure_ascii=False)}"
    lines = text.splitlines()
    header = next((i for i, raw in enumerate(lines) if raw.strip() == f"[{section}]"), None)
    if header is None:
        gap = [""] if lines and lines[-1].strip() else []
        return "\n".join([*lines, *gap, f"[{section}]", line]) + "\n"
    end = next((i for i in range(header + 1, len(lines))
                if lines[i].lstrip().startswith("[")), len(lines))
    for i in range(header + 1, end):
        if re.match(rf"^\s*{re.escape(key)}\s*=", lines[i]):
            lines[i] = line
            break
    else:
        lines.insert(header + 1, line)
    return "\n".join(lines) + "\n"


def save_profile(path: Path, *, owner: str, currency: str) -> Path:
    """Write `[user] name` and `[money] base_currency` into settings.toml (other keys
    kept), atomically."""
    import tomllib

    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if owner.strip():
        text = set_toml_value(text, "user", "name", owner.strip())
    text = set_toml_value(text, "money", "base_currency", check_currency(currency))
    tomllib.loads(text)  # never write a file the next start cannot read
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".settings-", suffix=".toml", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def add_first_account(store: Store, account: FirstAccount, *, owner: str, currency: str,
                      today: date) -> int:
    """One account at handover, owned by the user, with its SOP steps: the book's one
    way to create an account (`csm_tui.book.add_account`). The contract runs a year
    from today unless told."""
    from csm_tui.book import NewAccount, add_account

    end = account.contract_end or add_months(today, 12) - timedelta(days=1)
    if end <= today:
        raise ValueError(t("contract end: {day} is not after today", day=end.isoformat()))
    return add_account(store, NewAccount(name=account.name, arr=account.arr,
                                         currency=currency, owner=owner, tier=account.tier,
                                         contract_start=today, contract_end=end),
                       today=today)
