"""The council's calendar and settings."""

import datetime as dt

from sqlmodel import Field, SQLModel


class CalendarDay(SQLModel, table=True):
    """A non-working weekday or holiday: a bank holiday or a council closure."""

    __tablename__ = "calendar_days"
    day: dt.date = Field(primary_key=True)
    kind: str = Field(primary_key=True, max_length=16)  # bank-holiday | closure
    name: str


class Setting(SQLModel, table=True):
    """A council setting, e.g. the review interval for under-fives."""

    __tablename__ = "settings"
    key: str = Field(primary_key=True, max_length=64)
    value: str
