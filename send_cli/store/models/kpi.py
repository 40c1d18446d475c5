"""The counts behind the council's figures, kept by the database's own
triggers as follow-ups, clocks and cases are written (migration 0005), so
`report kpi` adds up a year of days instead of counting a year of work; and
the breach forecast's stage durations (migration 0010, by month 0014) and
open requests (migration 0013); the advice owed and the audit trail's size
(migration 0014). Nothing in send-cli
writes these tables."""

import datetime as dt

from sqlalchemy import Index, text
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


class StageDay(SQLModel, table=True):
    """How many stages of the 20-week path ended on one day after so many
    days (the breach forecast's medians): 'decision', 'asking', 'plan' and
    'advice:SOURCE' (see migration 0010 for what each counts)."""

    __tablename__ = "stage_days"
    day: dt.date = Field(primary_key=True)
    stage: str = Field(primary_key=True, max_length=40)
    days: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    n: int = Field(default=0, sa_column_kwargs={"server_default": text("0")})


class StageMonth(SQLModel, table=True):
    """stage_days added up by calendar month (month: its first day), kept by
    triggers on stage_days (migration 0014): the forecast's medians read the
    whole months of their year from here."""

    __tablename__ = "stage_months"
    month: dt.date = Field(primary_key=True)
    stage: str = Field(primary_key=True, max_length=40)
    days: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    n: int = Field(default=0, sa_column_kwargs={"server_default": text("0")})


class ForecastRequest(SQLModel, table=True):
    """What the breach forecast needs of one request being assessed (status
    requested, assessing or drafting), kept by triggers (migration 0013):
    days counted from 1 January 1970; waiting_<source>: the last advice asked
    of that source and not yet received nor withdrawn."""

    __tablename__ = "forecast_requests"
    __table_args__ = (Index("ix_forecast_requests_officer", "officer_id"),)
    case_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    ref: str = Field(max_length=64)
    officer_id: int
    received_day: int
    decided_day: int | None = None
    issue_day: int | None = None
    drafted: int = Field(default=0, sa_column_kwargs={"server_default": text("0")})
    advice: int = Field(default=0, sa_column_kwargs={"server_default": text("0")})
    advice_got_day: int | None = None
    waiting_educational_psychology: int | None = None
    waiting_health: int | None = None
    waiting_social_care: int | None = None
    waiting_school: int | None = None
    waiting_other: int | None = None


class AdviceOwed(SQLModel, table=True):
    """One piece of advice asked for (not withdrawn) and the first day it is
    owed no more: received, its case closed, the assessment or the plan
    refused or the plan ceased (NULL while still owed); kept by triggers
    (migration 0014) for the advice outstanding of `report kpi`."""

    __tablename__ = "advice_owed"
    __table_args__ = (Index("ix_advice_owed_case", "case_id"),
                      Index("ix_advice_owed_until", "owed_until", "source", "requested"))
    advice_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    case_id: int
    source: str = Field(max_length=32)
    requested: dt.date
    owed_until: dt.date | None = None


class StoreCount(SQLModel, table=True):
    """A count of a whole table, kept by triggers (migration 0014): 'audit',
    the entries of the audit trail (`audit`'s "... and N more")."""

    __tablename__ = "store_counts"
    name: str = Field(primary_key=True, max_length=32)
    n: int = Field(default=0, sa_column_kwargs={"server_default": text("0")})
