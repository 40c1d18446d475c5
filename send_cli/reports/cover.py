"""Who holds an open follow-up today: its officer, or their cover while they
are away (the charter's out-of-office redirect), with 'for' naming them.
Plain SQL over follow-ups `f` (send_cli.store.reader)."""

from __future__ import annotations

from datetime import date
from typing import Any

from send_cli.store.reader import as_reader

# The stored officer (named_officer) is away today (:today) and the follow-up
# falls due by the absence's last day: their cover holds it.
COVERING = ("(f.done_at IS NULL AND named_officer.cover_id IS NOT NULL"
            " AND named_officer.away_from <= :today AND named_officer.away_to >= :today"
            " AND f.due <= named_officer.away_to)")
# The three officers of each follow-up: `named_officer` (stored), `holder`
# (who holds it today) and `held_for` (the away officer whose follow-up the
# cover holds: stored when the promise was made in the absence, or worked
# out, as rules.followups.cover_holds says).
HOLDERS = (" JOIN officers named_officer ON named_officer.id = f.officer_id"
           f" JOIN officers holder ON holder.id = CASE WHEN {COVERING}"
           " THEN named_officer.cover_id ELSE f.officer_id END"
           f" LEFT OUTER JOIN officers held_for ON held_for.id = CASE WHEN {COVERING}"
           " THEN f.officer_id ELSE f.for_officer_id END")


def held_by(session: Any, code: str, today: date) -> tuple[str, dict[str, Any]]:
    """(SQL condition, its parameters) keeping the follow-ups CODE holds on
    TODAY. The stored officers they can have (CODE, or someone CODE covers
    today) narrow it on the index of open follow-ups by officer first."""
    reader = as_reader(session)
    ids = [int(i) for i, in reader.rows("SELECT id FROM officers WHERE code = :code",
                                        {"code": code})]
    if ids:
        ids += [int(i) for i, in reader.rows(
            "SELECT id FROM officers WHERE cover_id = :cover AND away_from <= :today"
            " AND away_to >= :today", {"cover": ids[0], "today": today})]
    ids = ids or [-1]
    marks = ", ".join(f":held{n}" for n in range(len(ids)))
    params: dict[str, Any] = {f"held{n}": v for n, v in enumerate(ids)}
    params["holder_code"] = code
    return f" AND f.officer_id IN ({marks}) AND holder.code = :holder_code", params


def for_code(value: str | None) -> str:
    """The 'for' column: the away officer's code, or empty."""
    return value or ""
