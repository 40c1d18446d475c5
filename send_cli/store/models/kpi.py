"""The counts behind the council's figures, kept by the database's own
triggers as follow-ups, clocks and cases are written (migration 0005), so
`report kpi` adds up a year of days instead of counting a year of work.
Nothing in send-cli writes these tables."""

import datetime as dt

from sqlalchemy import text
from sqlmodel import Field, SQLModel


class KpiDay(SQLModel, table=True):
    """One measure on one day: follow-ups due ('followups': n, kept in ok),
    clocks met ('met:final-plan' and others: n, on time in ok, days from the
    clock's start in days), annual reviews due ('due:annual-review')."""

    __tablename__ = "kpi_days"
    metric: str = Field(primary_key=True, max_length=32)
    day: dt.date = Field(primary_key=True)
    n: int = Field(default=0, sa_column_kwargs={"server_default": text("0")})
    ok: int = Field(default=0, sa_column_kwargs={"server_default": text("0")})
    days: int = Field(default=0, sa_column_kwargs={"server_default": text("0")})


class OfficerCaseload(SQLModel, table=True):
    """Open cases (any status but closed) an officer holds."""

    __tablename__ = "officer_caseloads"
    officer_id: int = Field(foreign_key="officers.id", primary_key=True)
    open_cases: int = Field(default=0, sa_column_kwargs={"server_default": text("0")})
