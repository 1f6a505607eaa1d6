"""Money as integer minor units: parsing what users type and showing it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import TYPE_CHECKING

from csm_tui.i18n import plural, t

if TYPE_CHECKING:
    from sqlmodel import Session

SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
# The largest amount accepted, in major units: far above any contract, far below what
# an integer column holds (2**63 minor units).
MAX_AMOUNT = Decimal(10) ** 13


def format_money(minor: int, currency: str = "", *, compact: bool = False) -> str:
    """12345600 CNY -> '¥123,456' (compact: '¥123k', '¥1.2M')."""
    major = minor / 100
    symbol = SYMBOLS.get(currency) or (f"{currency} " if currency else "")
    if compact:
        for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
            if abs(major) >= limit:
                value = major / limit
                text = f"{value:.1f}".rstrip("0").rstrip(".") if value < 100 else f"{value:.0f}"
                return f"{symbol}{text}{suffix}"
    return f"{symbol}{major:,.0f}"


def parse_money(text: str, *, field: str = "amount") -> int:
    """'12,345.50' -> 1234550. Refuses negatives and garbage with a message naming the field."""
    cleaned = text.strip().replace(",", "").replace("_", "")
    for symbol in set(SYMBOLS.values()):
        cleaned = cleaned.removeprefix(symbol)
    try:
        value = Decimal(cleaned)
    except (InvalidOperation, ArithmeticError):
        raise ValueError(t("{field}: {text!r} is not an amount", field=field, text=text)) from None
    if not value.is_finite():
        raise ValueError(t("{field}: {text!r} is not an amount", field=field, text=text))
    if value < 0:
        raise ValueError(t("{field}: {text!r} is negative", field=field, text=text))
    if value > MAX_AMOUNT:
        raise ValueError(t("{field}: {text!r} is too large", field=field, text=text))
    exponent = value.as_tuple().exponent  # an int for every finite number
    if isinstance(exponent, int) and exponent < -2:
        raise ValueError(t("{field}: {text!r} has more than two decimals",
                           field=field, text=text))
    return int(value * 100)


# ---- one base currency ---------------------------------------------------------------
# Totals, shares, charts, sorting and tier cut-offs add amounts converted to the base
# currency; each row still shows the account's own currency. An amount whose currency
# has no known rate is left out of every total and named in a warning, never added raw.


def currencies_text(missing: Iterable[tuple[str, int]]) -> str:
    """"EUR (2 accounts), USD (1 account)": the currencies a sum could not convert."""
    return t(", ").join(t("{currency} ({accounts})", currency=c,
                          accounts=plural(n, "account")) for c, n in missing)


@dataclass(frozen=True)
class Total:
    """A sum in the base currency, with what could not be converted."""

    base: str
    minor: int = 0
    missing: tuple[tuple[str, int], ...] = ()  # (currency, amounts left out)

    def text(self, *, compact: bool = True) -> str:
        return format_money(self.minor, self.base, compact=compact)

    @property
    def warning(self) -> str:
        """'' or one line naming each currency left out of the total."""
        if not self.missing:
            return ""
        return t("no exchange rate to {base} for {currencies}: left out of totals "
                 "(csm rates import FILE)", base=self.base,
                 currencies=currencies_text(self.missing))


@dataclass(frozen=True)
class Rates:
    """The base currency and how many base units one unit of each other currency is
    worth (from `csm rates import`, else settings.toml [money.rates])."""

    base: str
    rates: Mapping[str, float] = field(default_factory=dict)
    as_of: Mapping[str, date] = field(default_factory=dict)

    def rate(self, currency: str) -> float | None:
        if currency == self.base or not currency:
            return 1.0
        return self.rates.get(currency)

    def to_base(self, minor: int, currency: str) -> int | None:
        """The amount in base minor units (rounded to a whole minor unit), or None when
        there is no rate for `currency`."""
        rate = self.rate(currency)
        if rate is None:
            return None
        if rate == 1.0:
            return minor
        return int((Decimal(minor) * Decimal(str(rate))).to_integral_value(ROUND_HALF_EVEN))

    def total(self, amounts: Iterable[tuple[int, str]]) -> Total:
        """Sum (minor, currency) pairs in the base currency; unknown ones are counted."""
        minor = 0
        missing: dict[str, int] = {}
        for amount, currency in amounts:
            value = self.to_base(amount, currency)
            if value is None:
                missing[currency] = missing.get(currency, 0) + 1
            else:
                minor += value
        return Total(self.base, minor, tuple(sorted(missing.items())))

    def total_by_currency(self, sums: Iterable[tuple[str, int, int]]) -> Total:
        """Sum (currency, minor, count) groups, as a per-currency query returns them."""
        minor = 0
        missing: dict[str, int] = {}
        for currency, amount, count in sums:
            value = self.to_base(int(amount or 0), currency)
            if value is None:
                if amount:
                    missing[currency] = missing.get(currency, 0) + int(count)
            else:
                minor += value
        return Total(self.base, minor, tuple(sorted(missing.items())))


def choose_base(configured: str, arr_by_currency: Iterable[tuple[str, int, int]]) -> str:
    """The configured base, else the currency most of the book's ARR is in (ties: the
    one with more accounts, then alphabetical), else CNY for an empty book."""
    if configured:
        return configured
    best = sorted(((int(arr or 0), int(n), c) for c, arr, n in arr_by_currency if c),
                  key=lambda x: (-x[0], -x[1], x[2]))
    return best[0][2] if best else "CNY"


def load_rates(session: Session, today: date | None) -> Rates:
    """The base currency and every rate known on `today` (None: the newest): stored
    rates (newest on or before today; a rate against another base is crossed through
    it) over the settings' ones."""
    from csm_tui.settings import current_settings, money_settings
    from db.queries.rates import arr_by_currency, latest_rates

    configured, from_settings = money_settings(current_settings())
    base = choose_base(configured, arr_by_currency(session))
    rates: dict[str, float] = dict(from_settings)
    as_of: dict[str, date] = {}
    stored = latest_rates(session, on=today or date.max)
    by_base: dict[str, dict[str, tuple[float, date]]] = {}
    for currency, rate_base, rate, day in stored:
        by_base.setdefault(rate_base, {})[currency] = (float(rate), day)
    for currency, (rate, day) in by_base.get(base, {}).items():
        rates[currency], as_of[currency] = rate, day
    for other, table_ in by_base.items():  # cross: X→other and base→other give X→base
        if other == base or base not in table_:
            continue
        base_in_other = table_[base][0]
        for currency, (rate, day) in table_.items():
            if currency != base and currency not in as_of and base_in_other > 0:
                rates[currency] = rate / base_in_other
                as_of[currency] = min(day, table_[base][1])
        if other not in rates and base_in_other > 0:
            rates[other] = 1 / base_in_other
            as_of[other] = table_[base][1]
    rates.pop(base, None)
    return Rates(base, rates, as_of)
