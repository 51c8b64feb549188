"""Qualifiers (calificative) of grades I-IV: FB > B > S > I (rules.md §3.1, R-GRD-03).

Accepted spellings: the short codes "FB", "B", "S", "I" and the full names
"Foarte bine", "Bine", "Suficient", "Insuficient" (any letter case). Functions return
the short codes.
"""

FOARTE_BINE = "FB"
BINE = "B"
SUFICIENT = "S"
INSUFICIENT = "I"

CALIFICATIVE: tuple[str, ...] = (INSUFICIENT, SUFICIENT, BINE, FOARTE_BINE)
"""The qualifiers from lowest to highest."""

_SPELLINGS = {
    "fb": FOARTE_BINE,
    "foarte bine": FOARTE_BINE,
    "b": BINE,
    "bine": BINE,
    "s": SUFICIENT,
    "suficient": SUFICIENT,
    "i": INSUFICIENT,
    "insuficient": INSUFICIENT,
}


def as_calificativ(value: object, what: str = "calificativ") -> str:
    """Return the short code ("FB", "B", "S", "I") of a qualifier; anything else raises ValueError.

    Rule: 001 Art. 117(1)(b), 126(1), 130(1) (R-GRD-01, R-GRD-03); the scale order
    FB > B > S > I is rules.md §3.1's interpretation (A10).
    """
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a qualifier string (FB, B, S, I), got {type(value).__name__}")
    try:
        return _SPELLINGS[" ".join(value.split()).lower()]
    except KeyError:
        raise ValueError(
            f"{what} must be one of FB, B, S, I (Foarte bine, Bine, Suficient, Insuficient), got {value!r}"
        ) from None


def calificativ_rank(value: str) -> int:
    """Position of a qualifier on the scale: I = 0, S = 1, B = 2, FB = 3.

    Rule: R-GRD-03; the order FB > B > S > I is rules.md's interpretation (A10).
    """
    return CALIFICATIVE.index(as_calificativ(value))
