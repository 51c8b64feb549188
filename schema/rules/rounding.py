"""Rounding rules of the regulation (rules.md §3.5, decisions.md Rule-sets).

* ``trunc2``: "cu două zecimale exacte, fără rotunjire" - cut to 2 decimals.
* ``round_in_favour``: nearest integer, "la o diferență de 50 de sutimi,
  rotunjirea se face în favoarea elevului" - exactly .50 goes up.
* ``round_half_up_2``: 2 decimals, the third decides, .xx5 goes up (rofuip2022
  general average, 9.458 -> 9.46).

All arithmetic runs in a private decimal context (50 significant digits), so the
results do not depend on what a caller did to ``decimal.getcontext()``.
"""

from collections.abc import Iterable
from decimal import ROUND_FLOOR, Context, Decimal

from schema.rules.validation import as_decimal, as_list

ARITHMETIC = Context(prec=50)
HUNDREDTH = Decimal("0.01")
HALF = Decimal("0.5")
HALF_HUNDREDTH = Decimal("0.005")


def trunc2(x: int | Decimal) -> Decimal:
    """Cut ``x`` to two decimals without rounding: 7.3333 -> 7.33, 8.666 -> 8.66.

    Rule: "două zecimale exacte, fără rotunjire" (001 Art. 120(3), 120(5), 120(8), 143(4)).
    The cut goes towards minus infinity, so ``trunc2(x) <= x`` always holds; for the
    non-negative values the regulation uses this is the same as dropping the digits.
    """
    value = as_decimal(x, "x")
    return value.quantize(HUNDREDTH, rounding=ROUND_FLOOR, context=ARITHMETIC)


def round_in_favour(x: int | Decimal) -> int:
    """Round ``x`` to the nearest integer; exactly .50 goes up (in the student's favour).

    Rule: 001 Art. 120(2), 120(4) and 143(3): "la o diferență de 50 de sutimi,
    rotunjirea se face în favoarea elevului". 6.50 -> 7, 4.50 -> 5, 7.4975 -> 7.
    """
    value = as_decimal(x, "x")
    return int(ARITHMETIC.add(value, HALF).to_integral_value(rounding=ROUND_FLOOR))


round_fav = round_in_favour


def round_half_up_2(x: int | Decimal) -> Decimal:
    """Round ``x`` to two decimals; the third decimal decides and .xx5 goes up.

    Rule: ROFUIP 2022 Art. 109(4) "cu două zecimale, prin rotunjire" and the
    ministry's reading 9.458 -> 9.46 (current-rules.md §1.4); the exact .xx5 going up
    is our interpretation (decisions.md Rule-sets, rofuip2022).
    """
    value = as_decimal(x, "x")
    return ARITHMETIC.add(value, HALF_HUNDREDTH).quantize(HUNDREDTH, rounding=ROUND_FLOOR, context=ARITHMETIC)


def mean(values: Iterable[int | Decimal]) -> Decimal:
    """Arithmetic mean of a non-empty list of ints/Decimals, exact to 50 digits (no rounding rule applied)."""
    items = [as_decimal(value, "value") for value in as_list(values, "values")]
    if not items:
        raise ValueError("cannot take the mean of an empty list")
    total = Decimal(0)
    for item in items:
        total = ARITHMETIC.add(total, item)
    return ARITHMETIC.divide(total, Decimal(len(items)))
