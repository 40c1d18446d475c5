"""What the council's figures are read against: the national figure, the
council's own target, and the fewest cases a monthly percentage needs."""

from __future__ import annotations

# England, calendar year 2024: 46.4% of new EHC plans were issued within
# 20 weeks (DfE, "Education, health and care plans", June 2025, from the
# SEN2 return).
ENGLAND_PCT_WITHIN_20_WEEKS = 46.4
ENGLAND_YEAR = 2024

# A month's percentage is given only when at least this many cases count in
# it. Below five, one case moves the share by 20 points or more (1 of 4 is
# 25%, 2 of 4 is 50%): a line drawn through such months shows chance, not
# the service, and a month with one late plan would read as 0%. The counts
# are always given; only the percentage waits for enough cases.
MIN_CASES_FOR_A_PERCENTAGE = 5

# The council's own target for plans within 20 weeks, a percentage; unset
# until the council sets one ('setting set kpi-target-20-weeks 80').
TARGET_SETTING = "kpi_target_20_weeks"
TARGET_DEFAULT = "none"


def parse_target(value: str, *, what: str = "kpi-target-20-weeks") -> str | None:
    """A target as stored: a percentage from 0 to 100 with at most one
    decimal place ('80', '92.5'), or 'none' for no target. Returns the
    normalised text, or None when VALUE is not one of these."""
    text = value.strip().lower().rstrip("%")
    if text in ("none", "off", ""):
        return TARGET_DEFAULT
    whole, _, tenth = text.partition(".")
    if not whole.isdigit() or (tenth and not (tenth.isdigit() and len(tenth) == 1)):
        return None
    number = float(text)
    if not 0 <= number <= 100:
        return None
    return f"{number:.1f}".removesuffix(".0")


def target_value(stored: str | None) -> float | None:
    """The target as a number, or None when the council has none."""
    if stored is None or stored == TARGET_DEFAULT:
        return None
    try:
        return float(stored)
    except ValueError:
        return None
