"""Decision-making panels and their meetings."""

import datetime as dt

from sqlalchemy import UniqueConstraint, text
from sqlmodel import Field, SQLModel


class Panel(SQLModel, table=True):
    """A decision-making panel, with its cadence and outcome promise."""

    __tablename__ = "panels"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True)
    name: str
    cadence: str = Field(max_length=16)
    outcome_days: int = Field(default=5, sa_column_kwargs={"server_default": text("5")})
    outcome_working_days: bool = Field(
        default=True, sa_column_kwargs={"server_default": text("true")}
    )
    outcome_email: bool = Field(default=True, sa_column_kwargs={"server_default": text("true")})
    outcome_by: str = Field(default="casework officer")
    created_at: dt.datetime


class PanelRemit(SQLModel, table=True):
    """A request type a panel considers."""

    __tablename__ = "panel_remits"
    panel_id: int = Field(foreign_key="panels.id", primary_key=True)
    request: str = Field(primary_key=True, max_length=32)


class Meeting(SQLModel, table=True):
    """One meeting of a panel."""

    __tablename__ = "meetings"
    __table_args__ = (UniqueConstraint("panel_id", "date", name="uq_meetings_panel_date"),)
    id: int | None = Field(default=None, primary_key=True)
    panel_id: int = Field(foreign_key="panels.id")
    date: dt.date = Field(index=True)
    time: str = Field(default="10:00", max_length=5)
    moved_from: dt.date | None = None
    cancelled: bool = Field(default=False, sa_column_kwargs={"server_default": text("false")})
    created_at: dt.datetime
