"""Input checks shared by the rules engine.

Policy (decisions.md Rule-sets: "All arithmetic is decimal.Decimal, never float"):

* Numbers are accepted as ``int`` or ``decimal.Decimal`` only.
* A ``float`` is refused with ``TypeError``: 7.33 as a float is not exactly 7.33,
  so a mark or an average stored as float cannot be trusted. Write ``Decimal("7.33")``.
* ``bool`` and ``str`` are refused with ``TypeError`` where a number is expected.
* A value of the right type but out of range (a mark of 0 or 11, a mark of 7.5
  where a whole mark is required, a negative number of hours, NaN) raises
  ``ValueError`` with a message that names the value.
"""

from collections.abc import Iterable
from decimal import Decimal

MIN_MARK = 1
MAX_MARK = 10

Number = int | Decimal


def as_decimal(value: object, what: str) -> Decimal:
    """Return ``value`` as a finite Decimal; refuse float, bool and non-numbers."""
    if isinstance(value, bool):
        raise TypeError(f"{what} must be an int or a Decimal, not bool ({value!r})")
    if isinstance(value, float):
        raise TypeError(
            f"{what} must be an int or a Decimal, not float ({value!r}); "
            f"floats are inexact, write Decimal('{value}') instead"
        )
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{what} must be a finite number, got {value}")
        return value
    raise TypeError(f"{what} must be an int or a Decimal, got {type(value).__name__} ({value!r})")


def as_whole_number(value: object, what: str) -> int:
    """Return ``value`` as an int; a Decimal is accepted only if it has no fraction."""
    number = as_decimal(value, what)
    if number != number.to_integral_value():
        raise ValueError(f"{what} must be a whole number, got {value}")
    return int(number)


def as_mark(value: object, what: str = "mark") -> int:
    """Return a whole mark from 1 to 10 (001 Art. 117(1)(c); decisions.md: marks are integers 1-10)."""
    number = as_decimal(value, what)
    if number != number.to_integral_value():
        raise ValueError(f"{what} must be a whole number from 1 to 10, got {value}")
    mark = int(number)
    if not MIN_MARK <= mark <= MAX_MARK:
        raise ValueError(f"{what} must be from 1 to 10, got {value}")
    return mark


def as_average(value: object, what: str = "average") -> Decimal:
    """Return a mark or average that may have decimals, checked to lie between 1 and 10."""
    number = as_decimal(value, what)
    if not MIN_MARK <= number <= MAX_MARK:
        raise ValueError(f"{what} must be between 1 and 10, got {value}")
    return number


def as_count(value: object, what: str, *, minimum: int = 0) -> int:
    """Return a whole count (hours, absences) that is at least ``minimum``."""
    count = as_whole_number(value, what)
    if count < minimum:
        raise ValueError(f"{what} must be at least {minimum}, got {value}")
    return count


def as_marks(values: Iterable[object], what: str = "marks") -> list[int]:
    """Return a non-empty list of whole marks from 1 to 10."""
    items = as_list(values, what)
    if not items:
        raise ValueError(f"{what} must contain at least one mark")
    return [as_mark(item, f"{what}[{index}]") for index, item in enumerate(items)]


def as_list(values: Iterable[object], what: str) -> list[object]:
    """Return ``values`` as a list; a string or a single number is refused."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise TypeError(f"{what} must be a list (or other iterable) of values, got {type(values).__name__}")
    return list(values)
