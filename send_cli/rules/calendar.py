"""The working-day calendar: Monday to Friday, less England's bank holidays
(observed substitute days kept) and the council's own closure days.

Bank holidays come from the `holidays` package with subdivision ENG: without
it the package silently drops Easter Monday and the August bank holiday.
The store keeps a copy of them (so a command need not import the package);
a year the copy does not cover is filled from the package on demand.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta

CALLBACK_CUTOFF = time(15, 0)  # a phone message at or after 15:00 is called back next working day


def england_bank_holidays(years: Iterable[int]) -> dict[date, str]:
    """England's bank holidays, substitute days included, for these years."""
    import holidays

    found = holidays.country_holidays("GB", subdiv="ENG", years=list(years), observed=True)
    return {day: str(name) for day, name in sorted(found.items())}


class Calendar:
    """Answers working-day questions for one council."""

    def __init__(
        self,
        bank_holidays: Mapping[date, str] | None = None,
        closures: Mapping[date, str] | None = None,
        *,
        years: Iterable[int] | None = None,
    ) -> None:
        self._bank: dict[date, str] = dict(bank_holidays or {})
        self._closures: dict[date, str] = dict(closures or {})
        # years whose bank holidays are known; others are fetched on demand
        self._years: set[int] = set(years) if years is not None else {d.year for d in self._bank}
        self._sorted: list[date] | None = None
        # add_working_days answers; the days closed never change within one
        # Calendar (closures are read when it is made; bank holiday years
        # are added before any date in them is looked at)
        self._memo: dict[tuple[date, int], date] = {}
        self._between: dict[tuple[date, date], int] = {}

    @classmethod
    def england(cls, years: Iterable[int], closures: Mapping[date, str] | None = None) -> Calendar:
        ys = list(years)
        return cls(england_bank_holidays(ys), closures, years=ys)

    # -- what is closed ---------------------------------------------------
    def _ensure(self, year: int) -> None:
        if year not in self._years:
            self._bank.update(england_bank_holidays([year]))
            self._years.add(year)
            self._sorted = None

    def _ensure_span(self, a: date, b: date) -> None:
        for year in range(min(a, b).year, max(a, b).year + 1):
            self._ensure(year)

    def reason_closed(self, day: date) -> str | None:
        """Why DAY is not a working day, or None when it is one."""
        self._ensure(day.year)
        if day in self._closures:
            return self._closures[day]
        if day in self._bank:
            return self._bank[day]
        if day.weekday() >= 5:
            return "weekend"
        return None

    def is_working_day(self, day: date) -> bool:
        return self.reason_closed(day) is None

    def non_working_days(self, start: date, end: date) -> list[tuple[date, str, str]]:
        """The weekdays from START to END that are not working days: bank
        holidays and closure days, (day, kind, name). A bank holiday on a
        weekend (Boxing Day, Saturday 26 December 2026) is left out: the
        weekday it is observed on (Monday 28 December) is listed instead."""
        self._ensure_span(start, end)
        out = [(d, "bank-holiday", n) for d, n in self._bank.items()
               if start <= d <= end and d.weekday() < 5]
        out += [(d, "closure", n) for d, n in self._closures.items()
                if start <= d <= end and d.weekday() < 5]
        return sorted(out)

    def with_closure(self, day: date, name: str) -> Calendar:
        """This calendar with DAY closed too (a closure being added, before
        the store has it)."""
        return Calendar(self._bank, {**self._closures, day: name}, years=self._years)

    def _holidays_sorted(self) -> list[date]:
        if self._sorted is None:
            days = set(self._bank) | set(self._closures)
            self._sorted = sorted(d for d in days if d.weekday() < 5)
        return self._sorted

    # -- arithmetic -------------------------------------------------------
    def next_working_day(self, day: date) -> date:
        """The first working day strictly after DAY."""
        d = day + timedelta(days=1)
        while not self.is_working_day(d):
            d += timedelta(days=1)
        return d

    def on_or_after(self, day: date) -> date:
        """DAY if it is a working day, else the next one."""
        return day if self.is_working_day(day) else self.next_working_day(day)

    def add_working_days(self, day: date, n: int) -> date:
        """The Nth working day after DAY (N=0: DAY itself if working, else the next).

        Negative N counts back: the Nth working day before DAY. Answers are
        kept: a report asks the same few hundred dates over and over."""
        key = (day, n)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self._add_working_days(day, n)
        return found

    def _add_working_days(self, day: date, n: int) -> date:
        if n == 0:
            return self.on_or_after(day)
        step = timedelta(days=1 if n > 0 else -1)
        d, left = day, abs(n)
        while left:
            d += step
            if self.is_working_day(d):
                left -= 1
        return d

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (START, END]: how many working days END is after START.

        Negative when END is before START. A follow-up due on START and still
        open on END is this many working days late."""
        if end < start:
            return -self.working_days_between(end, start)
        key = (start, end)
        found = self._between.get(key)
        if found is None:
            found = self._between[key] = self._working_days_between(start, end)
        return found

    def _working_days_between(self, start: date, end: date) -> int:
        self._ensure_span(start, end)
        weekdays = _weekdays_upto(end) - _weekdays_upto(start)
        hol = self._holidays_sorted()
        closed = bisect.bisect_right(hol, end) - bisect.bisect_right(hol, start)
        return weekdays - closed

    def callback_due(self, at: datetime) -> date:
        """A phone message is called back the same working day, or the next
        working day when it came at or after 15:00 or on a non-working day."""
        day = at.date()
        if self.is_working_day(day) and at.time() < CALLBACK_CUTOFF:
            return day
        return self.next_working_day(day)


def _weekdays_upto(day: date) -> int:
    """Monday-to-Friday days from a fixed Monday epoch up to and including DAY."""
    days = (day - _EPOCH).days + 1
    weeks, rest = divmod(days, 7)
    return weeks * 5 + min(rest, 5)


_EPOCH = date(1899, 12, 25)  # a Monday before any date send-cli accepts
