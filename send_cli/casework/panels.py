"""Panels and their remits: which requests each panel hears, its cadence and
the deadlines for its outcomes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from send_cli.errors import BadInput, Conflict, NotFound, RuleViolation
from send_cli.rules import panels as rules
from send_cli.store.audit import record
from send_cli.store.models import (
    Panel,
    PanelRemit,
)

PANEL_KEYS = ("code", "name", "cadence", "requests", "outcome", "outcome_days",
              "outcome_working_days", "outcome_email", "outcome_by")


# -- panels ---------------------------------------------------------------
def get_panel(session: Session, code: str) -> Panel:
    panel = session.execute(
        select(Panel).where(Panel.code == code.strip().upper())).scalars().first()
    if panel is None:
        raise NotFound(f"no panel '{code}'", hint="See 'send-cli panel list'.")
    return panel


def remit(session: Session, panel: Panel) -> list[str]:
    found = session.execute(
        select(PanelRemit.request).where(PanelRemit.panel_id == panel.id)).scalars()
    return sorted(found, key=rules.request_sort_key)


def known_requests(session: Session) -> list[str]:
    found = set(session.execute(select(PanelRemit.request).distinct()).scalars())
    return sorted(found | set(rules.REQUEST_TYPES), key=rules.request_sort_key)


def add_panel(*, session: Session, code: str, name: str, cadence: str, requests: Sequence[str],
              outcome_days: int, outcome_working_days: bool, outcome_email: bool,
              outcome_by: str, actor: str, now: datetime) -> tuple[Panel, list[str]]:
    """A council's own panel. Returns it and the request types no panel had
    considered before."""
    code = code.strip().upper()
    if not rules.PANEL_CODE_PATTERN.fullmatch(code):
        raise BadInput(f"panel code '{code}' is not valid; use 2-16 capital letters, digits "
                       "or '-', starting with a letter, e.g. SEP")
    if cadence not in rules.CADENCES:
        raise BadInput(f"--cadence '{cadence}' is not known; use one of: "
                       f"{', '.join(rules.CADENCES)}")
    if not requests:
        raise BadInput("--requests is empty; name the request types the panel considers, "
                       "e.g. --requests transport,resource")
    for r in requests:
        if not rules.REQUEST_PATTERN.fullmatch(r):
            raise BadInput(f"request type '{r}' is not valid; use lower-case letters, digits "
                           "and '-', e.g. personal-budget")
    if not 1 <= outcome_days <= 60:
        raise BadInput(f"--outcome-days {outcome_days} is out of range; use 1 to 60")
    if session.scalar(select(Panel.id).where(Panel.code == code)) is not None:
        raise Conflict(f"panel '{code}' already exists", hint="See 'send-cli panel list'.")
    new_types = [r for r in requests if r not in known_requests(session)]
    panel = Panel(code=code, name=name, cadence=cadence, outcome_days=outcome_days,
                  outcome_working_days=outcome_working_days, outcome_email=outcome_email,
                  outcome_by=outcome_by, created_at=now)
    session.add(panel)
    session.flush()
    unique = list(dict.fromkeys(requests))
    session.add_all([PanelRemit(panel_id=panel.id, request=r) for r in unique])
    record(session, officer=actor, now=now, action="panel.add", entity="panel", entity_id=code,
           after={"code": code, "name": name, "cadence": cadence, "requests": unique,
                  "outcome_days": outcome_days, "outcome_working_days": outcome_working_days,
                  "outcome_email": outcome_email, "outcome_by": outcome_by})
    return panel, new_types


def panel_rows(session: Session) -> list[dict[str, Any]]:
    remits: dict[int, list[str]] = {}
    for pid, req in session.execute(select(PanelRemit.panel_id, PanelRemit.request)):
        remits.setdefault(pid, []).append(req)
    out = []
    for p in session.execute(select(Panel).order_by(Panel.id)).scalars():
        out.append({
            "code": p.code, "name": p.name, "cadence": p.cadence,
            "requests": sorted(remits.get(p.id or 0, []), key=rules.request_sort_key),
            "outcome": rules.describe_outcome_rule(p.outcome_days, p.outcome_working_days,
                                                   p.outcome_email, p.outcome_by),
            "outcome_days": p.outcome_days, "outcome_working_days": p.outcome_working_days,
            "outcome_email": p.outcome_email, "outcome_by": p.outcome_by})
    return out


def check_remit(session: Session, panel: Panel, request: str) -> None:
    """Refuse a request type the panel does not consider, naming the panel that does."""
    if request in remit(session, panel):
        return
    if request not in known_requests(session):
        raise BadInput(f"--request '{request}' is not a request type; use one of: "
                       f"{', '.join(known_requests(session))}")
    others = session.execute(
        select(Panel.code, Panel.name).join(PanelRemit, PanelRemit.panel_id == Panel.id)
        .where(PanelRemit.request == request).order_by(Panel.id)).all()
    if not others:
        raise RuleViolation(f"{panel.code} does not consider '{request}', and no panel does",
                            hint="Add it to a panel's remit with 'send-cli panel add'.")
    names = " or ".join(f"the {name} ({code})" for code, name in others)
    raise RuleViolation(
        f"{panel.code} does not consider '{request}'; {names} does",
        hint=f"Refer it there: --panel {others[0][0]}.")
