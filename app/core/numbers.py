"""Numbers as a Russian reader writes them, the same on every page, file and paper of the platform.

    format_number(1234567)          -> «1 234 567»   (a space between thousands)
    format_number(Decimal("42.5"))  -> «42,5»        (a comma before decimals)
    format_number(Decimal("60.0"))  -> «60,0»        (a Decimal keeps its own places: a percentage to one digit)
    format_number(2 / 3, digits=1)  -> «0,7»

Report pages (app/core/reports; counts ungrouped, as lists count), list cells (`format_value`), Word
documents (the `number` filter) write numbers through it; CSV cells take the decimal comma; XLSX cells
stay numbers (Excel formats them).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

#: What separates the groups of thousands.
THOUSANDS = " "
DECIMAL_COMMA = ","


def _group(digits: str) -> str:
    groups = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    return THOUSANDS.join(groups)


def format_number(value: Any, digits: int | None = None, keep_places: bool = True, grouped: bool = True) -> str:
    """A number as text: thousands grouped, a decimal comma (see the module docstring); empty for nothing.

    `digits`: round to that many decimals. Without it a Decimal keeps its own places (`keep_places`), and
    any other number has no decimals when whole and its own fraction otherwise. `grouped=False`: no space
    between thousands (a table cell on a page, where a count reads as the list beside it: «1203»).
    """
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return str(value)
    amount = value if isinstance(value, Decimal) else Decimal(str(value))
    if digits is None and keep_places and isinstance(value, Decimal):
        exponent = amount.as_tuple().exponent
        digits = -exponent if isinstance(exponent, int) and exponent < 0 else None
    if digits is not None:
        amount = amount.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    elif amount == amount.to_integral_value():
        amount = amount.quantize(Decimal(1))
    sign = "-" if amount < 0 else ""
    whole, _, fraction = f"{abs(amount):f}".partition(".")
    text = sign + (_group(whole) if grouped else whole)
    return f"{text}{DECIMAL_COMMA}{fraction}" if fraction else text
