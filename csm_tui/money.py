"""Money as integer minor units: parsing what users type and showing it."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from csm_tui.i18n import t

SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
# The largest amount accepted, in major units: far above any contract, far below what
# an integer column holds (2**63 minor units).
MAX_AMOUNT = Decimal(10) ** 13


def format_money(minor: int, currency: str = "", *, compact: bool = False) -> str:
    """12345600 CNY -> '¥123,456' (compact: '¥123k', '¥1.2M')."""
    major = minor / 100
    symbol = SYMBOLS.get(currency, "")
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
