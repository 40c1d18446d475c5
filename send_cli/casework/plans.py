"""What a plan records for the SEN2 return: the child's special educational
needs, and the placements it names. Keyword-only; each operation takes a
session and `now` and writes the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session

from send_cli.casework.cases import open_case
from send_cli.errors import BadInput, Conflict, RuleViolation
from send_cli.rules import sen2
from send_cli.store.audit import record
from send_cli.store.models import Case, Placement


def set_need(*, session: Session, ref: str, primary: str, secondary: str | None, actor: str,
             now: datetime) -> Case:
    """The primary (rank 1) and secondary (rank 2) SEN need of the case's plan."""
    codes = []
    for value, what in ((primary, "--primary"), (secondary, "--secondary")):
        if value is None:
            codes.append(None)
            continue
        code = value.strip().upper()
        if code not in sen2.NEED_TYPES:
            raise BadInput(f"{what} '{value}' is not a SEN2 need type; use one of: "
                           f"{', '.join(sen2.NEED_TYPES)}")
        codes.append(code)
    if codes[0] == codes[1]:
        raise BadInput("--secondary is the same need as --primary; give another or leave "
                       "it out")
    case = open_case(session, ref)
    before = {"primary_need": case.primary_need, "secondary_need": case.secondary_need}
    after = {"primary_need": codes[0], "secondary_need": codes[1]}
    if before == after:
        raise Conflict(f"{ref}: these needs are already recorded")
    case.primary_need, case.secondary_need = codes
    session.add(case)
    session.flush()
    record(session, officer=actor, now=now, action="case.need", entity="case", entity_id=ref,
           case_ref=ref, before=before, after=after)
    return case


@dataclass
class PlacementInput:
    urn: str | None
    ukprn: str | None
    setting: str | None
    entry: date
    leaving: date | None
    rank: int
    unit: bool
    resourced: bool
    residential: str | None
    wbp: str | None


def add_placement(*, session: Session, ref: str, p: PlacementInput, actor: str,
                  now: datetime) -> tuple[Placement, Placement | None]:
    """A setting the case's plan names, held from P.entry. An open placement
    of the same rank that began earlier ends the day before. Returns (the
    placement, the one it ended or None)."""
    given = [x for x in (p.urn, p.ukprn, p.setting) if x is not None]
    if len(given) != 1:
        raise BadInput("give one of --urn, --ukprn or --setting (a placement is one school, "
                       "college or provider, or a SEN2 setting code)")
    urn = p.urn.strip() if p.urn is not None else None
    ukprn = p.ukprn.strip() if p.ukprn is not None else None
    code = p.setting.strip().upper() if p.setting is not None else None
    if urn is not None and not sen2.is_urn(urn):
        raise BadInput(f"--urn '{p.urn}' is not a URN; use the 6 digits of the school's "
                       "unique reference number (Get Information about Schools)")
    if ukprn is not None and not sen2.is_ukprn(ukprn):
        raise BadInput(f"--ukprn '{p.ukprn}' is not a UKPRN; use the provider's 8 digits")
    if code is not None and code not in sen2.SEN_SETTINGS:
        raise BadInput(f"--setting '{p.setting}' is not a SEN2 setting code; use one of: "
                       f"{', '.join(sen2.SEN_SETTINGS)}")
    if p.rank not in (1, 2):
        raise BadInput(f"--rank {p.rank} is not known; use 1 (main) or 2 (second)")
    if p.leaving is not None and p.leaving < p.entry:
        raise BadInput(f"--to {p.leaving} is before --from {p.entry}")
    residential = p.residential.upper() if p.residential else None
    if residential is not None and residential not in sen2.RESIDENTIAL:
        raise BadInput(f"--residential '{p.residential}' is not known; use A (up to 38 "
                       "weeks) or B (39 to 52 weeks)")
    wbp = p.wbp.upper() if p.wbp else None
    if wbp is not None and wbp not in sen2.WORK_BASED:
        raise BadInput(f"--wbp '{p.wbp}' is not known; use A (apprenticeship), T "
                       "(traineeship) or S (supported internship)")
    case = open_case(session, ref)
    if case.dob is not None and p.entry < case.dob:
        raise RuleViolation("--from is before the date of birth")
    same = session.execute(select(Placement).where(
        Placement.case_id == case.id, Placement.rank == p.rank, Placement.entry == p.entry)
    ).scalars().first()
    if same is not None:
        raise Conflict(f"{ref}: a rank {p.rank} placement from {p.entry} is already recorded")
    ended = None
    if p.leaving is None or p.leaving >= p.entry:
        ended = session.execute(select(Placement).where(
            Placement.case_id == case.id, Placement.rank == p.rank,
            Placement.entry < p.entry, Placement.leaving.is_(None))
            .order_by(Placement.entry.desc())).scalars().first()
        if ended is not None:
            ended.leaving = p.entry - timedelta(days=1)
            session.add(ended)
    placement = Placement(case_id=case.id, urn=urn, ukprn=ukprn, setting_code=code,
                          rank=p.rank, entry=p.entry, leaving=p.leaving, unit=p.unit,
                          resourced=p.resourced, residential=residential, wbp=wbp,
                          created_at=now)
    session.add(placement)
    session.flush()
    after = {"urn": urn, "ukprn": ukprn, "setting_code": code, "rank": p.rank,
             "from": p.entry, "to": p.leaving, "unit": p.unit, "resourced": p.resourced,
             "residential": residential, "wbp": wbp}
    if ended is not None:
        after["ended_placement"] = {"id": ended.id, "to": ended.leaving}
    record(session, officer=actor, now=now, action="case.placement", entity="placement",
           entity_id=placement.id, case_ref=ref, after=after)
    return placement, ended
