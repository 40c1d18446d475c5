"""Agenda items, declarations of interest and decisions."""

import datetime as dt

from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel


class Referral(SQLModel, table=True):
    """A case on a meeting's agenda for one request type."""

    __tablename__ = "referrals"
    __table_args__ = (
        UniqueConstraint("meeting_id", "case_id", "request", name="uq_referrals_item"),
        Index("ix_referrals_case", "case_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meetings.id")
    case_id: int = Field(foreign_key="cases.id")
    request: str = Field(max_length=32)
    officer_id: int = Field(foreign_key="officers.id")
    papers_due: dt.date
    papers_received: dt.date | None = None
    created_at: dt.datetime


class Declaration(SQLModel, table=True):
    """A panel member's declared interest in a case at one meeting."""

    __tablename__ = "declarations"
    __table_args__ = (Index("ix_declarations_meeting_case", "meeting_id", "case_id"),)
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meetings.id")
    case_id: int = Field(foreign_key="cases.id")
    member: str
    interest: str
    created_at: dt.datetime


class Decision(SQLModel, table=True):
    """What a panel decided on one agenda item, and why."""

    __tablename__ = "decisions"
    # one standing decision per agenda item; a withdrawn one stays beside it
    __table_args__ = (Index("ix_decisions_case", "case_id"),
                      Index("ix_decisions_referral_standing", "referral_id", unique=True,
                            sqlite_where=text("withdrawn_at IS NULL")))
    id: int | None = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="referrals.id")
    case_id: int = Field(foreign_key="cases.id")
    meeting_id: int = Field(foreign_key="meetings.id")
    outcome: str = Field(max_length=16)
    reason: str
    revisit_by: dt.date | None = None
    chair: str | None = None
    decided_at: dt.datetime
    # recorded in error: withdrawn (kept, shown marked in 'case show')
    withdrawn_at: dt.datetime | None = None
    withdrawn_by: str | None = Field(default=None, max_length=64)
    withdrawn_reason: str | None = None
