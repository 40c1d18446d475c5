"""People (children and young people) and the placements their plans name."""

import datetime as dt

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class Person(SQLModel, table=True):
    """A child or young person: one or more cases (requests) are theirs."""

    __tablename__ = "persons"
    __table_args__ = (Index("ix_persons_dob_surname", "dob", "surname"),)
    id: int | None = Field(default=None, primary_key=True)
    forename: str
    surname: str
    dob: dt.date | None = None  # None once erased
    sex: str | None = Field(default=None, max_length=1)
    ethnicity: str | None = Field(default=None, max_length=4)
    postcode: str | None = Field(default=None, max_length=8)
    upn: str | None = Field(default=None, max_length=13, index=True)
    uln: str | None = Field(default=None, max_length=10)
    upn_unknown: str | None = Field(default=None, max_length=4)
    erased_at: dt.datetime | None = None
    created_at: dt.datetime


class Placement(SQLModel, table=True):
    """A setting named in a plan and held from one date (to another)."""

    __tablename__ = "placements"
    __table_args__ = (Index("ix_placements_case", "case_id", "entry"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id")
    urn: str | None = Field(default=None, max_length=6)
    ukprn: str | None = Field(default=None, max_length=8)
    setting_code: str | None = Field(default=None, max_length=4)
    rank: int
    entry: dt.date
    leaving: dt.date | None = None
    unit: bool
    resourced: bool
    residential: str | None = Field(default=None, max_length=1)
    wbp: str | None = Field(default=None, max_length=1)
    created_at: dt.datetime
