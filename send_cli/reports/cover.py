"""Who holds an open follow-up today: its officer, or their cover while they
are away (the charter's out-of-office redirect), with 'for' naming them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, case, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from send_cli.store.models import Followup, Officer


@dataclass
class Holders:
    """SQL for the holder of each follow-up on TODAY. `named` is the stored
    officer, `holder` who holds it today, `held_for` the away officer whose
    follow-up the cover holds (stored when the promise was made in the
    absence, or worked out: their own follow-up falling due by the absence's
    last day while it lasts, as rules.followups.cover_holds says)."""

    today: date

    def __post_init__(self) -> None:
        self.named: Any = aliased(Officer, name="named_officer")
        self.holder: Any = aliased(Officer, name="holder")
        self.held_for: Any = aliased(Officer, name="held_for")
        covering = and_(Followup.done_at.is_(None), self.named.cover_id.is_not(None),
                        self.named.away_from <= self.today, self.named.away_to >= self.today,
                        Followup.due <= self.named.away_to)
        self.holder_id: Any = case((covering, self.named.cover_id), else_=Followup.officer_id)
        self.for_id: Any = case((covering, Followup.officer_id),
                                else_=Followup.for_officer_id)

    def join(self, stmt: Any) -> Any:
        """STMT (over follow-ups) joined to the three officers."""
        return (stmt.join(self.named, self.named.id == Followup.officer_id)
                .join(self.holder, self.holder.id == self.holder_id)
                .outerjoin(self.held_for, self.held_for.id == self.for_id))

    def of(self, session: Session, stmt: Any, code: str) -> Any:
        """STMT kept to the follow-ups CODE holds today. The stored officers
        they can have (CODE, or someone CODE covers today) narrow it on the
        index of open follow-ups by officer first."""
        ids = [int(i) for i in session.scalars(select(Officer.id).where(Officer.code == code))]
        if ids:
            ids += [int(i) for i in session.scalars(select(Officer.id).where(
                Officer.cover_id == ids[0], Officer.away_from <= self.today,
                Officer.away_to >= self.today))]
        return stmt.where(Followup.officer_id.in_(ids or [-1]), self.holder.code == code)


def for_code(value: str | None) -> str:
    """The 'for' column: the away officer's code, or empty."""
    return value or ""
