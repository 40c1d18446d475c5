"""Statutory steps reached, and appeals."""

import datetime as dt

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

ENDING = ("kind = 'ceased' OR (kind IN ('assessment-decision', 'issue-decision') "
          "AND outcome = 'refused')")


class Milestone(SQLModel, table=True):
    """A statutory step reached on a case (assessment decision, final plan...)."""

    __tablename__ = "milestones"
    __table_args__ = (
        Index("ix_milestones_case", "case_id", "on"),
        # what ends the advice owed: a plan ceased, a refusal (revision 0012)
        Index("ix_milestones_ending", "case_id", "on", "kind", "outcome",
              sqlite_where=text(ENDING)),
    )
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id")
    kind: str = Field(max_length=32)
    on: dt.date
    outcome: str | None = Field(default=None, max_length=16)
    created_at: dt.datetime


class Appeal(SQLModel, table=True):
    """A family's disagreement with a decision and its appeal window."""

    __tablename__ = "appeals"
    __table_args__ = (Index("ix_appeals_case", "case_id"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id")
    decision_sent: dt.date
    certificate: dt.date | None = None
    registered: dt.date | None = None
    # the outcome email of a refusal whose day opened the window (the email
    # is the decision letter)
    followup_id: int | None = Field(default=None, foreign_key="followups.id")
    created_at: dt.datetime
