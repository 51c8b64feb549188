"""The Romanian personal numeric code (CNP): structure and control digit."""

from __future__ import annotations

from datetime import date

#: Weights of the control digit (Ordinul MAI nr. 3/2008 / HG 1375/2006 on the CNP format).
CONTROL_WEIGHTS = "279146358279"
#: County codes: 01–46 counties, 47–48 former Bucharest sectors, 51–52 Călărași and Giurgiu,
#: 70 for any registration unit (since 2024).
VALID_COUNTY_CODES = {f"{n:02d}" for n in range(1, 49)} | {"51", "52", "70"}
#: First digit → century of birth (7–9: residents and foreigners, century from context).
CENTURY_BY_SEX_DIGIT = {"1": 1900, "2": 1900, "3": 1800, "4": 1800, "5": 2000, "6": 2000}


def control_digit(first_twelve: str) -> int:
    """The 13th digit: Σ digit × weight mod 11, where 10 becomes 1."""
    remainder = sum(int(d) * int(w) for d, w in zip(first_twelve, CONTROL_WEIGHTS, strict=True)) % 11
    return 1 if remainder == 10 else remainder


def cnp_problem(cnp: str) -> str | None:
    """Why `cnp` is not a valid CNP, in Romanian, or None when it is valid."""
    if not isinstance(cnp, str) or len(cnp) != 13 or not cnp.isdigit():
        return "CNP-ul trebuie să aibă exact 13 cifre."
    if cnp[0] == "0":
        return "Prima cifră a CNP-ului (sexul și secolul) nu poate fi 0."
    if cnp[7:9] not in VALID_COUNTY_CODES:
        return f"Codul de județ {cnp[7:9]} din CNP nu există."
    if cnp[9:12] == "000":
        return "Numărul de ordine din CNP nu poate fi 000."
    if cnp[0] in CENTURY_BY_SEX_DIGIT and birth_date_from_cnp(cnp) is None:
        return "Data nașterii din CNP nu este o dată validă."
    if control_digit(cnp[:12]) != int(cnp[12]):
        return "Cifra de control a CNP-ului nu este corectă."
    return None


def birth_date_from_cnp(cnp: str) -> date | None:
    """Birth date encoded in the CNP, or None when the century is not encoded or the date is impossible."""
    century = CENTURY_BY_SEX_DIGIT.get(cnp[0])
    if century is None:
        return None
    try:
        return date(century + int(cnp[1:3]), int(cnp[3:5]), int(cnp[5:7]))
    except ValueError:
        return None


def sex_from_cnp(cnp: str) -> str:
    """'M' for odd first digits, 'F' for even ones."""
    return "M" if int(cnp[0]) % 2 == 1 else "F"


def make_cnp(birth: date, sex: str, county: str, serial: int) -> str:
    """Build a valid CNP (demo data and tests)."""
    century_offset = {1800: 2, 1900: 0, 2000: 4}[birth.year // 100 * 100]
    first = str((1 if sex == "M" else 2) + century_offset)
    body = f"{first}{birth:%y%m%d}{county}{serial:03d}"
    return body + str(control_digit(body))
