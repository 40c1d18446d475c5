"""Cases: one request for an EHC needs assessment and what follows."""

import datetime as dt

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel


class Case(SQLModel, table=True):
    """One child or young person's request for an EHC needs assessment and
    everything that follows from it."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_officer_status", "officer_id", "status"),
        # the closed cases with the day each closed (revision 0012)
        Index("ix_cases_closed", "status", "closed_on", sqlite_where=text("status = 'closed'")),
    )
    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(max_length=64, unique=True)
    name: str
    dob: dt.date | None = None  # None once erased
    officer_id: int = Field(foreign_key="officers.id")
    received: dt.date
    requested_by: str | None = Field(default=None, max_length=32)
    setting: str | None = None
    status: str = Field(max_length=32, index=True)
    transfer_year: int | None = None
    transfer_kind: str | None = Field(default=None, max_length=16)
    closed_on: dt.date | None = None
    close_reason: str | None = None
    erased_at: dt.datetime | None = None
    created_at: dt.datetime
    # the child or young person (every case has one; nullable in the schema
    # only because SQLite cannot add a NOT NULL column referring to a table)
    person_id: int | None = Field(default=None, foreign_key="persons.id", index=True)
    primary_need: str | None = Field(default=None, max_length=4)  # SEN2 need type
    secondary_need: str | None = Field(default=None, max_length=4)
    transferred_from: str | None = Field(default=None, max_length=3)  # LA code
