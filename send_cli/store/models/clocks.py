"""The statutory clocks, their exceptions, and advice requests."""

import datetime as dt

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel


class Deadline(SQLModel, table=True):
    """A statutory clock of a case, recomputed whenever the case changes, so
    reports filter on an indexed date instead of recomputing every case."""

    __tablename__ = "deadlines"
    __table_args__ = (
        Index("ix_deadlines_open", "due", "milestone", "case_id",
              sqlite_where=text("met_on IS NULL")),
        Index("ix_deadlines_case", "case_id"),
        # the open clocks of one case, with their start (revisions 0009, 0012)
        Index("ix_deadlines_open_case", "case_id", "due", "milestone", "start",
              sqlite_where=text("met_on IS NULL")),
        # the clocks met of one case (revision 0009)
        Index("ix_deadlines_met_case", "case_id", "milestone", "met_on",
              sqlite_where=text("met_on IS NOT NULL")),
    )
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id")
    milestone: str = Field(max_length=32)
    start: dt.date
    due: dt.date
    basis: str
    met_on: dt.date | None = None
    detail: str | None = None


class TimeException(SQLModel, table=True):
    """A statutory exception to the time limits (reg 10(4)(a)-(d))."""

    __tablename__ = "exceptions"
    __table_args__ = (Index("ix_exceptions_case", "case_id"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id")
    code: str = Field(max_length=1)
    reason: str
    from_date: dt.date | None = None
    to_date: dt.date | None = None
    created_at: dt.datetime


class AdviceRequest(SQLModel, table=True):
    """Advice asked of a professional during an assessment (due in 6 weeks)."""

    __tablename__ = "advice_requests"
    __table_args__ = (
        Index("ix_advice_requests_case", "case_id"),
        Index("ix_advice_requests_received", "received"),
        # the advice outstanding, every column a count reads (revision 0012)
        Index("ix_advice_requests_open", "received", "withdrawn_at", "source", "requested",
              "case_id", sqlite_where=text("received IS NULL AND withdrawn_at IS NULL")),
    )
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id")
    source: str = Field(max_length=32)
    requested: dt.date
    received: dt.date | None = None
    created_at: dt.datetime
    # recorded in error: withdrawn (kept, shown marked in 'case show')
    withdrawn_at: dt.datetime | None = None
    withdrawn_by: str | None = Field(default=None, max_length=64)
    withdrawn_reason: str | None = None
