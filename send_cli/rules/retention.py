"""The council's retention settings: how long a closed case's personal data
is kept (the IRMS toolkit: to the 31st birthday, and 6 years after closing)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SettingSpec:
    """A council setting: its CLI name, key in the settings table, default,
    meaning and range of whole numbers."""

    name: str
    key: str
    default: str
    help: str
    low: int
    high: int


RETENTION_AGE = SettingSpec(
    "retention-age", "retention_age", "31",
    "age until which a closed case's personal data is kept (IRMS: 25th birthday + 6 years)",
    18, 120)
RETENTION_AFTER_CLOSE = SettingSpec(
    "retention-after-close-years", "retention_after_close_years", "6",
    "years a closed case's personal data is kept after it closed, at least", 0, 100)
RETENTION_SETTINGS = (RETENTION_AGE, RETENTION_AFTER_CLOSE)
