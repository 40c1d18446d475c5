"""Finding an officer, a case or a panel by what people type, for the reads:
plain SQL through a Reader, with the same refusals as casework's lookups."""

from __future__ import annotations

from typing import Any, NamedTuple

from send_cli.errors import NotFound
from send_cli.store.reader import as_reader, flag


class OfficerRow(NamedTuple):
    id: int
    code: str
    name: str
    team: str
    role: str
    active: bool


class CaseRow(NamedTuple):
    id: int
    ref: str
    officer_id: int
    status: str


class PanelRow(NamedTuple):
    id: int
    code: str
    name: str


def officer_named(source: Any, code: str) -> OfficerRow:
    """The officer whose code is CODE; NotFound (naming one that differs only
    in letter case) when there is none."""
    reader = as_reader(source)
    found = reader.first("SELECT id, code, name, team, role, active FROM officers"
                         " WHERE code = :code LIMIT 1", {"code": code})
    if found is None:
        other = reader.scalar("SELECT code FROM officers WHERE lower(code) = :code LIMIT 1",
                              {"code": code.lower()})
        raise NotFound(f"no officer '{code}'",
                       hint=f"Did you mean '{other}'? Codes are exact about letter case."
                       if other else "See 'send-cli officer list'.")
    return OfficerRow(*found[:5], flag(found[5]))  # type: ignore[arg-type]


def case_named(source: Any, ref: str) -> CaseRow:
    """The case whose reference is REF; NotFound otherwise."""
    reader = as_reader(source)
    found = reader.first("SELECT id, ref, officer_id, status FROM cases WHERE ref = :ref"
                         " LIMIT 1", {"ref": ref})
    if found is None:
        other = reader.scalar("SELECT ref FROM cases WHERE lower(ref) = :ref LIMIT 1",
                              {"ref": ref.lower()})
        raise NotFound(f"no case '{ref}'",
                       hint=f"Did you mean '{other}'? References are exact about letter case."
                       if other else "See 'send-cli case list'.")
    return CaseRow(*found)
